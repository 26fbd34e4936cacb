/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lineproto (and lp_model, the decoder they read lines back
 * with):
 *
 * - every escaping rule and every refusal, element by element (measurement,
 *   tag key, tag value, field key, string value), each refusal with its
 *   errno and message, each run on a buffer already holding a line that
 *   must come out of a refusal byte for byte as it went in;
 * - utf8_valid at the edges of every range, overlongs, surrogates, cut
 *   sequences;
 * - field values of every type, timestamps at the edges of int64;
 * - tag order (bytes of the unescaped keys), the caller's array untouched,
 *   duplicate keys, the limits (tags, fields, string and series-key
 *   lengths, each at the boundary and one past it);
 * - the daemon's own tags: units such as "mg/L as CaCO3" and "µS/cm";
 * - InfluxDB 1.6.7's parser test vectors (models/points_test.go): the model
 *   decodes each as 1.6.7 does, or refuses it; the point a good one stands
 *   for is encoded, to the exact line expected, which decodes back to the
 *   same point -- or is refused when it cannot be written portably;
 * - random points (fixed seed) that must round-trip.
 * Every line written is read back with lp_model in strict mode and must be
 * the point that was given.
 */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineproto.h"
#include "lp_model.h"
#include "strbuf.h"
#include "tap.h"
#include "utf8.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define PREFIX		"earlier,station=a value=1 0\n"

/*
 * Encode a point onto a buffer already holding PREFIX.  On success the
 * buffer must be PREFIX and one line that reads back (strict) as the point;
 * on failure exactly PREFIX, with a message.  Returns the errno, the line
 * (without PREFIX, malloc'd, or NULL) and the message.
 */
static int
run(const char *meas, const struct lp_tag *tags, size_t ntags, const struct lp_field *fields,
    size_t nfields, int64_t ts, char **ret_line, const char **ret_why, const char **ret_bad)
{
	struct strbuf sb;
	const char *why = NULL, *bad = NULL;
	int rc;

	*ret_line = NULL;
	sb_init(&sb);
	sb_appends(&sb, PREFIX);
	rc = lp_append_line(&sb, meas, tags, ntags, fields, nfields, ts, &why);
	if (rc < 0) {
		if (sb.len != strlen(PREFIX) || memcmp(sb.data, PREFIX, sb.len + 1) != 0)
			bad = "the buffer changed on failure";
		else if (why == NULL)
			bad = "no message";
	} else if (rc > 0) {
		bad = "positive return";
	} else {
		const char *line = sb.data + strlen(PREFIX);
		size_t n = sb.len - strlen(PREFIX);
		struct lpm_point pt;
		const char *dwhy;

		memset(&pt, 0, sizeof(pt));
		if (memcmp(sb.data, PREFIX, strlen(PREFIX)) != 0)
			bad = "PREFIX changed";
		else if (n == 0 || line[n - 1] != '\n' || memchr(line, '\n', n - 1) != NULL ||
		    memchr(line, '\r', n) != NULL || sb.data[sb.len] != '\0')
			bad = "not one line ending in LF";
		else if (lpm_decode(line, n - 1, LPM_STRICT, &pt, &dwhy) != 0)
			bad = dwhy;
		else if (!lpm_equals(&pt, meas, tags, ntags, fields, nfields, ts, &dwhy))
			bad = dwhy;
		lpm_free(&pt);
		*ret_line = strdup(line);
	}
	sb_free(&sb);
	*ret_why = why;
	*ret_bad = bad;
	return rc;
}

/* Check one case: rc, and the line (with its LF) or the message. */
static void
expect(const char *what, int want_rc, const char *want, int rc, char *line, const char *why,
    const char *bad)
{
	if (want_rc == 0) {
		CHECK_EQ_INT(0, rc, "%s: encodes%s%s", what, why ? ": " : "", why ? why : "");
		if (rc == 0)
			CHECK_EQ_STR(want, line, "%s: the line", what);
	} else {
		CHECK_EQ_INT(want_rc, rc, "%s: refused", what);
		if (want != NULL)
			CHECK_EQ_STR(want, why, "%s: the message", what);
	}
	CHECK(bad == NULL, "%s: %s", what, bad ? bad : "buffer and read-back as they should be");
	free(line);
}

/* ---- one element at a time ---- */

enum slot { S_MEAS, S_TAG_KEY, S_TAG_VALUE, S_FIELD_KEY, S_STRING };

