/* SPDX-License-Identifier: MIT */
/*
 * ISO 8601 times in UTC (see timefmt.h).  Days and civil dates convert with
 * Howard Hinnant's algorithms ("chrono-compatible low-level date
 * algorithms"), which are exact for the proleptic Gregorian calendar in
 * integer arithmetic; no gmtime(), no time zone database, no locale.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "timefmt.h"

#define MS_PER_DAY	86400000LL
#define YEAR_MIN	0
#define YEAR_MAX	9999

/* Days since 1970-01-01 of y-m-d (m 1..12, d 1..31). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The civil date of z days since 1970-01-01. */
static void
civil_from_days(int64_t z, int64_t *ret_y, unsigned *ret_m, unsigned *ret_d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*ret_d = doy - (153 * mp + 2) / 5 + 1;
	*ret_m = mp < 10 ? mp + 3 : mp - 9;
	*ret_y = (int64_t)yoe + era * 400 + (*ret_m <= 2);
}

static bool
leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

/* v as n decimal digits, zero-padded (v < 10^n). */
static void
put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

int
timefmt_iso8601(int64_t ms, char *buf, size_t len)
{
	int64_t day, rem, y;
	unsigned m, d;

	if (len > 0)
		buf[0] = '\0';
	if (len < TIMEFMT_ISO_LEN)
		return -ENOSPC;
	if (ms < days_from_civil(YEAR_MIN, 1, 1) * MS_PER_DAY ||
	    ms >= days_from_civil(YEAR_MAX + 1, 1, 1) * MS_PER_DAY)
		return -ERANGE;
	/* Floor division, so that times before 1970 fall on the right day. */
	day = ms / MS_PER_DAY;
	rem = ms % MS_PER_DAY;
	if (rem < 0) {
		rem += MS_PER_DAY;
		day--;
	}
	civil_from_days(day, &y, &m, &d);
	/* By hand, not snprintf: every reading sent is stamped with one. */
	put_digits(buf, (unsigned)y, 4);
	buf[4] = '-';
	put_digits(buf + 5, m, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[10] = 'T';
	put_digits(buf + 11, (unsigned)(rem / 3600000), 2);
	buf[13] = ':';
	put_digits(buf + 14, (unsigned)(rem / 60000 % 60), 2);
	buf[16] = ':';
	put_digits(buf + 17, (unsigned)(rem / 1000 % 60), 2);
	buf[19] = '.';
	put_digits(buf + 20, (unsigned)(rem % 1000), 3);
	buf[23] = 'Z';
	buf[24] = '\0';
	return 0;
}

/* Exactly n decimal digits at *p, advancing it; false if there are fewer. */
static bool
digits(const char **p, int n, unsigned *ret)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		v = v * 10 + (unsigned)((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return true;
}

static int
bad(const char **ret_why, const char *why)
{
	if (ret_why != NULL)
		*ret_why = why;
	return -EINVAL;
}

/* A zone at p: "Z" or an offset; *ret_off_ms is added to local time for UTC. */
static int
parse_zone(const char *p, int64_t *ret_off_ms, const char **ret_why)
{
	unsigned hh, mm = 0;
	int sign;

	if (*p == '\0')
		return bad(ret_why, "a time needs a zone: Z for UTC, or an offset like -04:00");
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		*ret_off_ms = 0;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return bad(ret_why, "expected a zone (Z or +hh:mm) after the time");
	sign = *p++ == '+' ? 1 : -1;
	if (!digits(&p, 2, &hh))
		return bad(ret_why, "a zone offset is +hh:mm, +hhmm or +hh");
	if (*p == ':') {
		p++;
		if (!digits(&p, 2, &mm))
			return bad(ret_why, "a zone offset is +hh:mm, +hhmm or +hh");
	} else if (*p != '\0' && !digits(&p, 2, &mm)) {
		return bad(ret_why, "a zone offset is +hh:mm, +hhmm or +hh");
	}
	if (*p != '\0')
		return bad(ret_why, "unexpected characters after the zone");
	if (hh > 23 || mm > 59)
		return bad(ret_why, "zone offset out of range");
	/* 12:00-04:00 is 16:00Z: subtract the offset. */
	*ret_off_ms = -sign * ((int64_t)hh * 3600000 + (int64_t)mm * 60000);
	return 0;
}

int
timefmt_parse_iso8601(const char *s, int64_t *ret_ms, const char **ret_why)
{
	const char *p = s;
	unsigned y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
	int64_t off = 0;
	int err;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return bad(ret_why, "expected a date YYYY-MM-DD");
	if (mo < 1 || mo > 12)
		return bad(ret_why, "month out of range");
	if (d < 1 || d > days_in_month(y, mo))
		return bad(ret_why, "day out of range for the month");
	if (*p != '\0') {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return bad(ret_why, "expected 'T' and a time after the date");
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return bad(ret_why, "expected a time hh:mm[:ss[.fff]] after the date");
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &sec))
				return bad(ret_why, "expected two digits of seconds");
			if (*p == '.' || *p == ',') {
				unsigned scale = 100, n = 0, dig;

				p++;
				while (*p >= '0' && *p <= '9') {
					dig = (unsigned)(*p++ - '0');
					ms += dig * scale;
					scale /= 10;
					if (++n > 9)
						return bad(ret_why, "too many digits in the fraction of a second");
				}
				if (n == 0)
					return bad(ret_why, "expected digits after the decimal point");
			}
		}
		if (h > 23)
			return bad(ret_why, "hour out of range");
		if (mi > 59)
			return bad(ret_why, "minute out of range");
		if (sec > 59)
			return bad(ret_why, "second out of range");
		if ((err = parse_zone(p, &off, ret_why)) != 0)
			return err;
	}
	*ret_ms = days_from_civil(y, mo, d) * MS_PER_DAY + (int64_t)h * 3600000 +
	    (int64_t)mi * 60000 + (int64_t)sec * 1000 + ms + off;
	return 0;
}

int
timefmt_parse(const char *s, int64_t now_ms, int64_t *ret_ms, const char **ret_why)
{
	int64_t d;

	if (strcmp(s, "now") == 0) {
		*ret_ms = now_ms;
		return 0;
	}
	if (s[0] == '-') {
		if (duration_parse(s + 1, &d) != 0 || d < 0)
			return bad(ret_why, "expected a duration after '-', like -2h or -30m");
		if (now_ms < INT64_MIN + d)
			return bad(ret_why, "too far in the past");
		*ret_ms = now_ms - d;
		return 0;
	}
	return timefmt_parse_iso8601(s, ret_ms, ret_why);
}
