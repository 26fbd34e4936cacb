/* SPDX-License-Identifier: MIT */
/*
 * The core thread (see core.h).  Group commit: it waits for the first reading,
 * takes whatever else is queued (up to a batch; with a commit interval set,
 * what comes until it is over) and commits it in one transaction, so commits
 * stay few under load and a reading waits little when the station is quiet.
 * A failing store (disk full, I/O error) does not stop acquisition: the batch
 * is kept and retried, and only what no longer fits in memory is dropped and
 * counted.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "core.h"
#include "log.h"
#include "threadname.h"
#include "timefmt.h"
#include "now.h"

#define CORE_BATCH		2048		/* readings per transaction at most */
#define CORE_PRUNE_EVERY_MS	(3600 * 1000)
#define CORE_RETRY_MS		1000
#define CORE_SHUTDOWN_TRIES	3		/* commits tried after the close before giving up */
#define CORE_SIZE_EVERY_MS	5000		/* how often the size cap is checked */
#define CORE_TRIM_TO_PERCENT	90		/* a trim goes this far below the cap */
#define CORE_CMD_WAIT_MS	10000		/* a command not taken by then is given up */

enum cmd_kind { CMD_ACK, CMD_MAINT, CMD_RECONF };

/* A command for the core thread; it lives on the caller's stack. */
struct cmd {
	enum cmd_kind		 kind;
	const char		*target;	/* ack: what; maintenance: the device */
	const char		*by;
	const char		*note;
	bool			 on;
	int64_t			 for_ms;
	const struct conf	*conf;
	char			*reply;
	size_t			 len;
	int			 rc;
	bool			 taken;
	bool			 done;
};

struct core {
	struct store		*st;
	struct queue		*q;
	char			 station[LW_NAME_MAX];
	struct core_params	 p;		/* station and cursors point at the copies */
	char			 cursor_names[CORE_MAX_CURSORS][LW_NAME_MAX];	/* under mu */
	const char		*cursor_ptrs[CORE_MAX_CURSORS];
	pthread_t		 thread;
	pthread_mutex_t		 mu;		/* guards stats */
	struct core_stats	 stats;
	_Atomic int64_t		 heartbeat_ms;
	struct lw_reading	*batch;		/* CORE_BATCH slots */
	bool			 upkeep_failing;
	size_t			 nbatch;
	struct alerts		*alerts;	/* the core thread's */
	pthread_mutex_t		 cmd_serial;	/* one command at a time */
	pthread_mutex_t		 cmd_mu;
	pthread_cond_t		 cmd_cv;
	struct cmd		*cmd;		/* under cmd_mu */
	_Atomic size_t		 alerts_active;
	struct wake		*wakes[CORE_MAX_WAKES];	/* under mu */
	size_t			 nwakes;
};

static void
wake_all(struct core *c)
{
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->nwakes; i++)
		wake_signal(c->wakes[i]);
	pthread_mutex_unlock(&c->mu);
}

/* Count journaled alert events; wake the publishers when there are some. */
static void
alert_events(struct core *c, int n)
{
	if (c->alerts != NULL)
		atomic_store(&c->alerts_active, alerts_active(c->alerts));
	if (n <= 0)
		return;
	pthread_mutex_lock(&c->mu);
	c->stats.alert_events += (uint64_t)n;
	pthread_mutex_unlock(&c->mu);
	wake_all(c);
}

/* The lowest cursor of the running forwarders: past it, readings are unforwarded. */
static int64_t
forwarded_seq(struct core *c)
{
	char names[CORE_MAX_CURSORS][LW_NAME_MAX];
	int64_t low = INT64_MAX;
	size_t n;

	pthread_mutex_lock(&c->mu);
	n = c->p.ncursors;
	memcpy(names, c->cursor_names, sizeof(names));
	pthread_mutex_unlock(&c->mu);
	for (size_t i = 0; i < n; i++) {
		int64_t seq = 0;

		if (store_cursor_get(c->st, names[i], &seq) != 0)
			return 0;	/* unknown: count every deleted reading as unforwarded */
		if (seq < low)
			low = seq;
	}
	return low;
}

