/* SPDX-License-Identifier: MIT */
/*
 * Durations as written in the configuration and on the command line:
 * "500ms", "30s", "15m", "2h", "3650d".  Pure: no I/O, no logging.
 */
#ifndef LW_DURATION_H
#define LW_DURATION_H

#include <stdint.h>

/* 0 and the duration in ms, or -EINVAL (no unit, bad number) or -ERANGE. */
int	 duration_parse(const char *, int64_t *ret_ms);

/* Shortest exact form ("90s", "2h", "0s") into buf; returns buf. */
char	*duration_format(int64_t ms, char *buf, size_t len);

#endif
