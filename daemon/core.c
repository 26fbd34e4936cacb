/* SPDX-License-Identifier: MIT */
/*
 * The core thread (see core.h).  Group commit: it waits for the first reading,
 * gathers whatever else is queued (up to a batch, and for at most the commit
 * interval), and commits it in one transaction, so commits stay few under
 * load and a reading waits little when the station is quiet.  A failing
 * store (disk full, I/O error) does not stop acquisition: the batch is kept
 * and retried, and only what no longer fits in memory is dropped and counted.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "log.h"
#include "now.h"

#define CORE_BATCH		4096		/* readings per transaction at most */
#define CORE_PRUNE_EVERY_MS	(3600 * 1000)
#define CORE_RETRY_MS		1000
#define CORE_SHUTDOWN_TRIES	3		/* commits tried after the close before giving up */
#define CORE_SIZE_EVERY_MS	5000		/* how often the size cap is checked */
#define CORE_TRIM_TO_PERCENT	90		/* a trim goes this far below the cap */

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
	size_t			 nbatch;
};

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

/* Commit the batch; on failure keep it for the next round.  True if committed. */
static bool
commit(struct core *c)
{
	int rc;

	if (c->nbatch == 0)
		return true;
	rc = store_append(c->st, c->station, c->batch, c->nbatch);
	pthread_mutex_lock(&c->mu);
	if (rc == 0) {
		c->stats.committed += c->nbatch;
		c->stats.commits++;
	} else {
		c->stats.failed_commits++;
	}
	pthread_mutex_unlock(&c->mu);
	if (rc != 0) {
		log_err("store: commit of %zu readings failed: %s; keeping them and retrying",
		    c->nbatch, store_errmsg(c->st));
		return false;
	}
	c->nbatch = 0;
	for (size_t i = 0; i < c->p.nwakes; i++)
		wake_signal(c->p.wakes[i]);
	return true;
}

static void *
core_main(void *arg)
{
	struct core *c = arg;
	int64_t next_prune = queue_now_ms() + CORE_PRUNE_EVERY_MS;
	int64_t next_size = queue_now_ms();
	bool store_failing = false;
	unsigned shutdown_tries = 0;

	prune(c);
	for (;;) {
		int64_t now = queue_now_ms();
		size_t n, got;

		atomic_store(&c->heartbeat_ms, now);
		if (c->nbatch == CORE_BATCH) {
			/* The store has been failing long enough to fill a batch. */
			pthread_mutex_lock(&c->mu);
			c->stats.dropped += c->nbatch;
			pthread_mutex_unlock(&c->mu);
			log_err("store: dropping %zu readings that could not be committed", c->nbatch);
			c->nbatch = 0;
		}
		/* Wait for the first reading (or a retry/prune/heartbeat tick). */
		n = queue_pop(c->q, c->batch + c->nbatch, CORE_BATCH - c->nbatch,
		    now + (store_failing ? CORE_RETRY_MS : 1000));
		c->nbatch += n;
		got = n;
		/* Then gather what else arrives within the commit interval. */
		int64_t until = queue_now_ms() + c->p.commit_interval_ms;
		while (n > 0 && c->nbatch < CORE_BATCH && c->p.commit_interval_ms > 0) {
			n = queue_pop(c->q, c->batch + c->nbatch, CORE_BATCH - c->nbatch, until);
			c->nbatch += n;
			got += n;
			if (queue_now_ms() >= until)
				break;
		}
		store_failing = !commit(c);
		if (queue_now_ms() >= next_prune) {
			prune(c);
			next_prune = queue_now_ms() + CORE_PRUNE_EVERY_MS;
		}
		if (queue_now_ms() >= next_size) {
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
	c->q = q;
	c->p = *p;
	snprintf(c->station, sizeof(c->station), "%s", p->station);
	c->p.station = c->station;
	pthread_mutex_init(&c->mu, NULL);
	if ((rc = core_set_cursors(c, p->cursors, p->ncursors)) != 0) {
		pthread_mutex_destroy(&c->mu);
		free(c->batch);
		free(c);
		return rc;
	}
	atomic_store(&c->heartbeat_ms, queue_now_ms());
	rc = pthread_create(&c->thread, NULL, core_main, c);
	if (rc != 0) {
		pthread_mutex_destroy(&c->mu);
		free(c->batch);
		free(c);
		return -rc;
	}
	*ret = c;
	return 0;
}

void
core_stop(struct core *c)
{
	if (c == NULL)
		return;
	queue_close(c->q);
	pthread_join(c->thread, NULL);
	if (c->nbatch > 0)
		log_err("store: %zu readings could not be committed at shutdown", c->nbatch);
	store_close(c->st);
	pthread_mutex_destroy(&c->mu);
	free(c->batch);
	free(c);
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

void
core_get_stats(struct core *c, struct core_stats *ret)
{
	pthread_mutex_lock(&c->mu);
	*ret = c->stats;
	pthread_mutex_unlock(&c->mu);
	ret->dropped += queue_dropped(c->q);
}

int64_t
core_heartbeat(struct core *c)
{
	return atomic_load(&c->heartbeat_ms);
}
