/* SPDX-License-Identifier: MIT */
/*
 * The core thread: takes readings from the queue and commits them to the
 * store, a batch per transaction, and prunes readings past the retention.
 * It owns the store's writing connection.  Later stages (alert rules, waking
 * the forwarders) hang off the same loop, so alert state needs no locks.
 */
#ifndef LW_CORE_H
#define LW_CORE_H

#include <stdint.h>

#include "queue.h"
#include "store.h"

struct core;

struct core_stats {
	uint64_t	 committed;	/* readings committed */
	uint64_t	 commits;	/* transactions */
	uint64_t	 failed_commits;
	uint64_t	 dropped;	/* readings lost: queue full or store failing too long */
};

/*
 * Start the core thread.  It takes ownership of st (closed by core_stop) and
 * borrows q, which must outlive it.  station is copied.  retention_ms 0 keeps
 * every reading.
 */
int	 core_start(struct store *st, struct queue *q, const char *station,
	     int64_t retention_ms, int64_t commit_interval_ms, struct core **ret);

/*
 * Close the queue, commit everything still in it, stop the thread, close the
 * store and free the core.  Readings pushed before this call are committed.
 */
void	 core_stop(struct core *);

void	 core_get_stats(struct core *, struct core_stats *);
int64_t	 core_heartbeat(struct core *);

#endif