static const struct text_case {
	enum slot	 slot;
	const char	*in;
	int		 rc;
	const char	*out;		/* the escaped text, or the message */
} texts[] = {
	/* Measurement: ',' and ' ' escaped, '=' and quotes as they are. */
	{ S_MEAS, "cpu", 0, "cpu" },
	{ S_MEAS, "cpu load", 0, "cpu\\ load" },
	{ S_MEAS, "cpu,main", 0, "cpu\\,main" },
	{ S_MEAS, "cpu=load", 0, "cpu=load" },
	{ S_MEAS, "a, b", 0, "a\\,\\ b" },
	{ S_MEAS, " ", 0, "\\ " },
	{ S_MEAS, ",", 0, "\\," },
	{ S_MEAS, "trailing ", 0, "trailing\\ " },
	{ S_MEAS, "\"cpu\"", 0, "\"cpu\"" },
	{ S_MEAS, "m#", 0, "m#" },
	{ S_MEAS, "m_", 0, "m_" },
	{ S_MEAS, "time", 0, "time" },
	{ S_MEAS, "field", 0, "field" },
	{ S_MEAS, "conductivity", 0, "conductivity" },
	{ S_MEAS, "µS/cm", 0, "µS/cm" },
	{ S_MEAS, "Lago Poopó", 0, "Lago\\ Poopó" },
	{ S_MEAS, "\xf0\x9f\x8c\x8a", 0, "\xf0\x9f\x8c\x8a" },
	{ S_MEAS, "\xef\xbf\xbd", 0, "\xef\xbf\xbd" },
	{ S_MEAS, "\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf" },
	{ S_MEAS, "#m", -EINVAL, "measurement starts with '#'" },
	{ S_MEAS, "_m", -EINVAL, "measurement starts with '_'" },
	{ S_MEAS, "_measurement", -EINVAL, "measurement starts with '_'" },
	{ S_MEAS, "", -EINVAL, "measurement is empty" },
	{ S_MEAS, NULL, -EINVAL, "measurement is NULL" },
	{ S_MEAS, "a\\b", -EINVAL, "measurement contains a backslash" },
	{ S_MEAS, "cpu\\=load", -EINVAL, "measurement contains a backslash" },
	{ S_MEAS, "a\\", -EINVAL, "measurement contains a backslash" },
	{ S_MEAS, "a\nb", -EINVAL, "measurement contains a line break" },
	{ S_MEAS, "a\r", -EINVAL, "measurement contains a line break" },
	{ S_MEAS, "a\tb", -EINVAL, "measurement contains a control character" },
	{ S_MEAS, "a\x01", -EINVAL, "measurement contains a control character" },
	{ S_MEAS, "a\x1f", -EINVAL, "measurement contains a control character" },
	{ S_MEAS, "a\x7f", -EINVAL, "measurement contains a control character" },
	{ S_MEAS, "\xff", -EINVAL, "measurement is not valid UTF-8" },
	{ S_MEAS, "a\x80", -EINVAL, "measurement is not valid UTF-8" },
	{ S_MEAS, "\xc0\xaf", -EINVAL, "measurement is not valid UTF-8" },
	{ S_MEAS, "\xe0\x80\xaf", -EINVAL, "measurement is not valid UTF-8" },
	{ S_MEAS, "\xed\xa0\x80", -EINVAL, "measurement is not valid UTF-8" },
	{ S_MEAS, "\xf4\x90\x80\x80", -EINVAL, "measurement is not valid UTF-8" },
	{ S_MEAS, "\xe2\x82", -EINVAL, "measurement is not valid UTF-8" },

	/* Tag key: ',', '=' and ' ' escaped; "time" and "field" reserved. */
	{ S_TAG_KEY, "host", 0, "host" },
	{ S_TAG_KEY, "region zone", 0, "region\\ zone" },
	{ S_TAG_KEY, "region,zone", 0, "region\\,zone" },
	{ S_TAG_KEY, "equals=foo", 0, "equals\\=foo" },
	{ S_TAG_KEY, " ", 0, "\\ " },
	{ S_TAG_KEY, "=", 0, "\\=" },
	{ S_TAG_KEY, "\"host\"", 0, "\"host\"" },
	{ S_TAG_KEY, "#k", 0, "#k" },
	{ S_TAG_KEY, "k_", 0, "k_" },
	{ S_TAG_KEY, "Time", 0, "Time" },
	{ S_TAG_KEY, "times", 0, "times" },
	{ S_TAG_KEY, "fields", 0, "fields" },
	{ S_TAG_KEY, "estación", 0, "estación" },
	{ S_TAG_KEY, "time", -EINVAL, "tag key is \"time\", which is reserved" },
	{ S_TAG_KEY, "field", -EINVAL, "tag key is \"field\", which is reserved" },
	{ S_TAG_KEY, "_field", -EINVAL, "tag key starts with '_'" },
	{ S_TAG_KEY, "_k", -EINVAL, "tag key starts with '_'" },
	{ S_TAG_KEY, "", -EINVAL, "tag key is empty" },
	{ S_TAG_KEY, NULL, -EINVAL, "tag key is NULL" },
	{ S_TAG_KEY, "reg\\=ion", -EINVAL, "tag key contains a backslash" },
	{ S_TAG_KEY, "a\nb", -EINVAL, "tag key contains a line break" },
	{ S_TAG_KEY, "a\tb", -EINVAL, "tag key contains a control character" },
	{ S_TAG_KEY, "\x7f", -EINVAL, "tag key contains a control character" },
	{ S_TAG_KEY, "\xc3", -EINVAL, "tag key is not valid UTF-8" },

	/* Tag value: ',', '=' and ' ' escaped; nothing reserved. */
	{ S_TAG_VALUE, "east", 0, "east" },
	{ S_TAG_VALUE, "east west", 0, "east\\ west" },
	{ S_TAG_VALUE, "east,west", 0, "east\\,west" },
	{ S_TAG_VALUE, "tag=value", 0, "tag\\=value" },
	{ S_TAG_VALUE, ",,=", 0, "\\,\\,\\=" },
	{ S_TAG_VALUE, "ends in space ", 0, "ends\\ in\\ space\\ " },
	{ S_TAG_VALUE, "mg/L as CaCO3", 0, "mg/L\\ as\\ CaCO3" },
	{ S_TAG_VALUE, "µS/cm", 0, "µS/cm" },
	{ S_TAG_VALUE, "°C", 0, "°C" },
	{ S_TAG_VALUE, "NTU", 0, "NTU" },
	{ S_TAG_VALUE, "mg/L", 0, "mg/L" },
	{ S_TAG_VALUE, "\"serverA\"", 0, "\"serverA\"" },
	{ S_TAG_VALUE, "\"a", 0, "\"a" },
	{ S_TAG_VALUE, "_x", 0, "_x" },
	{ S_TAG_VALUE, "#x", 0, "#x" },
	{ S_TAG_VALUE, "time", 0, "time" },
	{ S_TAG_VALUE, "", -EINVAL, "tag value is empty" },
	{ S_TAG_VALUE, NULL, -EINVAL, "tag value is NULL" },
	{ S_TAG_VALUE, "a\\", -EINVAL, "tag value contains a backslash" },
	{ S_TAG_VALUE, "\\ east", -EINVAL, "tag value contains a backslash" },
	{ S_TAG_VALUE, "a\nb", -EINVAL, "tag value contains a line break" },
	{ S_TAG_VALUE, "a\r\n", -EINVAL, "tag value contains a line break" },
	{ S_TAG_VALUE, "a\tb", -EINVAL, "tag value contains a control character" },
	{ S_TAG_VALUE, "\x1b[0m", -EINVAL, "tag value contains a control character" },
	{ S_TAG_VALUE, "\xed\xbf\xbf", -EINVAL, "tag value is not valid UTF-8" },

	/* Field key: ',', '=' and ' ' escaped; "time" reserved. */
	{ S_FIELD_KEY, "value", 0, "value" },
	{ S_FIELD_KEY, "value ms", 0, "value\\ ms" },
	{ S_FIELD_KEY, "value,ms", 0, "value\\,ms" },
	{ S_FIELD_KEY, "a=b", 0, "a\\=b" },
	{ S_FIELD_KEY, "\"q\"", 0, "\"q\"" },
	{ S_FIELD_KEY, "field", 0, "field" },
	{ S_FIELD_KEY, "true", 0, "true" },
	{ S_FIELD_KEY, "#f", 0, "#f" },
	{ S_FIELD_KEY, "time", -EINVAL, "field key is \"time\", which is reserved" },
	{ S_FIELD_KEY, "_value", -EINVAL, "field key starts with '_'" },
	{ S_FIELD_KEY, "", -EINVAL, "field key is empty" },
	{ S_FIELD_KEY, NULL, -EINVAL, "field key is NULL" },
	{ S_FIELD_KEY, "\\a", -EINVAL, "field key contains a backslash" },
	{ S_FIELD_KEY, "a\n", -EINVAL, "field key contains a line break" },
	{ S_FIELD_KEY, "a\x02", -EINVAL, "field key contains a control character" },
	{ S_FIELD_KEY, "\xf8\x88\x80\x80\x80", -EINVAL, "field key is not valid UTF-8" },

	/* String value: '\' and '"' escaped, TAB kept, no other control character. */
	{ S_STRING, "foo", 0, "foo" },
	{ S_STRING, "", 0, "" },
	{ S_STRING, "foo bar", 0, "foo bar" },
	{ S_STRING, "1,0", 0, "1,0" },
	{ S_STRING, "foo=bar", 0, "foo=bar" },
	{ S_STRING, "say \"hi\"", 0, "say \\\"hi\\\"" },
	{ S_STRING, "C:\\dir", 0, "C:\\\\dir" },
	{ S_STRING, "trailing\\", 0, "trailing\\\\" },
	{ S_STRING, "\\\"", 0, "\\\\\\\"" },
	{ S_STRING, "foo\\,bar", 0, "foo\\\\,bar" },
	{ S_STRING, "tab\there", 0, "tab\there" },
	{ S_STRING, "wè", 0, "wè" },
	{ S_STRING, "_#time", 0, "_#time" },
	{ S_STRING, "a\nb", -EINVAL, "string field value contains a line break" },
	{ S_STRING, "a\r", -EINVAL, "string field value contains a line break" },
	{ S_STRING, "a\x01", -EINVAL, "string field value contains a control character" },
	{ S_STRING, "\x7f", -EINVAL, "string field value contains a control character" },
	{ S_STRING, "\xe2\x28\xa1", -EINVAL, "string field value is not valid UTF-8" },
	{ S_STRING, NULL, -EINVAL, "string field value is NULL" },
};

