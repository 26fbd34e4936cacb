/* SPDX-License-Identifier: MIT */
/*
 * A reading: one value of one point at one time, with its quality code.
 * Readings are plain values, copied between threads; they hold their names so
 * that a configuration reload never leaves a reading pointing at freed memory.
 */
#ifndef LW_READING_H
#define LW_READING_H

#include <stdbool.h>
#include <stdint.h>

#define LW_NAME_MAX	48	/* device and point names, with the NUL */
#define LW_UNIT_MAX	32	/* unit strings, with the NUL */

/* Ordered from best to worst, so that the worse of two is the larger. */
enum lw_quality {
	LW_Q_GOOD,		/* answered, plausible */
	LW_Q_SUSPECT,		/* outside rated or plausible range, or flagged */
	LW_Q_BAD,		/* sensor error, NaN, sentinel, status bit */
	LW_Q_MISSING,		/* no answer: timeout, exception, CRC; no value */
	LW_Q_MAINTENANCE,	/* device in maintenance mode */
};

struct lw_reading {
	int64_t		 time_ms;		/* UTC, ms since the epoch, at the poll */
	char		 device[LW_NAME_MAX];
	char		 point[LW_NAME_MAX];
	char		 unit[LW_UNIT_MAX];
	double		 value;			/* meaningful only if has_value */
	bool		 has_value;
	enum lw_quality	 quality;
};

/* "good", "suspect", ... ; NULL if out of range. */
const char	*lw_quality_name(enum lw_quality);
/* 0 on success, -EINVAL if the name is unknown. */
int		 lw_quality_parse(const char *, enum lw_quality *ret);

#endif
