/* SPDX-License-Identifier: MIT */
/*
 * Sizes (see size.h): a whole number of one unit, decimal (kB, MB, GB, TB)
 * or binary (KiB, MiB, GiB, TiB), or plain bytes (B), written exactly so.
 * Like durations: no sign, no spaces, no fractions, no unit left out, and
 * what does not fit in 64 bits is refused (-ERANGE) rather than wrapped.
 * Formatting picks the unit of the largest multiple that divides the size
 * exactly, so 2000000000 is "2GB" and 536870912 is "512MiB".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "size.h"

static const struct {
	const char	*suffix;
	int64_t		 bytes;
} units[] = {
	/* Largest first, for formatting. */
	{ "TiB", 1099511627776LL },
	{ "TB", 1000000000000LL },
	{ "GiB", 1073741824LL },
	{ "GB", 1000000000LL },
	{ "MiB", 1048576LL },
	{ "MB", 1000000LL },
	{ "KiB", 1024LL },
	{ "kB", 1000LL },
	{ "B", 1LL },
};

#define NUNITS	(sizeof(units) / sizeof(units[0]))

int
size_parse(const char *s, int64_t *ret)
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
			per = units[i].bytes;
	if (per == 0)
		return -EINVAL;
	if (overflow || n > INT64_MAX / per)
		return -ERANGE;
	*ret = n * per;
	return 0;
}

char *
size_format(int64_t bytes, char *buf, size_t len)
{
	/* The magnitude as unsigned, so that INT64_MIN has one too. */
	uint64_t mag = bytes < 0 ? -(uint64_t)bytes : (uint64_t)bytes;
	size_t i;

	if (len == 0)
		return buf;
	for (i = 0; i < NUNITS - 1; i++)
		if (mag != 0 && mag % (uint64_t)units[i].bytes == 0)
			break;
	snprintf(buf, len, "%s%llu%s", bytes < 0 ? "-" : "", (unsigned long long)(mag /
	    (uint64_t)units[i].bytes), units[i].suffix);
	return buf;
}
