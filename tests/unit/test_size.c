/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for size: every unit, decimal and binary, the edges of the
 * 64-bit range, the mistakes people write ("1.5GB", "500 MB", "500mb", "KB",
 * "500"), the shortest exact form, and format then parse over random sizes
 * (fixed seed).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "size.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*in;
	int		 rc;
	int64_t		 bytes;
} parses[] = {
	{ "0B", 0, 0 },
	{ "0MB", 0, 0 },
	{ "1B", 0, 1 },
	{ "1500B", 0, 1500 },
	{ "1kB", 0, 1000 },
	{ "1KiB", 0, 1024 },
	{ "500MB", 0, 500000000 },
	{ "512MiB", 0, 536870912 },
	{ "2GB", 0, 2000000000 },
	{ "2GiB", 0, 2147483648LL },
	{ "1TB", 0, 1000000000000LL },
	{ "1TiB", 0, 1099511627776LL },
	{ "0010MB", 0, 10000000 },
	{ "9223372036854775807B", 0, INT64_MAX },
	{ "9223372036854775kB", 0, 9223372036854775000LL },
	{ "8388607TiB", 0, 8388607LL * 1099511627776LL },
	{ "9223372TB", 0, 9223372LL * 1000000000000LL },
	{ "9223372036854775808B", -ERANGE, 0 },
	{ "9223372036854776kB", -ERANGE, 0 },
	{ "8388608TiB", -ERANGE, 0 },
	{ "9223373TB", -ERANGE, 0 },
	{ "99999999999999999999999999GB", -ERANGE, 0 },
	{ "", -EINVAL, 0 },
	{ "B", -EINVAL, 0 },
	{ "MB", -EINVAL, 0 },
	{ "500", -EINVAL, 0 },
	{ "1.5GB", -EINVAL, 0 },
	{ ".5GB", -EINVAL, 0 },
	{ "-5MB", -EINVAL, 0 },
	{ "+5MB", -EINVAL, 0 },
	{ " 5MB", -EINVAL, 0 },
	{ "5 MB", -EINVAL, 0 },
	{ "5MB ", -EINVAL, 0 },
	{ "5mb", -EINVAL, 0 },
	{ "5Mb", -EINVAL, 0 },
	{ "5KB", -EINVAL, 0 },
	{ "5kiB", -EINVAL, 0 },
	{ "5MIB", -EINVAL, 0 },
	{ "5b", -EINVAL, 0 },
	{ "5M", -EINVAL, 0 },
	{ "5Mi", -EINVAL, 0 },
	{ "5bytes", -EINVAL, 0 },
	{ "5PB", -EINVAL, 0 },
	{ "5MBB", -EINVAL, 0 },
	{ "0x10MB", -EINVAL, 0 },
	{ "1e3MB", -EINVAL, 0 },
	{ "1,5GB", -EINVAL, 0 },
	{ "1GB500MB", -EINVAL, 0 },
	{ "99999999999999999999999999x", -EINVAL, 0 },	/* no unit before too big */
};

static const struct {
	int64_t		 bytes;
	const char	*want;
} formats[] = {
	{ 0, "0B" },
	{ 1, "1B" },
	{ 999, "999B" },
	{ 1000, "1kB" },
	{ 1024, "1KiB" },
	{ 1500, "1500B" },
	{ 1536, "1536B" },		/* 1.5KiB: no unit but B divides it */
	{ 1000000, "1MB" },
	{ 1048576, "1MiB" },
	{ 1024000, "1000KiB" },		/* 1024kB too, but a KiB is larger */
	{ 500000000, "500MB" },
	{ 536870912, "512MiB" },
	{ 2000000000, "2GB" },
	{ 1000000000000LL, "1TB" },
	{ 1099511627776LL, "1TiB" },
	{ 1024000000000LL, "1024GB" },	/* 1000GiB is not exact */
	{ -2000000, "-2MB" },
	{ -1, "-1B" },
	{ INT64_MAX, "9223372036854775807B" },
	{ INT64_MIN, "-8388608TiB" },
};

static uint64_t rng = 0xbb67ae8584caa73bULL;

int
main(void)
{
	char buf[32];
	int64_t v;

	for (size_t i = 0; i < NELEM(parses); i++) {
		int rc;

		v = -12345;
		rc = size_parse(parses[i].in, &v);
		CHECK_EQ_INT(parses[i].rc, rc, "\"%s\": return", parses[i].in);
		CHECK_EQ_INT(parses[i].rc == 0 ? parses[i].bytes : -12345, v, "\"%s\": %s",
		    parses[i].in, parses[i].rc == 0 ? "value" : "result left alone");
	}
	CHECK_EQ_INT(-EINVAL, size_parse(NULL, &v), "NULL is refused");

	for (size_t i = 0; i < NELEM(formats); i++) {
		char *ret = size_format(formats[i].bytes, buf, sizeof(buf));

		CHECK(ret == buf, "format %lld returns buf", (long long)formats[i].bytes);
		CHECK_EQ_STR(formats[i].want, buf, "format %lld", (long long)formats[i].bytes);
	}
	memset(buf, 'x', sizeof(buf));
	size_format(536870912, buf, 3);
	CHECK_EQ_STR("51", buf, "a short buffer takes what fits, terminated");
	CHECK(buf[3] == 'x', "and nothing past it");
	memset(buf, 'x', sizeof(buf));
	size_format(1000, buf, 0);
	CHECK(buf[0] == 'x', "a buffer of length 0 is left alone");
	size_format(1000, buf, 1);
	CHECK_EQ_STR("", buf, "a buffer of length 1 is an empty string");

	/* Random sizes in every unit: the form parses back, and no larger unit fits. */
	{
		static const struct { const char *name; int64_t bytes; } unit[] = {
			{ "B", 1 }, { "kB", 1000 }, { "KiB", 1024 }, { "MB", 1000000 },
			{ "MiB", 1048576 }, { "GB", 1000000000 }, { "GiB", 1073741824 },
			{ "TB", 1000000000000LL }, { "TiB", 1099511627776LL },
		};
		long bad = 0, n = 0;

		for (int i = 0; i < 100000; i++) {
			int64_t u = unit[tap_rand(&rng) % NELEM(unit)].bytes;
			int64_t s = (int64_t)(tap_rand(&rng) % (uint64_t)(INT64_MAX / u)) * u;
			size_t len, k, digits;

			if (i % 2)
				s = (int64_t)(tap_rand(&rng) % 100000) * u;	/* small ones too */
			size_format(s, buf, sizeof(buf));
			n++;
			if (size_parse(buf, &v) != 0 || v != s) {
				bad++;
				continue;
			}
			/* The unit chosen is the largest that divides s. */
			len = strlen(buf);
			for (digits = 0; buf[digits] >= '0' && buf[digits] <= '9'; digits++)
				;
			for (k = 0; k < NELEM(unit); k++)
				if (strcmp(buf + digits, unit[k].name) == 0)
					break;
			for (size_t j = 0; k < NELEM(unit) && s != 0 && j < NELEM(unit); j++)
				if (unit[j].bytes > unit[k].bytes && s % unit[j].bytes == 0)
					bad++;
			if (k == NELEM(unit) || len == digits)
				bad++;
		}
		CHECK_EQ_INT(0, bad, "%ld random sizes format to the largest exact unit and back", n);
	}
	return tap_done();
}
