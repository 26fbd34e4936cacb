/* SPDX-License-Identifier: MIT */
/*
 * Durations as written in the configuration and on the command line:
 * "500ms", "30s", "15m", "2h", "3650d".  Pure: no I/O, no logging.
 */
#ifndef LW_DURATION_H
#define LW_DURATION_H

#include <stddef.h>
#include <stdint.h>

/*
 * 0 and the duration in ms, or -EINVAL (no unit, bad number) or -ERANGE.
 * Digits then one of ms, s, m, h, d, exactly: no sign, space or fraction
 * ("1.5s" is -EINVAL, "1500ms" is the way to say it); *ret_ms is set only on
 * success.
 */
int	 duration_parse(const char *, int64_t *ret_ms);

/*
 * Shortest exact form ("90s", "2h", "0s") into buf: the largest unit that
 * divides ms exactly, with a '-' before a negative duration.  Truncated to
 * fit len as snprintf does; returns buf.
 */
char	*duration_format(int64_t ms, char *buf, size_t len);

#endif