/* Count and log what a prune or trim deleted. */
static void
record_drop(struct core *c, const struct store_drop *d, const char *why)
{
	if (d->deleted == 0)
		return;
	pthread_mutex_lock(&c->mu);
	c->stats.pruned += (uint64_t)d->deleted;
	c->stats.pruned_unforwarded += (uint64_t)d->unforwarded;
	pthread_mutex_unlock(&c->mu);
	if (d->unforwarded > 0)
		log_warn("store: %s: deleted %lld readings, %lld of them not yet forwarded "
		    "(a forwarder has been down longer than the store keeps readings)",
		    why, (long long)d->deleted, (long long)d->unforwarded);
	else
		log_info("store: %s: deleted %lld readings", why, (long long)d->deleted);
}

static void
prune(struct core *c)
{
	struct store_drop d;
	int rc;

	if (c->p.retention_ms <= 0)
		return;
	rc = store_prune(c->st, now_wall_ms() - c->p.retention_ms, forwarded_seq(c), &d);
	record_drop(c, &d, "older than the retention");
	if (rc != 0)
		log_warn("store: pruning old readings failed: %s", store_errmsg(c->st));
}

/* Over the size cap: delete the oldest readings down to CORE_TRIM_TO_PERCENT of it. */
static void
enforce_size(struct core *c)
{
	struct store_drop d;
	int64_t size;
	int rc;

	if (c->p.max_size_bytes <= 0)
		return;
	if ((rc = store_size(c->st, &size)) != 0) {
		log_warn("store: cannot read its size: %s", store_errmsg(c->st));
		return;
	}
	if (size <= c->p.max_size_bytes)
		return;
	rc = store_trim(c->st, c->p.max_size_bytes / 100 * CORE_TRIM_TO_PERCENT,
	    forwarded_seq(c), &d);
	record_drop(c, &d, "over the size cap");
	if (rc != 0)
		log_warn("store: deleting the oldest readings failed: %s", store_errmsg(c->st));
}

/* The store's upkeep after a commit; a failure is logged when it starts and when it ends. */
static void
upkeep(struct core *c)
{
	int rc = store_upkeep(c->st);

	if (rc != 0 && !c->upkeep_failing)
		log_warn("store: upkeep (indexing, checkpoint) failed: %s; trying again after "
		    "the next commit", store_errmsg(c->st));
	else if (rc == 0 && c->upkeep_failing)
		log_notice("store: upkeep works again");
	c->upkeep_failing = rc != 0;
}

/* Commit the batch; on failure keep it for the next round.  True if committed. */
static bool
commit(struct core *c)
{
	int rc;

	if (c->nbatch == 0)
		return true;
	int64_t t0 = queue_now_ms();
	rc = store_append(c->st, c->station, c->batch, c->nbatch);
	pthread_mutex_lock(&c->mu);
	if (rc == 0) {
		c->stats.committed += c->nbatch;
		c->stats.commits++;
		c->stats.commit_ms += (uint64_t)(queue_now_ms() - t0);
	} else {
		c->stats.failed_commits++;
	}
	pthread_mutex_unlock(&c->mu);
	if (rc != 0) {
		log_err("store: commit of %zu readings failed: %s; keeping them and retrying",
		    c->nbatch, store_errmsg(c->st));
		return false;
	}
	/* Judged after the commit: an alert never names a reading the store lacks. */
	int events = c->alerts != NULL ? alerts_readings(c->alerts, c->batch, c->nbatch,
	    now_wall_ms()) : 0;
	c->nbatch = 0;
	wake_all(c);
	alert_events(c, events);
	upkeep(c);
	return true;
}

static void
do_maintenance(struct core *c, struct cmd *cmd)
{
	int64_t now = now_wall_ms();
	int64_t until = !cmd->on ? 0 : cmd->for_ms > 0 ? now + cmd->for_ms : MAINT_FOREVER;
	char when[32];
	int rc;

	if ((rc = maint_set(c->p.maint, cmd->target, until)) != 0) {
		snprintf(cmd->reply, cmd->len, "device '%s': cannot set maintenance: %s", cmd->target,
		    strerror(-rc));
		cmd->rc = rc;
		return;
	}
	alerts_maintenance(c->alerts, cmd->target, now);
	if ((rc = store_maint_set(c->st, cmd->target, until, cmd->by)) != 0)
		log_warn("device '%s': maintenance is set but not saved: %s", cmd->target,
		    store_errmsg(c->st));
	if (!cmd->on)
		snprintf(cmd->reply, cmd->len, "device '%s': maintenance off", cmd->target);
	else if (until == MAINT_FOREVER)
		snprintf(cmd->reply, cmd->len, "device '%s': maintenance on until turned off",
		    cmd->target);
	else if (timefmt_iso8601(until, when, sizeof(when)) >= 0)
		snprintf(cmd->reply, cmd->len, "device '%s': maintenance on until %s", cmd->target,
		    when);
	log_notice("%s (by %s)", cmd->reply, cmd->by);
	cmd->rc = 0;
}

