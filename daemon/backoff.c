/* SPDX-License-Identifier: MIT */
/* Retry delays with exponential growth and jitter (see backoff.h). */
#include "backoff.h"

void
backoff_init(struct backoff *b, int64_t min_ms, int64_t max_ms, uint64_t seed)
{
	b->min_ms = min_ms > 0 ? min_ms : 1;
	b->max_ms = max_ms > b->min_ms ? max_ms : b->min_ms;
	b->failures = 0;
	b->rng = seed != 0 ? seed : 0x9e3779b97f4a7c15ULL;
}

/* xorshift64: plenty for spreading retries. */
static uint64_t
next_random(struct backoff *b)
{
	uint64_t x = b->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	b->rng = x;
	return x;
}

int64_t
backoff_next(struct backoff *b)
{
	int64_t d = b->min_ms;

	/* Doubling stops at the maximum, so it can never overflow. */
	for (unsigned i = 0; i < b->failures && d < b->max_ms; i++)
		d = d > b->max_ms / 2 ? b->max_ms : d * 2;
	if (d > b->max_ms)
		d = b->max_ms;
	if (b->failures < 64)
		b->failures++;
	int64_t half = d / 2;
	int64_t j = half + (int64_t)(next_random(b) % (uint64_t)(d - half + 1));
	return j > 0 ? j : 1;
}

void
backoff_reset(struct backoff *b)
{
	b->failures = 0;
}