static void
test_texts(void)
{
	for (size_t i = 0; i < NELEM(texts); i++) {
		const struct text_case *c = &texts[i];
		struct lp_tag tag = { "k", "v" };
		struct lp_field field = { .key = "x", .type = LP_FLOAT, .f = 1 };
		const char *meas = "m", *why, *bad;
		char want[256], what[128], *line;
		size_t ntags = 0;
		int rc;

		switch (c->slot) {
		case S_MEAS:
			meas = c->in;
			snprintf(want, sizeof(want), "%s x=1 0\n", c->out);
			break;
		case S_TAG_KEY:
			tag.key = c->in;
			ntags = 1;
			snprintf(want, sizeof(want), "m,%s=v x=1 0\n", c->out);
			break;
		case S_TAG_VALUE:
			tag.value = c->in;
			ntags = 1;
			snprintf(want, sizeof(want), "m,k=%s x=1 0\n", c->out);
			break;
		case S_FIELD_KEY:
			field.key = c->in;
			snprintf(want, sizeof(want), "m %s=1 0\n", c->out);
			break;
		case S_STRING:
			field.type = LP_STRING;
			field.s = c->in;
			snprintf(want, sizeof(want), "m x=\"%s\" 0\n", c->out);
			break;
		}
		snprintf(what, sizeof(what), "%s #%zu", (const char *[]){ "measurement", "tag key",
		    "tag value", "field key", "string value" }[c->slot], i);
		rc = run(meas, &tag, ntags, &field, 1, 0, &line, &why, &bad);
		expect(what, c->rc, c->rc == 0 ? want : c->out, rc, line, why, bad);
	}
}

/* ---- utf8_valid, at the edges of every range ---- */

static void
test_utf8(void)
{
	static const struct {
		const char	*s;
		size_t		 n;
		bool		 ok;
	} cases[] = {
		{ "", 0, true },
		{ "a\0b", 3, true },			/* U+0000 is a character */
		{ "\x7f", 1, true },
		{ "\xc2\x80", 2, true },		/* U+0080 */
		{ "\xdf\xbf", 2, true },		/* U+07FF */
		{ "\xe0\xa0\x80", 3, true },		/* U+0800 */
		{ "\xed\x9f\xbf", 3, true },		/* U+D7FF */
		{ "\xee\x80\x80", 3, true },		/* U+E000 */
		{ "\xef\xbf\xbf", 3, true },		/* U+FFFF */
		{ "\xf0\x90\x80\x80", 4, true },	/* U+10000 */
		{ "\xf4\x8f\xbf\xbf", 4, true },	/* U+10FFFF */
		{ "\xc0\x80", 2, false },		/* overlong NUL */
		{ "\xc1\xbf", 2, false },		/* overlong U+007F */
		{ "\xe0\x9f\xbf", 3, false },		/* overlong U+07FF */
		{ "\xf0\x8f\xbf\xbf", 4, false },	/* overlong U+FFFF */
		{ "\xed\xa0\x80", 3, false },		/* U+D800 */
		{ "\xed\xbf\xbf", 3, false },		/* U+DFFF */
		{ "\xf4\x90\x80\x80", 4, false },	/* U+110000 */
		{ "\xf5\x80\x80\x80", 4, false },
		{ "\x80", 1, false },
		{ "\xbf", 1, false },
		{ "\xfe", 1, false },
		{ "\xff", 1, false },
		{ "\xc2", 1, false },			/* cut short */
		{ "\xe0\xa0", 2, false },
		{ "\xf0\x90\x80", 3, false },
		{ "\xc2\x41", 2, false },		/* not a continuation byte */
		{ "\xe0\xa0\xc0", 3, false },
		{ "\xf0\x90\x80\x7f", 4, false },
		{ "\xe2\x82\xac\xe2\x82", 5, false },	/* a good one, then one cut short */
		{ "\xc2\x80", 1, false },		/* n cuts it */
	};

	for (size_t i = 0; i < NELEM(cases); i++)
		CHECK(utf8_valid(cases[i].s, cases[i].n) == cases[i].ok, "utf8_valid #%zu is %s", i,
		    cases[i].ok ? "true" : "false");
	CHECK(utf8_valid(NULL, 0), "utf8_valid(NULL, 0)");
}

/* ---- values and timestamps ---- */

static void
test_values(void)
{
	static const struct {
		struct lp_field	 f;
		int		 rc;
		const char	*out;
	} vals[] = {
		{ { .type = LP_FLOAT, .f = 1.0 }, 0, "1" },
		{ { .type = LP_FLOAT, .f = 0.1 }, 0, "0.1" },
		{ { .type = LP_FLOAT, .f = -0.0 }, 0, "-0" },
		{ { .type = LP_FLOAT, .f = 0.0 }, 0, "0" },
		{ { .type = LP_FLOAT, .f = 17.625 }, 0, "17.625" },
		{ { .type = LP_FLOAT, .f = 20.0 }, 0, "20" },
		{ { .type = LP_FLOAT, .f = 1e300 }, 0, "1e+300" },
		{ { .type = LP_FLOAT, .f = 5e-324 }, 0, "5e-324" },
		{ { .type = LP_FLOAT, .f = DBL_MAX }, 0, "1.7976931348623157e+308" },
		{ { .type = LP_FLOAT, .f = -DBL_MAX }, 0, "-1.7976931348623157e+308" },
		{ { .type = LP_FLOAT, .f = 1 / 3.0 }, 0, "0.3333333333333333" },
		{ { .type = LP_FLOAT, .f = 6632243 }, 0, "6632243" },
		{ { .type = LP_FLOAT, .f = NAN }, -EDOM, "float field value is NaN or infinite" },
		{ { .type = LP_FLOAT, .f = INFINITY }, -EDOM, "float field value is NaN or infinite" },
		{ { .type = LP_FLOAT, .f = -INFINITY }, -EDOM, "float field value is NaN or infinite" },
		{ { .type = LP_INT, .i = 0 }, 0, "0i" },
		{ { .type = LP_INT, .i = -1 }, 0, "-1i" },
		{ { .type = LP_INT, .i = 6632243 }, 0, "6632243i" },
		{ { .type = LP_INT, .i = INT64_MAX }, 0, "9223372036854775807i" },
		{ { .type = LP_INT, .i = INT64_MIN }, 0, "-9223372036854775808i" },
		{ { .type = LP_BOOL, .b = true }, 0, "t" },
		{ { .type = LP_BOOL, .b = false }, 0, "f" },
		{ { .type = (enum lp_type)9 }, -EINVAL, "field has an unknown type" },
		{ { .type = (enum lp_type)-1 }, -EINVAL, "field has an unknown type" },
	};
	static const int64_t stamps[] = {
		0, -1, 1, 1700000000123LL, INT64_MAX, INT64_MIN, 9223372036854775806LL,
		-9223372036854775806LL,
	};

	for (size_t i = 0; i < NELEM(vals); i++) {
		struct lp_field f = vals[i].f;
		char want[128], what[64], *line;
		const char *why, *bad;
		int rc;

		f.key = "v";
		snprintf(want, sizeof(want), "m v=%s 0\n", vals[i].out);
		snprintf(what, sizeof(what), "value #%zu (%s)", i, vals[i].out);
		rc = run("m", NULL, 0, &f, 1, 0, &line, &why, &bad);
		expect(what, vals[i].rc, vals[i].rc == 0 ? want : vals[i].out, rc, line, why, bad);
	}
	for (size_t i = 0; i < NELEM(stamps); i++) {
		struct lp_field f = { .key = "v", .type = LP_INT, .i = 1 };
		char want[128], what[64], *line;
		const char *why, *bad;
		int rc;

		snprintf(want, sizeof(want), "m v=1i %" PRId64 "\n", stamps[i]);
		snprintf(what, sizeof(what), "timestamp %" PRId64, stamps[i]);
		rc = run("m", NULL, 0, &f, 1, stamps[i], &line, &why, &bad);
		expect(what, 0, want, rc, line, why, bad);
	}
}

