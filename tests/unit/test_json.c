/* SPDX-License-Identifier: MIT */
/* Unit tests for the JSON writer: escapes, UTF-8, numbers, rollback on error. */
#include <errno.h>
#include <math.h>

#include "json.h"
#include "tap.h"

static void
test_strings(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "\"\"" },
		{ "[pH]", "\"[pH]\"" },
		{ "µS/cm", "\"µS/cm\"" },
		{ "mg/L as CaCO3", "\"mg/L as CaCO3\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "line\nbreak\r\ttab", "\"line\\nbreak\\r\\ttab\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "/ is not escaped", "\"/ is not escaped\"" },
	};
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sb_reset(&sb);
		CHECK_EQ_INT(0, json_string(&sb, cases[i].in), "string %zu encodes", i);
		CHECK_EQ_STR(cases[i].want, sb.data, "string %zu", i);
	}
	sb_reset(&sb);
	sb_appends(&sb, "kept");
	CHECK_EQ_INT(-EILSEQ, json_string(&sb, "bad \xff byte"), "invalid UTF-8 refused");
	CHECK_EQ_INT(-EILSEQ, json_string(&sb, "\xc0\xaf"), "an overlong sequence refused");
	CHECK_EQ_STR("kept", sb.data, "and nothing appended");
	sb_free(&sb);
}

static void
test_numbers(void)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 8.41, "8.41" }, { 17.625, "17.625" }, { 0.1, "0.1" }, { -0.5, "-0.5" },
		{ 1e300, "1e+300" }, { 41325.375, "41325.375" }, { 0.0, "0" },
	};
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sb_reset(&sb);
		CHECK_EQ_INT(0, json_number(&sb, cases[i].v), "number %zu", i);
		CHECK_EQ_STR(cases[i].want, sb.data, "number %.17g", cases[i].v);
	}
	sb_reset(&sb);
	CHECK_EQ_INT(-EDOM, json_number(&sb, NAN), "NaN refused");
	CHECK_EQ_INT(-EDOM, json_number(&sb, INFINITY), "Inf refused");
	CHECK_EQ_INT(0, (int)sb.len, "nothing appended");
	sb_free(&sb);
}

int
main(void)
{
	test_strings();
	test_numbers();
	return tap_done();
}