/* Carry out a command in the core thread. */
static void
run(struct core *c, struct cmd *cmd)
{
	struct alerts *fresh;
	int rc;

	switch (cmd->kind) {
	case CMD_ACK:
		cmd->rc = alerts_ack(c->alerts, cmd->target, cmd->by, cmd->note, now_wall_ms(),
		    cmd->reply, cmd->len);
		alert_events(c, cmd->rc);
		break;
	case CMD_MAINT:
		do_maintenance(c, cmd);
		break;
	case CMD_RECONF:
		/* The old alerts journal what they still hold; the new ones read it back. */
		alerts_free(c->alerts);
		c->alerts = NULL;
		rc = alerts_new(cmd->conf, c->st, c->p.maint, now_wall_ms(), &fresh);
		if (rc == 0)
			c->alerts = fresh;
		snprintf(cmd->reply, cmd->len, rc == 0 ? "alerts reloaded" :
		    "alerts could not be built: %s", strerror(-rc));
		cmd->rc = rc;
		break;
	}
}

/* A command waiting? Take it, carry it out, tell its caller. */
static void
take_command(struct core *c)
{
	struct cmd *cmd;

	pthread_mutex_lock(&c->cmd_mu);
	cmd = c->cmd;
	if (cmd != NULL)
		cmd->taken = true;
	pthread_mutex_unlock(&c->cmd_mu);
	if (cmd == NULL)
		return;
	if (c->alerts == NULL && cmd->kind != CMD_RECONF) {
		snprintf(cmd->reply, cmd->len, "the station's alerts are not running");
		cmd->rc = -EAGAIN;
	} else {
		run(c, cmd);
	}
	pthread_mutex_lock(&c->cmd_mu);
	cmd->done = true;
	c->cmd = NULL;
	pthread_cond_broadcast(&c->cmd_cv);
	pthread_mutex_unlock(&c->cmd_mu);
}

/* Hand a command to the core thread and wait for it. */
static int
submit(struct core *c, struct cmd *cmd)
{
	struct timespec ts;
	int64_t deadline = queue_now_ms() + CORE_CMD_WAIT_MS;

	pthread_mutex_lock(&c->cmd_serial);
	pthread_mutex_lock(&c->cmd_mu);
	c->cmd = cmd;
	pthread_mutex_unlock(&c->cmd_mu);
	queue_wake(c->q);
	pthread_mutex_lock(&c->cmd_mu);
	while (!cmd->done) {
		ts.tv_sec = deadline / 1000;
		ts.tv_nsec = (deadline % 1000) * 1000000;
		if (pthread_cond_timedwait(&c->cmd_cv, &c->cmd_mu, &ts) == ETIMEDOUT && !cmd->taken) {
			/* Not taken yet: withdraw it (a taken one is waited for). */
			c->cmd = NULL;
			snprintf(cmd->reply, cmd->len, "the daemon is busy; try again");
			cmd->rc = -ETIMEDOUT;
			break;
		}
	}
	pthread_mutex_unlock(&c->cmd_mu);
	pthread_mutex_unlock(&c->cmd_serial);
	return cmd->rc;
}

int
core_ack(struct core *c, const char *target, const char *by, const char *note, char *reply,
    size_t len)
{
	struct cmd cmd = { .kind = CMD_ACK, .target = target, .by = by, .note = note,
		.reply = reply, .len = len };

	return submit(c, &cmd);
}

int
core_maintenance(struct core *c, const char *device, bool on, int64_t for_ms, const char *by,
    char *reply, size_t len)
{
	struct cmd cmd = { .kind = CMD_MAINT, .target = device, .by = by, .on = on,
		.for_ms = for_ms, .reply = reply, .len = len };

	return submit(c, &cmd);
}

