/* SPDX-License-Identifier: MIT */
/* Whole numbers with a unit (see unitnum.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "unitnum.h"

int
unitnum_parse(const char *s, const struct unitnum *units, size_t n, int64_t *ret)
{
	const char *p;
	int64_t v = 0, per = 0;
	bool overflow = false;

	if (s == NULL)
		return -EINVAL;
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		int digit = *p - '0';

		if (v > (INT64_MAX - digit) / 10)
			overflow = true;
		else
			v = v * 10 + digit;
	}
	if (p == s)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(p, units[i].suffix) == 0)
			per = units[i].scale;
	if (per <= 0)
		return -EINVAL;
	if (overflow || v > INT64_MAX / per)
		return -ERANGE;
	*ret = v * per;
	return 0;
}

char *
unitnum_format(int64_t v, const struct unitnum *units, size_t n, size_t zero, char *buf,
    size_t len)
{
	/* The magnitude as unsigned, so that INT64_MIN has one too. */
	uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t i;

	if (len == 0 || n == 0)
		return buf;
	for (i = 0; i < n - 1; i++)
		if (mag % (uint64_t)units[i].scale == 0)
			break;
	if (mag == 0 && zero < n)
		i = zero;
	snprintf(buf, len, "%s%llu%s", v < 0 ? "-" : "",
	    (unsigned long long)(mag / (uint64_t)units[i].scale), units[i].suffix);
	return buf;
}
