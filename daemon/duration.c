/* SPDX-License-Identifier: MIT */
/*
 * Durations (see duration.h): a whole number of one unit, ms, s, m, h or d,
 * written exactly so ("30s", "15m"); no sign, no spaces, no fractions, no
 * unit left out.  Parsing works in 64-bit milliseconds and refuses what does
 * not fit (-ERANGE) rather than wrap.  Formatting picks the largest unit that
 * divides the duration exactly, so "90s" stays "90s" and 7200000 is "2h".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"

static const struct {
	const char	*suffix;
	int64_t		 ms;
} units[] = {
	/* Largest first, for formatting. */
	{ "d", 86400000 },
	{ "h", 3600000 },
	{ "m", 60000 },
	{ "s", 1000 },
	{ "ms", 1 },
};

#define NUNITS	(sizeof(units) / sizeof(units[0]))

int
duration_parse(const char *s, int64_t *ret_ms)
{
	const char *p;
	int64_t n = 0, per = 0;
	bool overflow = false;

	if (s == NULL)
		return -EINVAL;
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		int digit = *p - '0';

		if (n > (INT64_MAX - digit) / 10)
			overflow = true;
		else
			n = n * 10 + digit;
	}
	if (p == s)
		return -EINVAL;
	for (size_t i = 0; i < NUNITS; i++)
		if (strcmp(p, units[i].suffix) == 0)
			per = units[i].ms;
	if (per == 0)
		return -EINVAL;
	if (overflow || n > INT64_MAX / per)
		return -ERANGE;
	*ret_ms = n * per;
	return 0;
}

char *
duration_format(int64_t ms, char *buf, size_t len)
{
	/* The magnitude as unsigned, so that INT64_MIN has one too. */
	uint64_t mag = ms < 0 ? -(uint64_t)ms : (uint64_t)ms;
	size_t i;

	if (len == 0)
		return buf;
	for (i = 0; i < NUNITS - 1; i++)
		if (mag % (uint64_t)units[i].ms == 0)
			break;
	if (mag == 0)
		i = 3;		/* "0s" reads better than "0d" */
	snprintf(buf, len, "%s%llu%s", ms < 0 ? "-" : "", (unsigned long long)(mag /
	    (uint64_t)units[i].ms), units[i].suffix);
	return buf;
}