/* ---- arguments, order, duplicates ---- */

static void
test_points(void)
{
	static const struct lp_tag unsorted[] = {
		{ "zeta", "1" }, { "alpha", "2" }, { "a b", "3" }, { "a!", "4" }, { "é", "5" },
		{ "a", "6" }, { "ab", "7" }, { "B", "8" },
	};
	struct lp_tag copy[NELEM(unsorted)];
	struct lp_field one = { .key = "x", .type = LP_FLOAT, .f = 1 };
	struct lp_field two[2] = {
		{ .key = "x", .type = LP_FLOAT, .f = 1 },
		{ .key = "x", .type = LP_INT, .i = 2 },
	};
	struct lp_tag dup[3] = { { "a", "1" }, { "b", "2" }, { "a", "3" } };
	struct strbuf sb;
	const char *why, *bad;
	char *line;
	int rc;

	memcpy(copy, unsorted, sizeof(copy));
	rc = run("m", copy, NELEM(copy), &one, 1, 0, &line, &why, &bad);
	expect("tags sorted by their unescaped bytes", 0,
	    "m,B=8,a=6,a\\ b=3,a!=4,ab=7,alpha=2,zeta=1,é=5 x=1 0\n", rc, line, why, bad);
	CHECK(memcmp(copy, unsorted, sizeof(copy)) == 0, "the caller's tags keep their order");

	rc = run("m", dup, 3, &one, 1, 0, &line, &why, &bad);
	expect("a tag key twice", -EINVAL, "two tags have the same key", rc, line, why, bad);
	rc = run("m", dup, 2, two, 2, 0, &line, &why, &bad);
	expect("a field key twice", -EINVAL, "two fields have the same key", rc, line, why, bad);
	two[1].key = "y";
	rc = run("m", dup, 2, two, 2, 5, &line, &why, &bad);
	expect("fields in the caller's order", 0, "m,a=1,b=2 x=1,y=2i 5\n", rc, line, why, bad);
	two[0].key = "z";
	rc = run("m", dup, 2, two, 2, 5, &line, &why, &bad);
	expect("fields are not sorted", 0, "m,a=1,b=2 z=1,y=2i 5\n", rc, line, why, bad);
	{
		struct lp_tag t = { "x", "tag" };

		rc = run("m", &t, 1, &one, 1, 0, &line, &why, &bad);
		expect("a tag and a field may share a key", 0, "m,x=tag x=1 0\n", rc, line, why,
		    bad);
	}

	rc = run("m", NULL, 1, &one, 1, 0, &line, &why, &bad);
	expect("tags NULL", -EINVAL, "tags are NULL", rc, line, why, bad);
	rc = run("m", NULL, 0, NULL, 1, 0, &line, &why, &bad);
	expect("fields NULL", -EINVAL, "a point needs at least one field", rc, line, why, bad);
	rc = run("m", NULL, 0, &one, 0, 0, &line, &why, &bad);
	expect("no field", -EINVAL, "a point needs at least one field", rc, line, why, bad);
	rc = run("m", NULL, 0, &one, 1, 0, &line, &why, &bad);
	expect("tags NULL and none", 0, "m x=1 0\n", rc, line, why, bad);
	why = "untouched";
	CHECK_EQ_INT(-EINVAL, lp_append_line(NULL, "m", NULL, 0, &one, 1, 0, &why),
	    "out NULL is -EINVAL");
	CHECK_EQ_STR("no output buffer", why, "out NULL: the message");

	/* why may be NULL; on success it is left alone. */
	sb_init(&sb);
	CHECK_EQ_INT(-EINVAL, lp_append_line(&sb, "", NULL, 0, &one, 1, 0, NULL),
	    "why NULL on failure");
	why = "untouched";
	CHECK_EQ_INT(0, lp_append_line(&sb, "m", NULL, 0, &one, 1, 0, &why), "why on success");
	CHECK_EQ_STR("untouched", why, "is left alone");
	CHECK_EQ_INT(0, lp_append_line(&sb, "n", NULL, 0, &one, 1, 1, NULL), "why NULL on success");
	CHECK_EQ_STR("m x=1 0\nn x=1 1\n", sb.data, "two lines, one after the other");
	sb_free(&sb);
}

/* ---- limits ---- */

