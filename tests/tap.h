/* SPDX-License-Identifier: MIT */
/*
 * A few TAP-style check macros for the unit tests: each check prints "ok N -
 * what" or "not ok N - what (details)"; tap_done() prints the plan and gives
 * the exit status.  tests/run.sh adds the lines up.
 */
#ifndef LW_TAP_H
#define LW_TAP_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

static inline int
tap_check(int cond, const char *what, const char *file, int line)
{
	tap_count++;
	if (cond) {
		printf("ok %d - %s\n", tap_count, what);
		return 1;
	}
	tap_failed++;
	printf("not ok %d - %s (%s:%d)\n", tap_count, what, file, line);
	return 0;
}

/* A repeatable pseudo-random sequence (xorshift64) from *state, which must not be 0. */
static inline uint64_t
tap_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

/* CHECK(cond, "printf format", args...): the message names the case. */
#define CHECK(cond, ...) do {						\
	char tap_what_[512];						\
	snprintf(tap_what_, sizeof(tap_what_), __VA_ARGS__);		\
	tap_check(!!(cond), tap_what_, __FILE__, __LINE__);		\
} while (0)

#define CHECK_EQ_INT(want, got, ...) do {				\
	long long tap_w_ = (long long)(want), tap_g_ = (long long)(got);\
	char tap_what_[512];						\
	int tap_n_ = snprintf(tap_what_, sizeof(tap_what_), __VA_ARGS__); \
	if (tap_w_ != tap_g_ && tap_n_ >= 0 && (size_t)tap_n_ < sizeof(tap_what_)) \
		snprintf(tap_what_ + tap_n_, sizeof(tap_what_) - (size_t)tap_n_, \
		    ": want %lld, got %lld", tap_w_, tap_g_);		\
	tap_check(tap_w_ == tap_g_, tap_what_, __FILE__, __LINE__);	\
} while (0)

/* Equal within tol; NaN equals NaN. */
#define CHECK_EQ_DBL(want, got, tol, ...) do {				\
	double tap_w_ = (want), tap_g_ = (got);				\
	int tap_ok_ = (isnan(tap_w_) && isnan(tap_g_)) ||		\
	    (tap_w_ == tap_g_) || fabs(tap_w_ - tap_g_) <= (tol);	\
	char tap_what_[512];						\
	int tap_n_ = snprintf(tap_what_, sizeof(tap_what_), __VA_ARGS__); \
	if (!tap_ok_ && tap_n_ >= 0 && (size_t)tap_n_ < sizeof(tap_what_)) \
		snprintf(tap_what_ + tap_n_, sizeof(tap_what_) - (size_t)tap_n_, \
		    ": want %.17g, got %.17g", tap_w_, tap_g_);		\
	tap_check(tap_ok_, tap_what_, __FILE__, __LINE__);		\
} while (0)

#define CHECK_EQ_STR(want, got, ...) do {				\
	const char *tap_w_ = (want), *tap_g_ = (got);			\
	int tap_ok_ = tap_w_ && tap_g_ && strcmp(tap_w_, tap_g_) == 0;	\
	char tap_what_[1024];						\
	int tap_n_ = snprintf(tap_what_, sizeof(tap_what_), __VA_ARGS__); \
	if (!tap_ok_ && tap_n_ >= 0 && (size_t)tap_n_ < sizeof(tap_what_)) \
		snprintf(tap_what_ + tap_n_, sizeof(tap_what_) - (size_t)tap_n_, \
		    ": want \"%s\", got \"%s\"", tap_w_ ? tap_w_ : "(null)", \
		    tap_g_ ? tap_g_ : "(null)");			\
	tap_check(tap_ok_, tap_what_, __FILE__, __LINE__);		\
} while (0)

#endif
