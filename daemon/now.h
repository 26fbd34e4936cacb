/* SPDX-License-Identifier: MIT */
/*
 * The two clocks, in milliseconds: the wall clock (UTC) that readings are
 * stamped with, and the monotonic clock that every timeout, schedule and
 * backoff runs on, so that a clock step changes no deadline.
 */
#ifndef LW_NOW_H
#define LW_NOW_H

#include <stdint.h>
#include <time.h>

static inline int64_t
now_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int64_t
now_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
