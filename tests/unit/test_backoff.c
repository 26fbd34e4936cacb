/* SPDX-License-Identifier: MIT */
/* Unit tests for the retry delays: growth, cap, jitter range, reset, spread. */
#include "backoff.h"
#include "tap.h"

static void
test_growth_and_jitter(void)
{
	/* Attempt k: the unjittered delay is min 2^(k-1) capped at max. */
	static const int64_t want[] = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000 };
	struct backoff b;

	backoff_init(&b, 1000, 60000, 42);
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		int64_t d = backoff_next(&b);

		CHECK(d >= want[k] / 2 && d <= want[k],
		    "attempt %zu: %lld ms within [%lld, %lld]", k + 1, (long long)d,
		    (long long)want[k] / 2, (long long)want[k]);
	}
	for (int k = 0; k < 200; k++)
		(void)backoff_next(&b);
	int64_t d = backoff_next(&b);
	CHECK(d >= 30000 && d <= 60000, "after 200 failures still capped: %lld", (long long)d);
	backoff_reset(&b);
	d = backoff_next(&b);
	CHECK(d >= 500 && d <= 1000, "after a success it starts again from the minimum: %lld",
	    (long long)d);
}

static void
test_spread(void)
{
	/* Two stations that failed at the same moment retry at different times. */
	struct backoff a, b;
	int same = 0;

	backoff_init(&a, 1000, 60000, 1);
	backoff_init(&b, 1000, 60000, 2);
	for (int k = 0; k < 20; k++)
		same += backoff_next(&a) == backoff_next(&b);
	CHECK(same < 3, "two seeds give different delays (%d of 20 equal)", same);

	/* The jitter covers its range, not one point of it. */
	int64_t lo = INT64_MAX, hi = 0;
	for (int k = 0; k < 1000; k++) {
		backoff_reset(&a);
		for (int j = 0; j < 3; j++)
			(void)backoff_next(&a);
		int64_t d = backoff_next(&a);	/* unjittered 8000 */
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	CHECK(lo < 4400 && hi > 7600, "jitter spans [4000, 8000]: seen %lld..%lld",
	    (long long)lo, (long long)hi);
}

static void
test_odd_limits(void)
{
	struct backoff b;

	backoff_init(&b, 0, 0, 0);
	CHECK_EQ_INT(1, backoff_next(&b), "min 0 and max 0 give 1 ms, never 0");
	backoff_init(&b, 5000, 1000, 7);
	int64_t d = backoff_next(&b);
	CHECK(d >= 2500 && d <= 5000, "a max below the min is the min: %lld", (long long)d);
	backoff_init(&b, INT64_MAX / 4, INT64_MAX / 2, 9);
	for (int k = 0; k < 70; k++)
		d = backoff_next(&b);
	CHECK(d > 0 && d <= INT64_MAX / 2, "huge limits do not overflow");
}

int
main(void)
{
	test_growth_and_jitter();
	test_spread();
	test_odd_limits();
	return tap_done();
}
