/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for duration: every unit, the edges of the 64-bit range, the
 * mistakes people write ("1.5s", "5 s", "5min", "-5s"), the shortest exact
 * form, and format then parse over random durations (fixed seed).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "duration.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*in;
	int		 rc;
	int64_t		 ms;
} parses[] = {
	{ "0s", 0, 0 },
	{ "0ms", 0, 0 },
	{ "0d", 0, 0 },
	{ "1ms", 0, 1 },
	{ "500ms", 0, 500 },
	{ "30s", 0, 30000 },
	{ "15m", 0, 900000 },
	{ "2h", 0, 7200000 },
	{ "1d", 0, 86400000 },
	{ "3650d", 0, 315360000000LL },
	{ "007s", 0, 7000 },
	{ "90m", 0, 5400000 },
	{ "9223372036854775807ms", 0, INT64_MAX },
	{ "9223372036854775s", 0, 9223372036854775000LL },
	{ "106751991167d", 0, 106751991167LL * 86400000 },
	{ "9223372036854775808ms", -ERANGE, 0 },
	{ "9223372036854776s", -ERANGE, 0 },
	{ "106751991168d", -ERANGE, 0 },
	{ "2562047788016h", -ERANGE, 0 },
	{ "99999999999999999999999999s", -ERANGE, 0 },
	{ "", -EINVAL, 0 },
	{ "s", -EINVAL, 0 },
	{ "ms", -EINVAL, 0 },
	{ "10", -EINVAL, 0 },
	{ "1.5s", -EINVAL, 0 },
	{ ".5s", -EINVAL, 0 },
	{ "-5s", -EINVAL, 0 },
	{ "+5s", -EINVAL, 0 },
	{ " 5s", -EINVAL, 0 },
	{ "5 s", -EINVAL, 0 },
	{ "5s ", -EINVAL, 0 },
	{ "5S", -EINVAL, 0 },
	{ "5MS", -EINVAL, 0 },
	{ "5sec", -EINVAL, 0 },
	{ "5min", -EINVAL, 0 },
	{ "5mss", -EINVAL, 0 },
	{ "5ss", -EINVAL, 0 },
	{ "5x", -EINVAL, 0 },
	{ "5w", -EINVAL, 0 },
	{ "5us", -EINVAL, 0 },
	{ "0x10s", -EINVAL, 0 },
	{ "1e3ms", -EINVAL, 0 },
	{ "1,5s", -EINVAL, 0 },
	{ "5h30m", -EINVAL, 0 },
	{ "99999999999999999999999999x", -EINVAL, 0 },	/* no unit before too big */
};

static const struct {
	int64_t		 ms;
	const char	*want;
} formats[] = {
	{ 0, "0s" },
	{ 1, "1ms" },
	{ 999, "999ms" },
	{ 1000, "1s" },
	{ 1500, "1500ms" },
	{ 30000, "30s" },
	{ 90000, "90s" },
	{ 60000, "1m" },
	{ 900000, "15m" },
	{ 3600000, "1h" },
	{ 5400000, "90m" },
	{ 7200000, "2h" },
	{ 86400000, "1d" },
	{ 86401000, "86401s" },
	{ 90000000, "25h" },
	{ 315360000000LL, "3650d" },
	{ -30000, "-30s" },
	{ -1, "-1ms" },
	{ -86400000, "-1d" },
	{ INT64_MAX, "9223372036854775807ms" },
	{ INT64_MIN, "-9223372036854775808ms" },
	{ 106751991167LL * 86400000, "106751991167d" },
};

static uint64_t rng = 0x6a09e667f3bcc909ULL;

int
main(void)
{
	char buf[32];
	int64_t ms;

	for (size_t i = 0; i < NELEM(parses); i++) {
		int rc;

		ms = -12345;
		rc = duration_parse(parses[i].in, &ms);
		CHECK_EQ_INT(parses[i].rc, rc, "\"%s\": return", parses[i].in);
		CHECK_EQ_INT(parses[i].rc == 0 ? parses[i].ms : -12345, ms, "\"%s\": %s", parses[i].in,
		    parses[i].rc == 0 ? "value" : "result left alone");
	}
	CHECK_EQ_INT(-EINVAL, duration_parse(NULL, &ms), "NULL is refused");

	for (size_t i = 0; i < NELEM(formats); i++) {
		char *ret = duration_format(formats[i].ms, buf, sizeof(buf));

		CHECK(ret == buf, "format %lld returns buf", (long long)formats[i].ms);
		CHECK_EQ_STR(formats[i].want, buf, "format %lld", (long long)formats[i].ms);
	}
	memset(buf, 'x', sizeof(buf));
	duration_format(315360000000LL, buf, 3);
	CHECK_EQ_STR("36", buf, "a short buffer takes what fits, terminated");
	CHECK(buf[3] == 'x', "and nothing past it");
	memset(buf, 'x', sizeof(buf));
	duration_format(1000, buf, 0);
	CHECK(buf[0] == 'x', "a buffer of length 0 is left alone");
	duration_format(1000, buf, 1);
	CHECK_EQ_STR("", buf, "a buffer of length 1 is an empty string");

	/* Random durations in every unit: the form parses back, and no larger unit fits. */
	{
		static const int64_t unit[] = { 1, 1000, 60000, 3600000, 86400000 };
		long bad = 0, n = 0;

		for (int i = 0; i < 100000; i++) {
			int64_t u = unit[tap_rand(&rng) % NELEM(unit)];
			int64_t v = (int64_t)(tap_rand(&rng) % (uint64_t)(INT64_MAX / u)) * u;
			const char *sfx;
			size_t len;

			if (i % 2)
				v = (int64_t)(tap_rand(&rng) % 100000) * u;	/* small ones too */
			duration_format(v, buf, sizeof(buf));
			n++;
			if (duration_parse(buf, &ms) != 0 || ms != v) {
				bad++;
				continue;
			}
			/* The unit chosen is the largest that divides v. */
			len = strlen(buf);
			sfx = len >= 2 && buf[len - 2] == 'm' && buf[len - 1] == 's' ? "ms" :
			    buf + len - 1;
			for (size_t k = 0; k < NELEM(unit); k++) {
				static const char *const names[] = { "ms", "s", "m", "h", "d" };

				if (strcmp(sfx, names[k]) == 0 && v != 0 && k + 1 < NELEM(unit) &&
				    v % unit[k + 1] == 0)
					bad++;
			}
		}
		CHECK_EQ_INT(0, bad, "%ld random durations format to the largest exact unit and back", n);
	}
	return tap_done();
}
