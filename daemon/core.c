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

#define CORE_BATCH		4096		/* readings per transaction at most */
#define CORE_PRUNE_EVERY_MS	(3600 * 1000)
#define CORE_RETRY_MS		1000
#define CORE_SHUTDOWN_TRIES	3		/* commits tried after the close before giving up */

struct core {
	struct store		*st;
	struct queue		*q;
	char			 station[LW_NAME_MAX];
	int64_t			 retention_ms;
	int64_t			 commit_interval_ms;
	pthread_t		 thread;
	pthread_mutex_t		 mu;		/* guards stats */
	struct core_stats	 stats;
	_Atomic int64_t		 heartbeat_ms;
	struct lw_reading	*batch;		/* CORE_BATCH slots */
	size_t			 nbatch;
};

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
prune(struct core *c)
{
	int64_t deleted = 0;

	if (c->retention_ms <= 0)
		return;
	if (store_prune(c->st, wall_ms() - c->retention_ms, &deleted) != 0)
		log_warn("store: pruning old readings failed: %s", store_errmsg(c->st));
	else if (deleted > 0)
		log_info("store: pruned %lld readings older than the retention", (long long)deleted);
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
	return true;
}

static void *
core_main(void *arg)
{
	struct core *c = arg;
	int64_t next_prune = queue_now_ms() + CORE_PRUNE_EVERY_MS;
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
		int64_t until = queue_now_ms() + c->commit_interval_ms;
		while (n > 0 && c->nbatch < CORE_BATCH && c->commit_interval_ms > 0) {
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
		/* After queue_close(): stop once the queue is empty and all is committed. */
		if (queue_closed(c->q) && got == 0 &&
		    (c->nbatch == 0 || ++shutdown_tries >= CORE_SHUTDOWN_TRIES))
			break;
	}
	return NULL;
}

int
core_start(struct store *st, struct queue *q, const char *station,
    int64_t retention_ms, int64_t commit_interval_ms, struct core **ret)
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
	snprintf(c->station, sizeof(c->station), "%s", station);
	c->retention_ms = retention_ms;
	c->commit_interval_ms = commit_interval_ms;
	pthread_mutex_init(&c->mu, NULL);
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
