/* SPDX-License-Identifier: MIT */
/*
 * Whole numbers with a unit from a table, written exactly: the grammar that
 * durations ("30s") and sizes ("500MB") share.  Digits, then one suffix of
 * the table, exactly as written: no sign, space or fraction.  Pure.
 */
#ifndef LW_UNITNUM_H
#define LW_UNITNUM_H

#include <stddef.h>
#include <stdint.h>

struct unitnum {
	const char	*suffix;
	int64_t		 scale;		/* of the base unit; > 0 */
};

/*
 * 0 and number x scale, or -EINVAL (no digits, no unit of the table) or
 * -ERANGE (more than 64 bits hold).  *ret is set only on success.
 */
int	 unitnum_parse(const char *, const struct unitnum *units, size_t n, int64_t *ret);

/*
 * The shortest exact form of v into buf: the first unit of the table (which
 * lists the largest first) that divides v exactly, units[zero] for 0, a '-'
 * before a negative value.  Truncated to fit len as snprintf does; returns buf.
 */
char	*unitnum_format(int64_t v, const struct unitnum *units, size_t n, size_t zero,
	     char *buf, size_t len);

#endif