static char *
filled(size_t n, char c)
{
	char *s = malloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
test_limits(void)
{
	static struct lp_tag tags[LP_MAX_TAGS + 1];
	static struct lp_field fields[LP_MAX_FIELDS + 1];
	static char keys[LP_MAX_FIELDS + 1][8];
	struct lp_field one = { .key = "v", .type = LP_FLOAT, .f = 1 };
	const char *why, *bad;
	char *line, *s;
	int rc;

	/* Reverse order, so the sort has all to do. */
	for (size_t i = 0; i <= LP_MAX_TAGS; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%03zu", LP_MAX_TAGS - i);
		tags[i].key = keys[i];
		tags[i].value = "v";
	}
	rc = run("m", tags, LP_MAX_TAGS, &one, 1, 0, &line, &why, &bad);
	CHECK_EQ_INT(0, rc, "%d tags", LP_MAX_TAGS);
	CHECK(line != NULL && strncmp(line, "m,k001=v,k002=v,", 16) == 0 &&
	    strstr(line, ",k064=v v=1 0\n") != NULL, "%d tags, sorted", LP_MAX_TAGS);
	CHECK(bad == NULL, "%d tags read back", LP_MAX_TAGS);
	free(line);
	rc = run("m", tags, LP_MAX_TAGS + 1, &one, 1, 0, &line, &why, &bad);
	expect("one tag too many", -E2BIG, "more tags than a line may have", rc, line, why, bad);

	for (size_t i = 0; i <= LP_MAX_FIELDS; i++) {
		snprintf(keys[i], sizeof(keys[i]), "f%zu", i);
		fields[i] = (struct lp_field){ .key = keys[i], .type = LP_INT, .i = (int64_t)i };
	}
	rc = run("m", NULL, 0, fields, LP_MAX_FIELDS, 0, &line, &why, &bad);
	CHECK_EQ_INT(0, rc, "%d fields", LP_MAX_FIELDS);
	CHECK(bad == NULL, "%d fields read back", LP_MAX_FIELDS);
	free(line);
	rc = run("m", NULL, 0, fields, LP_MAX_FIELDS + 1, 0, &line, &why, &bad);
	expect("one field too many", -E2BIG, "more fields than a line may have", rc, line, why,
	    bad);

	/* Strings: 65535 bytes as given, however long escaped. */
	s = filled(LP_MAX_STRING, 'x');
	one = (struct lp_field){ .key = "s", .type = LP_STRING, .s = s };
	rc = run("m", NULL, 0, &one, 1, 0, &line, &why, &bad);
	CHECK(rc == 0 && bad == NULL && strlen(line) == 9 + LP_MAX_STRING,
	    "a string of 65535 bytes");
	free(line);
	free(s);
	s = filled(LP_MAX_STRING, '"');
	one.s = s;
	rc = run("m", NULL, 0, &one, 1, 0, &line, &why, &bad);
	CHECK(rc == 0 && bad == NULL && strlen(line) == 9 + 2 * LP_MAX_STRING,
	    "65535 quotes, twice that escaped");
	free(line);
	free(s);
	s = filled(LP_MAX_STRING + 1, 'x');
	one.s = s;
	rc = run("m", NULL, 0, &one, 1, 0, &line, &why, &bad);
	expect("a string of 65536 bytes", -E2BIG, "string field value is longer than 65535 bytes",
	    rc, line, why, bad);
	free(s);

	/* The series key: measurement and tags escaped, + 4 + the longest field key. */
	one = (struct lp_field){ .key = "v", .type = LP_FLOAT, .f = 1 };
	s = filled(65530, 'm');
	rc = run(s, NULL, 0, &one, 1, 0, &line, &why, &bad);
	CHECK(rc == 0 && bad == NULL, "measurement 65530 + 4 + 1 = 65535: written");
	free(line);
	free(s);
	s = filled(65531, 'm');
	rc = run(s, NULL, 0, &one, 1, 0, &line, &why, &bad);
	expect("measurement 65531 + 4 + 1", -E2BIG,
	    "series key and field key are longer than 65535 bytes", rc, line, why, bad);
	free(s);
	s = filled(32765, ' ');
	rc = run(s, NULL, 0, &one, 1, 0, &line, &why, &bad);
	CHECK(rc == 0 && bad == NULL, "32765 spaces, 65530 escaped: written");
	free(line);
	free(s);
	s = filled(32766, ' ');
	rc = run(s, NULL, 0, &one, 1, 0, &line, &why, &bad);
	expect("32766 spaces, 65532 escaped", -E2BIG,
	    "series key and field key are longer than 65535 bytes", rc, line, why, bad);
	free(s);
	{
		struct lp_tag t = { "k", NULL };
		struct lp_field two[2] = {
			{ .key = "v", .type = LP_FLOAT, .f = 1 },
			{ .key = "vv", .type = LP_FLOAT, .f = 2 },
		};

		/* "m" ",k=" value: 4 + len, + 4 + 2 for "vv". */
		t.value = s = filled(65525, 't');
		rc = run("m", &t, 1, two, 2, 0, &line, &why, &bad);
		CHECK(rc == 0 && bad == NULL, "a tag value at the limit, the longer field key counted");
		free(line);
		free(s);
		t.value = s = filled(65526, 't');
		rc = run("m", &t, 1, two, 2, 0, &line, &why, &bad);
		expect("a tag value one past it", -E2BIG,
		    "series key and field key are longer than 65535 bytes", rc, line, why, bad);
		rc = run("m", &t, 1, two, 1, 0, &line, &why, &bad);
		CHECK(rc == 0 && bad == NULL, "the same without the longer field key");
		free(line);
		free(s);
	}
	s = filled(65536, 'm');
	rc = run(s, NULL, 0, &one, 1, 0, &line, &why, &bad);
	expect("measurement of 65536 bytes", -E2BIG, "measurement is longer than 65535 bytes", rc,
	    line, why, bad);
	free(s);
}

/* ---- the daemon's own points ---- */

static void
test_daemon(void)
{
	struct lp_tag tags[] = {
		{ "station", "Lago Poopó" }, { "device", "ysi-1" }, { "unit", "mg/L as CaCO3" },
	};
	struct lp_field fields[] = {
		{ .key = "value", .type = LP_FLOAT, .f = 142.5 },
		{ .key = "quality", .type = LP_STRING, .s = "good" },
	};
	struct lp_tag cond[] = {
		{ "station", "poopo-norte" }, { "device", "y520" }, { "unit", "µS/cm" },
	};
	const char *why, *bad;
	char *line;
	int rc;

	rc = run("alkalinity", tags, 3, fields, 2, 1700000000123LL, &line, &why, &bad);
	expect("a reading with \"mg/L as CaCO3\"", 0, "alkalinity,device=ysi-1,station=Lago\\ Poopó,"
	    "unit=mg/L\\ as\\ CaCO3 value=142.5,quality=\"good\" 1700000000123\n", rc, line, why,
	    bad);
	fields[0].f = 12345.6;
	rc = run("conductivity", cond, 3, fields, 2, 1700000000123LL, &line, &why, &bad);
	expect("a reading in µS/cm", 0, "conductivity,device=y520,station=poopo-norte,unit=µS/cm "
	    "value=12345.6,quality=\"good\" 1700000000123\n", rc, line, why, bad);
	rc = run("conductivity", cond, 3, &fields[1], 1, 1700000000123LL, &line, &why, &bad);
	expect("a missing reading: quality only", 0, "conductivity,device=y520,station=poopo-norte,"
	    "unit=µS/cm quality=\"good\" 1700000000123\n", rc, line, why, bad);
}

/* ---- InfluxDB 1.6.7's vectors ---- */

#define MAXF	10

static const struct vector {
	const char	*line;		/* as in points_test.go */
	const char	*err;		/* the model's complaint, or NULL for a good line */
	const char	*meas;
	struct lp_tag	 tags[3];
	size_t		 ntags;
	struct lp_field	 fields[MAXF];
	size_t		 nfields;
	bool		 has_time;
	int64_t		 time;
	int		 enc_rc;	/* what encoding the point gives */
	const char	*enc;		/* the line, without LF, or the message */
} vectors[] = {
#define F(k, v)	{ .key = k, .type = LP_FLOAT, .f = v }
#define I(k, v)	{ .key = k, .type = LP_INT, .i = v }
#define S(k, v)	{ .key = k, .type = LP_STRING, .s = v }
#define B(k, v)	{ .key = k, .type = LP_BOOL, .b = v }
#define HR	{ { "host", "serverA" }, { "region", "us-east" } }, 2
#define HRW	{ { "host", "serverA" }, { "region", "us-west" } }, 2
#define BAD(l, e)	{ .line = l, .err = e }
	/* TestParsePointUnescape */
	{ "foo\\,bar value=1i", NULL, "foo,bar", { { 0 } }, 0, { I("value", 1) }, 1, false, 0,
	    0, "foo\\,bar value=1i 0" },
	{ "cpu\\,main,regions=east value=1.0", NULL, "cpu,main", { { "regions", "east" } }, 1,
	    { F("value", 1) }, 1, false, 0, 0, "cpu\\,main,regions=east value=1 0" },
	{ "cpu\\ load,region=east value=1.0", NULL, "cpu load", { { "region", "east" } }, 1,
	    { F("value", 1) }, 1, false, 0, 0, "cpu\\ load,region=east value=1 0" },
	{ "cpu\\=load,region=east value=1.0", NULL, "cpu\\=load", { { "region", "east" } }, 1,
	    { F("value", 1) }, 1, false, 0, -EINVAL, "measurement contains a backslash" },
	{ "cpu=load,region=east value=1.0", NULL, "cpu=load", { { "region", "east" } }, 1,
	    { F("value", 1) }, 1, false, 0, 0, "cpu=load,region=east value=1 0" },
	{ "cpu,region\\,zone=east value=1.0", NULL, "cpu", { { "region,zone", "east" } }, 1,
	    { F("value", 1) }, 1, false, 0, 0, "cpu,region\\,zone=east value=1 0" },
	{ "cpu,region\\ zone=east value=1.0", NULL, "cpu", { { "region zone", "east" } }, 1,
	    { F("value", 1) }, 1, false, 0, 0, "cpu,region\\ zone=east value=1 0" },
	{ "cpu,reg\\\\=ion=east value=1.0", NULL, "cpu", { { "reg\\=ion", "east" } }, 1,
	    { F("value", 1) }, 1, false, 0, -EINVAL, "tag key contains a backslash" },
	{ "cpu,\\ =east value=1.0", NULL, "cpu", { { " ", "east" } }, 1, { F("value", 1) }, 1,
	    false, 0, 0, "cpu,\\ =east value=1 0" },
	{ "cpu,regions=east\\,west value=1.0", NULL, "cpu", { { "regions", "east,west" } }, 1,
	    { F("value", 1) }, 1, false, 0, 0, "cpu,regions=east\\,west value=1 0" },
	{ "cpu,regions=\\\\ east value=1.0", NULL, "cpu", { { "regions", "\\ east" } }, 1,
	    { F("value", 1) }, 1, false, 0, -EINVAL, "tag value contains a backslash" },
	{ "cpu,regions=eas\\\\ t value=1.0", NULL, "cpu", { { "regions", "eas\\ t" } }, 1,
	    { F("value", 1) }, 1, false, 0, -EINVAL, "tag value contains a backslash" },
	{ "cpu,regions=east\\\\  value=1.0", NULL, "cpu", { { "regions", "east\\ " } }, 1,
	    { F("value", 1) }, 1, false, 0, -EINVAL, "tag value contains a backslash" },
	{ "cpu,regions=east\\ west value=1.0", NULL, "cpu", { { "regions", "east west" } }, 1,
	    { F("value", 1) }, 1, false, 0, 0, "cpu,regions=east\\ west value=1 0" },
	{ "cpu,regions=east value\\,ms=1.0", NULL, "cpu", { { "regions", "east" } }, 1,
	    { F("value,ms", 1) }, 1, false, 0, 0, "cpu,regions=east value\\,ms=1 0" },
	{ "cpu,regions=east value\\ ms=1.0", NULL, "cpu", { { "regions", "east" } }, 1,
	    { F("value ms", 1) }, 1, false, 0, 0, "cpu,regions=east value\\ ms=1 0" },
	{ "cpu,regions=east value=\"1,0\"", NULL, "cpu", { { "regions", "east" } }, 1,
	    { S("value", "1,0") }, 1, false, 0, 0, "cpu,regions=east value=\"1,0\" 0" },
	{ "cpu,regions=eas\\t value=1.0", NULL, "cpu", { { "regions", "eas\\t" } }, 1,
	    { F("value", 1) }, 1, false, 0, -EINVAL, "tag value contains a backslash" },
	{ "cpu,regions=\\\\,\\,\\=east value=1.0", NULL, "cpu", { { "regions", "\\,,=east" } }, 1,
	    { F("value", 1) }, 1, false, 0, -EINVAL, "tag value contains a backslash" },
	{ "cpu \\a=1i", NULL, "cpu", { { 0 } }, 0, { I("\\a", 1) }, 1, false, 0, -EINVAL,
	    "field key contains a backslash" },
	{ "cpu=load,equals\\=foo=tag\\=value value=1i", NULL, "cpu=load",
	    { { "equals=foo", "tag=value" } }, 1, { I("value", 1) }, 1, false, 0, 0,
	    "cpu=load,equals\\=foo=tag\\=value value=1i 0" },
	/* TestPoint_Tags */
	{ "cpu,tag0=1\\\"\\\",t=k value=1", NULL, "cpu", { { "tag0", "1\\\"\\\"" }, { "t", "k" } },
	    2, { F("value", 1) }, 1, false, 0, -EINVAL, "tag value contains a backslash" },
	/* TestParsePointWithStringField and the string tests after it */
	{ "cpu,host=serverA,region=us-east value=1.0,str=\"foo\",str2=\"bar\" 1000000000", NULL,
	    "cpu", HR, { F("value", 1), S("str", "foo"), S("str2", "bar") }, 3, true, 1000000000,
	    0, "cpu,host=serverA,region=us-east value=1,str=\"foo\",str2=\"bar\" 1000000000" },
	{ "cpu,host=serverA,region=us-east str=\"foo \\\" bar\" 1000000000", NULL, "cpu", HR,
	    { S("str", "foo \" bar") }, 1, true, 1000000000, 0,
	    "cpu,host=serverA,region=us-east str=\"foo \\\" bar\" 1000000000" },
	{ "cpu,host=serverA,region=us-east value=1.0,str=\"foo bar\" 1000000000", NULL, "cpu", HR,
	    { F("value", 1), S("str", "foo bar") }, 2, true, 1000000000, 0,
	    "cpu,host=serverA,region=us-east value=1,str=\"foo bar\" 1000000000" },
	{ "cpu,host=serverA,region=us-east value=1.0,str=\"foo\nbar\" 1000000000", NULL, "cpu",
	    HR, { F("value", 1), S("str", "foo\nbar") }, 2, true, 1000000000, -EINVAL,
	    "string field value contains a line break" },
	{ "cpu,host=serverA,region=us-east value=1.0,str=\"foo\\,bar\" 1000000000", NULL, "cpu",
	    HR, { F("value", 1), S("str", "foo\\,bar") }, 2, true, 1000000000, 0,
	    "cpu,host=serverA,region=us-east value=1,str=\"foo\\\\,bar\" 1000000000" },
	{ "cpu,host=serverA,region=us-east value=1.0,str=\"foo,bar\" 1000000000", NULL, "cpu",
	    HR, { F("value", 1), S("str", "foo,bar") }, 2, true, 1000000000, 0,
	    "cpu,host=serverA,region=us-east value=1,str=\"foo,bar\" 1000000000" },
	{ "cpu,host=serverA,region=us-east str=\"foo\\\\\",str2=\"bar\" 1000000000", NULL, "cpu",
	    HR, { S("str", "foo\\"), S("str2", "bar") }, 2, true, 1000000000, 0,
	    "cpu,host=serverA,region=us-east str=\"foo\\\\\",str2=\"bar\" 1000000000" },
	{ "\"cpu\",host=serverA,region=us-east value=1.0 1000000000", NULL, "\"cpu\"", HR,
	    { F("value", 1) }, 1, true, 1000000000, 0,
	    "\"cpu\",host=serverA,region=us-east value=1 1000000000" },
	{ "cpu,\"host\"=\"serverA\",region=us-east value=1.0 1000000000", NULL, "cpu",
	    { { "\"host\"", "\"serverA\"" }, { "region", "us-east" } }, 2, { F("value", 1) }, 1,
	    true, 1000000000, 0, "cpu,\"host\"=\"serverA\",region=us-east value=1 1000000000" },
	{ "cpu,host=serverA,region=us-east value=\"{Hello\\\"{,}\\\" World}\" 1000000000", NULL,
	    "cpu", HR, { S("value", "{Hello\"{,}\" World}") }, 1, true, 1000000000, 0,
	    "cpu,host=serverA,region=us-east value=\"{Hello\\\"{,}\\\" World}\" 1000000000" },
	{ "cpu,host=serverA,region=us-east value=\"{Hello\\\"{\\,}\\\" World}\" 1000000000", NULL,
	    "cpu", HR, { S("value", "{Hello\"{\\,}\" World}") }, 1, true, 1000000000, 0,
	    "cpu,host=serverA,region=us-east value=\"{Hello\\\"{\\\\,}\\\" World}\" 1000000000" },
	{ "cpu,host=serverA,region=us-east str=\"foo=bar\",value=1.0 1000000000", NULL, "cpu", HR,
	    { S("str", "foo=bar"), F("value", 1) }, 2, true, 1000000000, 0,
	    "cpu,host=serverA,region=us-east str=\"foo=bar\",value=1 1000000000" },
	{ "cpu value=\"test\\\\\\\"\" 1000000000", NULL, "cpu", { { 0 } }, 0,
	    { S("value", "test\\\"") }, 1, true, 1000000000, 0,
	    "cpu value=\"test\\\\\\\"\" 1000000000" },
	{ "cpu value=\"test\\\\\" 1000000000", NULL, "cpu", { { 0 } }, 0, { S("value", "test\\") },
	    1, true, 1000000000, 0, "cpu value=\"test\\\\\" 1000000000" },
	{ "cpu value=\"test\\\"\" 1000000000", NULL, "cpu", { { 0 } }, 0, { S("value", "test\"") },
	    1, true, 1000000000, 0, "cpu value=\"test\\\"\" 1000000000" },
	{ "cpu,host=serverA,region=us-east true=true,t=t,T=T,TRUE=TRUE,True=True,false=false,"
	    "f=f,F=F,FALSE=FALSE,False=False 1000000000", NULL, "cpu", HR,
	    { B("true", true), B("t", true), B("T", true), B("TRUE", true), B("True", true),
	    B("false", false), B("f", false), B("F", false), B("FALSE", false),
	    B("False", false) }, 10, true, 1000000000, 0, "cpu,host=serverA,region=us-east "
	    "true=t,t=t,T=t,TRUE=t,True=t,false=f,f=f,F=f,FALSE=f,False=f 1000000000" },
	{ "cpu,host=serverA,region=us-east value=\"wè\" 1000000000", NULL, "cpu", HR,
	    { S("value", "wè") }, 1, true, 1000000000, 0,
	    "cpu,host=serverA,region=us-east value=\"wè\" 1000000000" },
	{ "baz,mytag=\"a x=1 1441103862125", NULL, "baz", { { "mytag", "\"a" } }, 1,
	    { F("x", 1) }, 1, true, 1441103862125LL, 0, "baz,mytag=\"a x=1 1441103862125" },
	/* Numbers and timestamps */
	{ "cpu value=1 -1", NULL, "cpu", { { 0 } }, 0, { F("value", 1) }, 1, true, -1, 0,
	    "cpu value=1 -1" },
	{ "cpu value=1 9223372036854775806", NULL, "cpu", { { 0 } }, 0, { F("value", 1) }, 1,
	    true, 9223372036854775806LL, 0, "cpu value=1 9223372036854775806" },
	{ "cpu value=1 -9223372036854775806", NULL, "cpu", { { 0 } }, 0, { F("value", 1) }, 1,
	    true, -9223372036854775806LL, 0, "cpu value=1 -9223372036854775806" },
	{ "cpu,host=serverA,region=us-west value=9223372036854775807i", NULL, "cpu", HRW,
	    { I("value", INT64_MAX) }, 1, false, 0, 0,
	    "cpu,host=serverA,region=us-west value=9223372036854775807i 0" },
	{ "cpu,host=serverA,region=us-west value=-9223372036854775808i", NULL, "cpu", HRW,
	    { I("value", INT64_MIN) }, 1, false, 0, 0,
	    "cpu,host=serverA,region=us-west value=-9223372036854775808i 0" },
	{ "cpu,host=serverA,region=us-west value=-0009223372036854775808i", NULL, "cpu", HRW,
	    { I("value", INT64_MIN) }, 1, false, 0, 0,
	    "cpu,host=serverA,region=us-west value=-9223372036854775808i 0" },
	{ "cpu,last=1,first=2 value=1i", NULL, "cpu", { { "last", "1" }, { "first", "2" } }, 2,
	    { I("value", 1) }, 1, false, 0, 0, "cpu,first=2,last=1 value=1i 0" },
	{ "cpu value=-0.64 1000000000", NULL, "cpu", { { 0 } }, 0, { F("value", -0.64) }, 1, true,
	    1000000000, 0, "cpu value=-0.64 1000000000" },
	{ "cpu value=1. 1000000000", NULL, "cpu", { { 0 } }, 0, { F("value", 1) }, 1, true,
	    1000000000, 0, "cpu value=1 1000000000" },
	{ "cpu value=6.632243e+06 1000000000", NULL, "cpu", { { 0 } }, 0, { F("value", 6632243) },
	    1, true, 1000000000, 0, "cpu value=6632243 1000000000" },
	{ "cpu value=6632243i 1000000000", NULL, "cpu", { { 0 } }, 0, { I("value", 6632243) }, 1,
	    true, 1000000000, 0, "cpu value=6632243i 1000000000" },
	{ "cpu,host=serverA,region=us-west value=.1", NULL, "cpu", HRW, { F("value", 0.1) }, 1,
	    false, 0, 0, "cpu,host=serverA,region=us-west value=0.1 0" },
	{ "cpu,host=serverA,region=us-west value=-1.0e-4", NULL, "cpu", HRW,
	    { F("value", -1.0e-4) }, 1, false, 0, 0, "cpu,host=serverA,region=us-west value=-0.0001 0" },
	{ "cpu,host=serverA,region=us-west value=1E4", NULL, "cpu", HRW, { F("value", 1e4) }, 1,
	    false, 0, 0, "cpu,host=serverA,region=us-west value=10000 0" },
	{ "cpu,host=serverA,region=us-east int=10i,float=11.0,float2=12.1 1000000000", NULL,
	    "cpu", HR, { I("int", 10), F("float", 11), F("float2", 12.1) }, 3, true, 1000000000,
	    0, "cpu,host=serverA,region=us-east int=10i,float=11,float2=12.1 1000000000" },
	{ "cpu,host=serverA,region=us-east bool=false,float=11,float2=12.123,int=10i,"
	    "str=\"string val\" 1000000000", NULL, "cpu", HR, { B("bool", false), F("float", 11),
	    F("float2", 12.123), I("int", 10), S("str", "string val") }, 5, true, 1000000000, 0,
	    "cpu,host=serverA,region=us-east bool=f,float=11,float2=12.123,int=10i,"
	    "str=\"string val\" 1000000000" },
	{ "cpu    value=1.0 1257894000000000000   ", NULL, "cpu", { { 0 } }, 0, { F("value", 1) },
	    1, true, 1257894000000000000LL, 0, "cpu value=1 1257894000000000000" },

	/* Errors (InfluxDB's own message where the model's differs: in comments) */
	BAD("cpu,host=f=o,", "invalid tag format"),
	BAD("cpu,host=f\\==o,", "invalid tag format"),
	BAD("cpu,host=serverA,region= value=1i", "missing tag value"),
	BAD("cpu,host=serverA,region value=1i", "missing tag value"),
	BAD("cpu, value=1", "missing tag key"),
	BAD("cpu,host=serverA,=us-east value=1i", "missing tag key"),
	BAD("cpu v=1.0i ", "invalid number"),
	BAD("cpu v=-123u", "invalid number (unsigned is not accepted by InfluxDB 1.x)"),
	BAD("cpu v=1ii ", "invalid number"),
	BAD("cpu,host=serverA,region=us-west value=9e10i", "invalid number"),
	BAD("cpu,host=serverA,region=us-west value=1.1.1", "invalid number"),
	BAD("cpu v=+1", "invalid number"),
	BAD("cpu v=0x10", "invalid number"),
	BAD("m v=1\r", "invalid number"),
	BAD("cpu value=NaN 1000000000", "invalid number"),
	BAD("cpu v=1e309", "invalid float (out of range)"),
	BAD("cpu,host=serverA,region=us-west value=tRUE", "invalid boolean"),
	BAD("cpu,host=serverA,region=us-west value=9223372036854775808i", "integer out of range"),
	BAD("cpu,host=serverA,region=us-west value=-9223372036854775809i", "integer out of range"),
	BAD("a v=1 0\\", "bad timestamp"),
	BAD("cpu value=1 -", "bad timestamp"),
	BAD("cpu value=1 9223372036854775808", "bad timestamp (out of range)"),
	BAD("cpu value=1 9223372036854775807 12", "bad timestamp (text after it)"),
	BAD("cpu,host=serverA,host=serverB value=1i 1000000000", "duplicate tags"),
	BAD("cpu,b=2,c=3,b=1 value=1i 1000000000", "duplicate tags"),
	BAD("cpu,host=serverA value=\"test", "unbalanced quotes"),
	BAD("cpu,host=serverA value=\"test\"\"", "invalid field format"),	/* unbalanced quotes */
	BAD("cpu", "missing fields"),
	BAD("cpu_load_short,host=server01,region=us-west", "missing fields"),
	BAD("cpu,host=serverA,region=us-west =123i", "missing field key"),
	BAD("cpu,host=serverA,region=us-west value=", "missing field value"),
	BAD("cpu,host=server01,region=us-west value=1i,b", "missing field value"),
	BAD("#m v=1", "a comment, not a point"),
	BAD(",tag0=v0,tag1=v0 value=1", "missing measurement"),
#undef F
#undef I
#undef S
#undef B
#undef HR
#undef HRW
#undef BAD
};

static void
test_vectors(void)
{
	size_t good = 0, bad_lines = 0, written = 0, refused = 0;

	for (size_t i = 0; i < NELEM(vectors); i++) {
		const struct vector *v = &vectors[i];
		struct lpm_point pt;
		const char *why = NULL, *bad;
		char want[512], *line;
		int rc;

		rc = lpm_decode(v->line, strlen(v->line), LPM_LENIENT, &pt, &why);
		if (v->err != NULL) {
			bad_lines++;
			CHECK_EQ_INT(-EINVAL, rc, "vector \"%s\": refused", v->line);
			CHECK_EQ_STR(v->err, why, "vector \"%s\": why", v->line);
			lpm_free(&pt);
			continue;
		}
		good++;
		CHECK_EQ_INT(0, rc, "vector \"%s\": decodes%s%s", v->line, why ? ": " : "",
		    why ? why : "");
		if (rc == 0) {
			if (lpm_equals(&pt, v->meas, v->tags, v->ntags, v->fields, v->nfields, v->time,
			    &why) && pt.has_time != v->has_time)
				why = "timestamp differs";
			CHECK(why == NULL, "vector \"%s\": as 1.6.7 reads it%s%s", v->line,
			    why ? ": " : "", why ? why : "");
		}
		lpm_free(&pt);

		/* The point it stands for, encoded. */
		rc = run(v->meas, v->tags, v->ntags, v->fields, v->nfields, v->time, &line, &why,
		    &bad);
		if (v->enc_rc == 0) {
			written++;
			snprintf(want, sizeof(want), "%s\n", v->enc);
			expect(v->line, 0, want, rc, line, why, bad);
		} else {
			refused++;
			expect(v->line, v->enc_rc, v->enc, rc, line, why, bad);
		}
	}
	printf("# %zu vectors: %zu good lines (%zu written back, %zu refused as not portable), "
	    "%zu bad lines\n", good + bad_lines, good, written, refused, bad_lines);
}

/* ---- random points ---- */

static uint64_t rng = 0xa4093822299f31d0ULL;

/* A random text of what the rules allow, with every character that is escaped. */
static void
random_text(char *buf, size_t max, bool string)
{
	static const char *const pieces[] = {
		"a", "b", "Z", "0", "9", ",", "=", " ", "\"", "#", "_", "/", ".", "-", "é", "µ",
		"°", "\xe2\x82\xac", "\xf0\x9f\x8c\x8a", "'", "{", "}", "t", "f",
	};
	static const char *const more[] = { "\\", "\t", "\\\"", "\\\\" };
	size_t n = 1 + tap_rand(&rng) % 12, len = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < n; k++) {
		const char *p = string && tap_rand(&rng) % 5 == 0 ? more[tap_rand(&rng) % NELEM(more)] :
		    pieces[tap_rand(&rng) % NELEM(pieces)];

		if (len + strlen(p) + 1 > max)
			break;
		memcpy(buf + len, p, strlen(p) + 1);
		len += strlen(p);
	}
	if (len == 0 || buf[0] == '_' || buf[0] == '#')
		buf[0] = 'x';
	if (len == 0)
		buf[1] = '\0';
}

