/* SPDX-License-Identifier: MIT */
/*
 * The core thread: takes readings from the queue and commits them to the
 * store, a batch per transaction, wakes the forwarders after each commit, and
 * keeps the store within its retention and size cap.  It owns the store's
 * writing connection.  Alert rules hang off the same loop, so alert state
 * needs no locks.
 */
#ifndef LW_CORE_H
#define LW_CORE_H

#include <stdint.h>

#include "conf.h"
#include "maint.h"
#include "queue.h"
#include "store.h"
#include "wake.h"

struct core;

struct core_stats {
	uint64_t	 committed;	/* readings committed */
	uint64_t	 commits;	/* transactions */
	uint64_t	 failed_commits;
	uint64_t	 commit_ms;	/* the commits' durations added up */
	uint64_t	 dropped;	/* readings lost: queue full or store failing too long */
	uint64_t	 pruned;	/* readings deleted past the retention or the size cap */
	uint64_t	 pruned_unforwarded;	/* of which some forwarder had not sent yet */
	uint64_t	 alert_events;		/* transitions and acknowledgements journaled */
	size_t		 alerts_active;		/* at warning or critical now */
};

struct core_params {
	/* Its alerts (read during core_start only) and the station's name. */
	const struct conf	*conf;
	const char		*station;		/* copied */
	struct maint		*maint;			/* borrowed: run-time maintenance */
	int64_t			 retention_ms;		/* 0 keeps every reading */
	int64_t			 commit_interval_ms;
	int64_t			 max_size_bytes;	/* 0: no size cap */
	/*
	 * The cursors of the forwarders that run (names, copied; at most
	 * CORE_MAX_CURSORS): readings past the lowest one are counted and
	 * logged apart when the retention or the size cap deletes them.
	 */
	const char *const	*cursors;
	size_t			 ncursors;
	/* Signalled after every commit (borrowed; they outlive the core). */
	struct wake *const	*wakes;
	size_t			 nwakes;		/* at most CORE_MAX_WAKES */
};

/*
 * Start the core thread.  It takes ownership of st (closed by core_stop) and
 * borrows q, which must outlive it.
 */
int	 core_start(struct store *st, struct queue *q, const struct core_params *,
	     struct core **ret);

/*
 * Close the queue, commit everything still in it, stop the thread, close the
 * store and free the core.  Readings pushed before this call are committed.
 * The final figures go to *stats (may be NULL).
 */
void	 core_stop(struct core *, struct core_stats *stats);

/*
 * Replace the cursor list (after a reload that started or stopped a
 * forwarder).  The names are copied; at most CORE_MAX_CURSORS.
 */
#define CORE_MAX_CURSORS	8
int	 core_set_cursors(struct core *, const char *const *cursors, size_t n);

/* Replace the wake-ups signalled after commits (borrowed; at most CORE_MAX_WAKES). */
#define CORE_MAX_WAKES		80
int	 core_set_wakes(struct core *, struct wake *const *wakes, size_t n);

/*
 * Commands, carried out by the core thread between two batches (they wait
 * for it, at most a few seconds while it is busy).  Each gives a sentence
 * for the operator in reply, and returns 0 or more on success, -errno on
 * failure.
 */
/* Acknowledge the active alerts of target (see alerts_ack): how many. */
int	 core_ack(struct core *, const char *target, const char *by, const char *note,
	     char *reply, size_t len);
/* Maintenance of a device on (for for_ms, 0: until turned off) or off. */
int	 core_maintenance(struct core *, const char *device, bool on, int64_t for_ms,
	     const char *by, char *reply, size_t len);
/* A reloaded configuration's alerts (conf is read during the call only). */
int	 core_reconfigure(struct core *, const struct conf *conf, char *reply, size_t len);

void	 core_get_stats(struct core *, struct core_stats *);
int64_t	 core_heartbeat(struct core *);

#endif
