/* SPDX-License-Identifier: MIT */
/*
 * Retry delays for a peer that is down: exponential from a minimum to a
 * maximum, with jitter, so that the stations of a network that lost the same
 * server do not all come back at the same instant ("equal jitter": a delay d
 * becomes a uniform pick in [d/2, d]).  Pure: the randomness is the caller's.
 */
#ifndef LW_BACKOFF_H
#define LW_BACKOFF_H

#include <stdint.h>

struct backoff {
	int64_t		 min_ms;
	int64_t		 max_ms;
	unsigned	 failures;	/* in a row, since the last success */
	uint64_t	 rng;		/* xorshift state; never 0 */
};

/* Start with no failures; seed may be anything (0 is replaced). */
void	 backoff_init(struct backoff *, int64_t min_ms, int64_t max_ms, uint64_t seed);

/*
 * Record one more failure and return the delay before the next attempt:
 * min x 2^(failures-1), at most max, then jittered into [d/2, d] (never
 * below 1 ms).
 */
int64_t	 backoff_next(struct backoff *);

/* A success: the next failure starts again from the minimum. */
void	 backoff_reset(struct backoff *);

#endif
