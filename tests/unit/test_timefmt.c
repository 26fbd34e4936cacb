/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for timefmt: formatting against known instants and against the
 * C library's gmtime_r over a sweep of 300 years and random instants of the
 * whole range, parsing of every accepted form and of the mistakes people
 * make, and parse(format(t)) == t.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "timefmt.h"

#define MS_MIN	(-62167219200000LL)	/* 0000-01-01T00:00:00.000Z */
#define MS_MAX	253402300799999LL	/* 9999-12-31T23:59:59.999Z */

static const struct {
	int64_t		 ms;
	const char	*want;
} formats[] = {
	{ 0, "1970-01-01T00:00:00.000Z" },
	{ -1, "1969-12-31T23:59:59.999Z" },
	{ 1795477516123LL, "2026-11-23T23:45:16.123Z" },
	{ 1795435200000LL, "2026-11-23T12:00:00.000Z" },
	{ 951868799999LL, "2000-02-29T23:59:59.999Z" },
	{ 1709164800000LL, "2024-02-29T00:00:00.000Z" },
	{ 4107542400000LL, "2100-03-01T00:00:00.000Z" },
	{ 2147483648000LL, "2038-01-19T03:14:08.000Z" },
	{ -2208988800000LL, "1900-01-01T00:00:00.000Z" },
	{ -62135596800000LL, "0001-01-01T00:00:00.000Z" },
	{ MS_MIN, "0000-01-01T00:00:00.000Z" },
	{ MS_MAX, "9999-12-31T23:59:59.999Z" },
};

static const struct {
	const char	*in;
	int64_t		 want;
} parses[] = {
	{ "2026-11-23T23:45:16.123Z", 1795477516123LL },
	{ "2026-11-23t23:45:16.123z", 1795477516123LL },
	{ "2026-11-23 23:45:16.123Z", 1795477516123LL },
	{ "2026-11-23T23:45:16,123Z", 1795477516123LL },
	{ "2026-11-23T12:00:00Z", 1795435200000LL },
	{ "2026-11-23T12:00Z", 1795435200000LL },
	{ "2026-11-23T12:00:00.5Z", 1795435200500LL },
	{ "2026-11-23T12:00:00.05Z", 1795435200050LL },
	{ "2026-11-23T12:00:00.123456789Z", 1795435200123LL },
	{ "2026-11-23", 1795392000000LL },
	{ "2026-11-23T12:00:00-04:00", 1795449600000LL },	/* Bolivia: UTC-4 */
	{ "2026-11-23T12:00:00-0400", 1795449600000LL },
	{ "2026-11-23T12:00:00-04", 1795449600000LL },
	{ "2026-11-23T16:00:00+00:00", 1795449600000LL },
	{ "2026-11-23T17:30:00+01:30", 1795449600000LL },
	{ "2026-11-24T00:30:00+05:30", 1795392000000LL + 19 * 3600000LL },
	{ "1969-12-31T23:59:59.999Z", -1 },
	{ "2000-02-29", 951782400000LL },
	{ "0000-01-01", MS_MIN },
	{ "9999-12-31T23:59:59.999Z", MS_MAX },
};

static const struct {
	const char	*in;
	const char	*why;		/* a word the reason must contain */
} bad_parses[] = {
	{ "", "date" },
	{ "2026", "date" },
	{ "2026-1-23", "date" },
	{ "26-11-23", "date" },
	{ "2026/11/23", "date" },
	{ "2026-13-01", "month" },
	{ "2026-00-01", "month" },
	{ "2026-11-31", "day" },
	{ "2026-02-29", "day" },
	{ "2100-02-29", "day" },
	{ "2026-11-00", "day" },
	{ "2026-11-23T12:00:00", "zone" },
	{ "2026-11-23T12:00", "zone" },
	{ "2026-11-23T24:00:00Z", "hour" },
	{ "2026-11-23T12:60:00Z", "minute" },
	{ "2026-11-23T12:00:60Z", "second" },
	{ "2026-11-23T12Z", "time" },
	{ "2026-11-23T1:00:00Z", "time" },
	{ "2026-11-23T12:00:00.Z", "decimal" },
	{ "2026-11-23T12:00:00.1234567890Z", "fraction" },
	{ "2026-11-23T12:00:00ZZ", "zone" },
	{ "2026-11-23T12:00:00+4", "offset" },
	{ "2026-11-23T12:00:00+24:00", "range" },
	{ "2026-11-23T12:00:00+04:60", "range" },
	{ "2026-11-23T12:00:00 UTC", "zone" },
	{ "2026-11-23X", "T" },
	{ "yesterday", "date" },
	{ "+2h", "date" },
};

