/* SPDX-License-Identifier: MIT */
/*
 * Sizes in bytes as written in the configuration: "500MB", "2GB", "512MiB".
 * Pure: no I/O, no logging.
 */
#ifndef LW_SIZE_H
#define LW_SIZE_H

#include <stddef.h>
#include <stdint.h>

/* The units, for messages: "B, kB, MB, GB, TB, KiB, MiB, GiB, TiB". */
#define SIZE_UNITS	"B, kB, MB, GB, TB, KiB, MiB, GiB, TiB"

/*
 * 0 and the size in bytes, or -EINVAL (no unit, bad number) or -ERANGE.
 * Digits then one unit exactly: B; kB, MB, GB, TB (powers of 1000); KiB,
 * MiB, GiB, TiB (powers of 1024).  No sign, space or fraction, and the case
 * as written ("1.5GB" and "500 MB" are -EINVAL; "1536MiB" is the way to say
 * the first, and "KB" or "mb" are refused because nobody can tell which one
 * they mean).  *ret is set only on success.
 */
int	 size_parse(const char *, int64_t *ret);

/*
 * Shortest exact form ("2GB", "512MiB", "1500B", "0B") into buf: the unit
 * with the largest multiple of bytes that divides the size exactly, decimal
 * or binary, with a '-' before a negative size.  Truncated to fit len as
 * snprintf does; returns buf.
 */
char	*size_format(int64_t bytes, char *buf, size_t len);

#endif