int
core_reconfigure(struct core *c, const struct conf *conf, char *reply, size_t len)
{
	struct cmd cmd = { .kind = CMD_RECONF, .conf = conf, .reply = reply, .len = len };

	return submit(c, &cmd);
}

/*
 * The next moment time alone gives the core something to do: a retry of a
 * failed commit, a stale alert or the end of a maintenance, the hourly prune,
 * the size check.  An idle core sleeps until then and no sooner.
 */
static int64_t
next_due(struct core *c, int64_t now, bool store_failing, int64_t next_prune,
    int64_t next_size)
{
	int64_t due = next_prune;

	if (store_failing && now + CORE_RETRY_MS < due)
		due = now + CORE_RETRY_MS;
	if (c->p.max_size_bytes > 0 && next_size < due)
		due = next_size;
	if (c->alerts != NULL) {
		int64_t wall = now_wall_ms(), at = alerts_next_tick(c->alerts);

		if (at != INT64_MAX && now + (at > wall ? at - wall : 0) < due)
			due = now + (at > wall ? at - wall : 0);
	}
	return due;
}

static void *
core_main(void *arg)
{
	struct core *c = arg;
	int64_t next_prune = queue_now_ms() + CORE_PRUNE_EVERY_MS;
	int64_t next_size = queue_now_ms();
	int64_t last_commit = INT64_MIN / 2;
	bool store_failing = false;
	unsigned shutdown_tries = 0;

	thread_name("core");
	prune(c);
	for (;;) {
		int64_t now = queue_now_ms(), due;
		size_t n, got;

		if (c->nbatch == CORE_BATCH) {
			/* The store has been failing long enough to fill a batch. */
			pthread_mutex_lock(&c->mu);
			c->stats.dropped += c->nbatch;
			pthread_mutex_unlock(&c->mu);
			log_err("store: dropping %zu readings that could not be committed", c->nbatch);
			c->nbatch = 0;
		}
		/*
		 * Wait for the first readings, or for what time brings.  Asleep
		 * until due, the thread is not wedged: its heartbeat says so.
		 */
		due = next_due(c, now, store_failing, next_prune, next_size);
		atomic_store(&c->heartbeat_ms, due);
		n = queue_pop(c->q, c->batch + c->nbatch, CORE_BATCH - c->nbatch, due);
		atomic_store(&c->heartbeat_ms, queue_now_ms());
		c->nbatch += n;
		got = n;
		/*
		 * Commit at once when the last commit is a commit interval old
		 * (a burst of polls is one push, see queue_push_more), which with
		 * the default interval 0 is always: readings queued during a
		 * commit go together in the next (group commit).  With an
		 * interval set, gather until it is over, not woken by every push
		 * meanwhile: fewer writes to a flash card, longer waits.
		 */
		int64_t until = last_commit + c->p.commit_interval_ms;
		if (n > 0 && c->nbatch < CORE_BATCH && queue_now_ms() < until) {
			n = queue_gather(c->q, c->batch + c->nbatch, CORE_BATCH - c->nbatch, until);
			c->nbatch += n;
			got += n;
		}
		if (c->nbatch > 0)
			last_commit = queue_now_ms();
		store_failing = !commit(c);
		take_command(c);
		if (c->alerts != NULL && alerts_next_tick(c->alerts) <= now_wall_ms())
			alert_events(c, alerts_tick(c->alerts, now_wall_ms()));
		if (queue_now_ms() >= next_prune) {
			prune(c);
			next_prune = queue_now_ms() + CORE_PRUNE_EVERY_MS;
		}
		if (c->p.max_size_bytes > 0 && queue_now_ms() >= next_size) {
			enforce_size(c);
			next_size = queue_now_ms() + CORE_SIZE_EVERY_MS;
		}
		/* After queue_close(): stop once the queue is empty and all is committed. */
		if (queue_closed(c->q) && got == 0 &&
		    (c->nbatch == 0 || ++shutdown_tries >= CORE_SHUTDOWN_TRIES))
			break;
	}
	return NULL;
}