/* The same instant through gmtime_r, the reference. */
static void
ref_format(int64_t ms, char *buf, size_t len)
{
	int64_t sec = ms / 1000, frac = ms % 1000;
	struct tm tm;
	time_t t;

	if (frac < 0) {
		frac += 1000;
		sec--;
	}
	t = (time_t)sec;
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

int
main(void)
{
	char buf[64], ref[64];
	const char *why;
	int64_t ms;
	int rc;

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		rc = timefmt_iso8601(formats[i].ms, buf, sizeof(buf));
		CHECK_EQ_INT(0, rc, "format %lld succeeds", (long long)formats[i].ms);
		CHECK_EQ_STR(formats[i].want, buf, "format %lld", (long long)formats[i].ms);
	}
	CHECK_EQ_INT(-ERANGE, timefmt_iso8601(MS_MAX + 1, buf, sizeof(buf)), "year 10000 is out of range");
	CHECK_EQ_INT(-ERANGE, timefmt_iso8601(MS_MIN - 1, buf, sizeof(buf)), "year -1 is out of range");
	CHECK_EQ_INT(-ERANGE, timefmt_iso8601(INT64_MIN, buf, sizeof(buf)), "INT64_MIN is out of range");
	CHECK_EQ_INT(-ERANGE, timefmt_iso8601(INT64_MAX, buf, sizeof(buf)), "INT64_MAX is out of range");
	CHECK_EQ_INT(-ENOSPC, timefmt_iso8601(0, buf, TIMEFMT_ISO_LEN - 1), "a short buffer is refused");
	CHECK_EQ_STR("", buf, "and left empty");
	CHECK_EQ_INT(0, timefmt_iso8601(0, buf, TIMEFMT_ISO_LEN), "TIMEFMT_ISO_LEN is enough");

	/* Every day of 1900..2199 at odd moments, against gmtime_r. */
	{
		int64_t start = -2208988800000LL, day = 86400000LL;
		static const int64_t offs[] = { 0, 1, 999, 1000, 43199999, 86399999 };
		long mismatches = 0, n = 0, roundtrip = 0;

		for (int64_t d = 0; d < 300 * 366; d++) {
			for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
				int64_t t = start + d * day + offs[o];

				timefmt_iso8601(t, buf, sizeof(buf));
				ref_format(t, ref, sizeof(ref));
				mismatches += strcmp(buf, ref) != 0;
				roundtrip += timefmt_parse_iso8601(buf, &ms, NULL) != 0 || ms != t;
				n++;
			}
		}
		CHECK_EQ_INT(0, mismatches, "%ld instants of 1900..2200 format as gmtime_r does", n);
		CHECK_EQ_INT(0, roundtrip, "and parse back to the same millisecond");
	}
	/* Random instants over the whole range. */
	{
		long mismatches = 0, roundtrip = 0;

		for (int i = 0; i < 200000; i++) {
			int64_t t = MS_MIN + (int64_t)(tap_rand(&rng) % (uint64_t)(MS_MAX - MS_MIN + 1));

			timefmt_iso8601(t, buf, sizeof(buf));
			ref_format(t, ref, sizeof(ref));
			mismatches += strcmp(buf, ref) != 0;
			roundtrip += timefmt_parse_iso8601(buf, &ms, NULL) != 0 || ms != t;
		}
		CHECK_EQ_INT(0, mismatches, "200000 random instants of 0000..9999 format as gmtime_r does");
		CHECK_EQ_INT(0, roundtrip, "and parse back to the same millisecond");
	}

	for (size_t i = 0; i < sizeof(parses) / sizeof(parses[0]); i++) {
		ms = 12345;
		rc = timefmt_parse_iso8601(parses[i].in, &ms, &why);
		CHECK_EQ_INT(0, rc, "'%s' parses", parses[i].in);
		CHECK_EQ_INT(parses[i].want, ms, "'%s' is %lld", parses[i].in, (long long)parses[i].want);
	}
	for (size_t i = 0; i < sizeof(bad_parses) / sizeof(bad_parses[0]); i++) {
		ms = 12345;
		why = NULL;
		rc = timefmt_parse_iso8601(bad_parses[i].in, &ms, &why);
		CHECK_EQ_INT(-EINVAL, rc, "'%s' is refused", bad_parses[i].in);
		CHECK(why != NULL && strstr(why, bad_parses[i].why) != NULL,
		    "'%s': the reason (%s) says '%s'", bad_parses[i].in, why ? why : "none",
		    bad_parses[i].why);
		CHECK_EQ_INT(12345, ms, "'%s' leaves the result alone", bad_parses[i].in);
	}
	CHECK_EQ_INT(-EINVAL, timefmt_parse_iso8601("x", &ms, NULL), "a NULL reason pointer is allowed");

	/* Relative times and "now", against a fixed now. */
	{
		const int64_t now = 1795477516123LL;
		static const struct {
			const char	*in;
			int64_t		 ago;
		} rel[] = {
			{ "now", 0 },
			{ "-2h", 2 * 3600000LL },
			{ "-30m", 30 * 60000LL },
			{ "-90s", 90000 },
			{ "-500ms", 500 },
			{ "-7d", 7 * 86400000LL },
			{ "-0s", 0 },
		};
		static const char *const bad_rel[] = { "-", "-2", "-2x", "-h", "--2h", "Now", "now-2h" };

		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			rc = timefmt_parse(rel[i].in, now, &ms, &why);
			CHECK_EQ_INT(0, rc, "'%s' parses", rel[i].in);
			CHECK_EQ_INT(now - rel[i].ago, ms, "'%s' is %lld ms before now", rel[i].in,
			    (long long)rel[i].ago);
		}
		for (size_t i = 0; i < sizeof(bad_rel) / sizeof(bad_rel[0]); i++) {
			why = NULL;
			rc = timefmt_parse(bad_rel[i], now, &ms, &why);
			CHECK_EQ_INT(-EINVAL, rc, "'%s' is refused", bad_rel[i]);
			CHECK(why != NULL, "'%s' has a reason", bad_rel[i]);
		}
		rc = timefmt_parse("2026-11-23T12:00:00Z", now, &ms, NULL);
		CHECK(rc == 0 && ms == 1795435200000LL, "timefmt_parse takes absolute times too");
	}
	return tap_done();
}
