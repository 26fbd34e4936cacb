/* SPDX-License-Identifier: MIT */
/*
 * Poll scheduling for the devices of one bus: when each is due, and backoff
 * for a device that does not answer.  Times are monotonic milliseconds.
 * Pure: no I/O, no logging.
 */
#ifndef LW_SCHED_H
#define LW_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A failing device is retried at growing intervals up to this, or its own interval if longer. */
#define SCHED_BACKOFF_CAP_MS	60000

struct sched_entry {
	int64_t		 interval_ms;	/* configured; 0 = as fast as possible */
	int64_t		 due_ms;	/* next poll */
	unsigned	 failures;	/* consecutive failed polls */
	uint64_t	 polls;		/* polls recorded, for taking turns */
	int64_t		 shift_ms;	/* added once, after the first good poll */
};

/* Start an entry due at now. */
void	 sched_init(struct sched_entry *, int64_t interval_ms, int64_t now_ms);

/*
 * Poll at once, then shift_ms later in the interval for good (0 <= shift <
 * interval): the devices of different buses, polled in parallel, then do
 * not all come due at the same moments, and their readings reach the store
 * and the network in smaller bursts.
 */
void	 sched_stagger(struct sched_entry *, int64_t shift_ms);

/*
 * Index of the entry due first; among equals the one polled fewest times,
 * then the lowest index, so devices due at the same millisecond (all of
 * them, at interval 0) take turns.  -1 if n == 0.
 */
int	 sched_next(const struct sched_entry *, size_t n);

/*
 * Record a poll that started at the entry's due time and ended at now.  On
 * success the entry keeps its phase (due + interval), polling at once when it
 * is a little late and starting afresh from now when it is more than an
 * interval behind; on failure it backs off: interval x 2^(failures-1), at
 * least the interval and at most the larger of the interval and
 * SCHED_BACKOFF_CAP_MS.
 */
void	 sched_done(struct sched_entry *, bool ok, int64_t now_ms);

#endif
