/* SPDX-License-Identifier: MIT */
/*
 * Durations (see duration.h): a whole number of one unit, ms, s, m, h or d,
 * written exactly so ("30s", "15m"); no sign, no spaces, no fractions, no
 * unit left out.  Parsing works in 64-bit milliseconds and refuses what does
 * not fit (-ERANGE) rather than wrap.  Formatting picks the largest unit that
 * divides the duration exactly, so "90s" stays "90s" and 7200000 is "2h".
 */
#include "duration.h"
#include "unitnum.h"

static const struct unitnum units[] = {
	/* Largest first, for formatting. */
	{ "d", 86400000 },
	{ "h", 3600000 },
	{ "m", 60000 },
	{ "s", 1000 },
	{ "ms", 1 },
};

#define NUNITS	(sizeof(units) / sizeof(units[0]))
#define UNIT_S	3	/* "0s" reads better than "0d" */

int
duration_parse(const char *s, int64_t *ret_ms)
{
	return unitnum_parse(s, units, NUNITS, ret_ms);
}

char *
duration_format(int64_t ms, char *buf, size_t len)
{
	return unitnum_format(ms, units, NUNITS, UNIT_S, buf, len);
}