/* Run-time maintenance kept in the store: back into maint, the ended ones dropped. */
static int
load_maintenance(void *arg, const char *device, int64_t until_ms, const char *by)
{
	struct core *c = arg;

	(void)by;
	if (until_ms != MAINT_FOREVER && until_ms <= now_wall_ms())
		return store_maint_set(c->st, device, 0, NULL) == 0 ? 0 : 0;
	if (maint_set(c->p.maint, device, until_ms) == 0)
		log_notice("device '%s': in maintenance (set before the restart)", device);
	return 0;
}

static void
core_free(struct core *c)
{
	alerts_free(c->alerts);
	pthread_cond_destroy(&c->cmd_cv);
	pthread_mutex_destroy(&c->cmd_mu);
	pthread_mutex_destroy(&c->cmd_serial);
	pthread_mutex_destroy(&c->mu);
	free(c->batch);
	free(c);
}

int
core_start(struct store *st, struct queue *q, const struct core_params *p, struct core **ret)
{
	struct core *c = calloc(1, sizeof(*c));
	int rc;

	if (c == NULL)
		return -ENOMEM;
	c->batch = calloc(CORE_BATCH, sizeof(*c->batch));
	if (c->batch == NULL) {
		free(c);
		return -ENOMEM;
	}
	c->st = st;
	store_own_checkpoints(st);	/* in upkeep(), after the forwarders are woken */
	c->q = q;
	c->p = *p;
	c->p.conf = NULL;	/* read here only */
	snprintf(c->station, sizeof(c->station), "%s", p->station);
	c->p.station = c->station;
	pthread_mutex_init(&c->mu, NULL);
	pthread_mutex_init(&c->cmd_serial, NULL);
	pthread_mutex_init(&c->cmd_mu, NULL);
	/* submit() waits against the monotonic clock. */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cmd_cv, &ca);
	pthread_condattr_destroy(&ca);
	if ((rc = core_set_cursors(c, p->cursors, p->ncursors)) != 0 ||
	    (rc = core_set_wakes(c, p->wakes, p->nwakes)) != 0) {
		core_free(c);
		return rc;
	}
	/* Before the thread: the store connection is still this thread's to use. */
	if (p->maint != NULL && store_maint_each(st, load_maintenance, c) != 0)
		log_warn("store: cannot read the maintenance set before: %s", store_errmsg(st));
	if (p->conf != NULL && p->maint != NULL &&
	    (rc = alerts_new(p->conf, st, p->maint, now_wall_ms(), &c->alerts)) != 0) {
		core_free(c);
		return rc;
	}
	atomic_store(&c->heartbeat_ms, queue_now_ms());
	rc = pthread_create(&c->thread, NULL, core_main, c);
	if (rc != 0) {
		core_free(c);
		return -rc;
	}
	*ret = c;
	return 0;
}

void
core_stop(struct core *c, struct core_stats *stats)
{
	if (c == NULL)
		return;
	queue_close(c->q);
	pthread_join(c->thread, NULL);
	if (stats != NULL)
		core_get_stats(c, stats);
	if (c->nbatch > 0)
		log_err("store: %zu readings could not be committed at shutdown", c->nbatch);
	alerts_free(c->alerts);
	c->alerts = NULL;
	store_close(c->st);
	core_free(c);
}

int
core_set_cursors(struct core *c, const char *const *cursors, size_t n)
{
	if (n > CORE_MAX_CURSORS)
		return -E2BIG;
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < n; i++) {
		snprintf(c->cursor_names[i], sizeof(c->cursor_names[i]), "%s", cursors[i]);
		c->cursor_ptrs[i] = c->cursor_names[i];
	}
	c->p.cursors = c->cursor_ptrs;
	c->p.ncursors = n;
	pthread_mutex_unlock(&c->mu);
	return 0;
}

int
core_set_wakes(struct core *c, struct wake *const *wakes, size_t n)
{
	if (n > CORE_MAX_WAKES)
		return -E2BIG;
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < n; i++)
		c->wakes[i] = wakes[i];
	c->nwakes = n;
	pthread_mutex_unlock(&c->mu);
	return 0;
}

void
core_get_stats(struct core *c, struct core_stats *ret)
{
	pthread_mutex_lock(&c->mu);
	*ret = c->stats;
	pthread_mutex_unlock(&c->mu);
	ret->alerts_active = atomic_load(&c->alerts_active);
	ret->dropped += queue_dropped(c->q);
}

int64_t
core_heartbeat(struct core *c)
{
	return atomic_load(&c->heartbeat_ms);
}