static void
test_random(void)
{
	long n = 0, fails = 0;
	char first[200] = "";

	for (int r = 0; r < 5000; r++) {
		char meas[64], tk[8][64], tv[8][64], fk[8][64], fs[8][64];
		struct lp_tag tags[8];
		struct lp_field fields[8];
		size_t ntags = tap_rand(&rng) % 8, nfields = 1 + tap_rand(&rng) % 7;
		int64_t ts = (int64_t)tap_rand(&rng);
		const char *why, *bad;
		char *line;
		int rc;

		random_text(meas, sizeof(meas), false);
		for (size_t k = 0; k < ntags; k++) {
			/* A distinct key for each: a prefix of its own. */
			tk[k][0] = (char)('A' + k);
			random_text(tk[k] + 1, sizeof(tk[k]) - 1, false);
			random_text(tv[k], sizeof(tv[k]), false);
			tags[k] = (struct lp_tag){ tk[k], tv[k] };
		}
		for (size_t k = 0; k < nfields; k++) {
			uint64_t bits = tap_rand(&rng);

			fk[k][0] = (char)('A' + k);
			random_text(fk[k] + 1, sizeof(fk[k]) - 1, false);
			fields[k] = (struct lp_field){ .key = fk[k], .type = (enum lp_type)(bits % 4) };
			switch (fields[k].type) {
			case LP_FLOAT:
				memcpy(&fields[k].f, &bits, sizeof(double));
				if (!isfinite(fields[k].f))
					fields[k].f = (double)(int32_t)bits / 1000.0;
				break;
			case LP_INT:
				fields[k].i = (int64_t)tap_rand(&rng);
				break;
			case LP_STRING:
				random_text(fs[k], sizeof(fs[k]), true);
				fields[k].s = tap_rand(&rng) % 8 ? fs[k] : "";
				break;
			case LP_BOOL:
				fields[k].b = bits & 16;
				break;
			}
		}
		n++;
		rc = run(meas, tags, ntags, fields, nfields, ts, &line, &why, &bad);
		if ((rc != 0 || bad != NULL) && fails++ == 0)
			snprintf(first, sizeof(first), ": first \"%s\": %s", meas,
			    bad ? bad : why ? why : "?");
		free(line);
	}
	CHECK(fails == 0, "%ld random points round-trip (%ld failed%s)", n, fails, first);
}

int
main(void)
{
	test_texts();
	test_utf8();
	test_values();
	test_points();
	test_limits();
	test_daemon();
	test_vectors();
	test_random();
	return tap_done();
}
