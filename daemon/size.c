/* SPDX-License-Identifier: MIT */
/*
 * Sizes (see size.h): a whole number of one unit, decimal (kB, MB, GB, TB)
 * or binary (KiB, MiB, GiB, TiB), or plain bytes (B), written exactly so.
 * Like durations: no sign, no spaces, no fractions, no unit left out, and
 * what does not fit in 64 bits is refused (-ERANGE) rather than wrapped.
 * Formatting picks the unit of the largest multiple that divides the size
 * exactly, so 2000000000 is "2GB" and 536870912 is "512MiB".
 */
#include "size.h"
#include "unitnum.h"

static const struct unitnum units[] = {
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
	return unitnum_parse(s, units, NUNITS, ret);
}

char *
size_format(int64_t bytes, char *buf, size_t len)
{
	return unitnum_format(bytes, units, NUNITS, NUNITS - 1, buf, len);
}
