/* SPDX-License-Identifier: MIT */
/*
 * Times as people write them: ISO 8601 in UTC with milliseconds, the form of
 * the store's `readings` view and of every payload ("2026-11-23T23:45:16.123Z"),
 * and the times the lakewatch tool accepts (a date, a date and time with a
 * zone, "now", "-2h").  Times are int64 milliseconds since the epoch.  The
 * calendar is computed, not looked up with gmtime(), so it is exact for every
 * millisecond of years 0000 to 9999.  Pure: no I/O, no logging, no locale.
 */
#ifndef LW_TIMEFMT_H
#define LW_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_ISO_LEN	25	/* "2026-11-23T23:45:16.123Z" and its NUL */

/*
 * Format ms as "YYYY-MM-DDThh:mm:ss.fffZ".  0, or -ERANGE for a year outside
 * 0000..9999, or -ENOSPC when len < TIMEFMT_ISO_LEN (buf is then "").
 */
int	 timefmt_iso8601(int64_t ms, char *buf, size_t len);

/*
 * Parse an absolute ISO 8601 time: "2026-11-23" (midnight UTC), or a date,
 * 'T' (or a space), hh:mm[:ss[.fraction]] and a zone: "Z" or an offset
 * "+hh:mm", "-hhmm", "+hh".  A time without a zone is refused rather than
 * guessed.  Digits of the fraction beyond the millisecond are dropped.
 * 0 and *ret_ms, or -EINVAL with the reason in *ret_why (may be NULL).
 */
int	 timefmt_parse_iso8601(const char *, int64_t *ret_ms, const char **ret_why);

/*
 * As timefmt_parse_iso8601, and also "now" (now_ms) and "-DURATION" (that
 * long before now_ms, a duration as duration_parse() reads it: "-2h").
 */
int	 timefmt_parse(const char *, int64_t now_ms, int64_t *ret_ms, const char **ret_why);

#endif
