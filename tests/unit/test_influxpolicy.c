/* SPDX-License-Identifier: MIT */
/* Unit tests for the InfluxDB write policy: every status class, dropped=, Retry-After. */
#include "influxpolicy.h"
#include "tap.h"

static void
test_classify(void)
{
	static const struct {
		long status;
		enum influx_action want;
	} cases[] = {
		{ 204, INFLUX_DONE }, { 200, INFLUX_DONE },
		{ 400, INFLUX_REJECTED }, { 422, INFLUX_REJECTED },
		{ 401, INFLUX_CONFIG }, { 403, INFLUX_CONFIG }, { 404, INFLUX_CONFIG },
		{ 413, INFLUX_SPLIT },
		{ 408, INFLUX_RETRY }, { 429, INFLUX_RETRY }, { 500, INFLUX_RETRY },
		{ 502, INFLUX_RETRY }, { 503, INFLUX_RETRY }, { 504, INFLUX_RETRY },
		{ 0, INFLUX_RETRY }, { 301, INFLUX_RETRY }, { 405, INFLUX_RETRY },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_EQ_STR(influx_action_name(cases[i].want),
		    influx_action_name(influx_classify(cases[i].status)),
		    "status %ld", cases[i].status);
}

static void
test_dropped(void)
{
	CHECK_EQ_INT(3, influx_dropped("{\"error\":\"partial write: field type conflict: "
	    "input field \\\"value\\\" on measurement \\\"ph\\\" is type integer, already exists "
	    "as type float dropped=3\"}"), "dropped=3 in a partial write");
	CHECK_EQ_INT(0, influx_dropped("{\"error\":\"partial write: unable to parse 'x': "
	    "invalid field format dropped=0\"}"), "dropped=0");
	CHECK_EQ_INT(-1, influx_dropped("{\"error\":\"database not found\"}"), "no dropped=");
	CHECK_EQ_INT(-1, influx_dropped("dropped=x"), "dropped= without a number");
	CHECK_EQ_INT(-1, influx_dropped(NULL), "no body");
	CHECK_EQ_INT(-1, influx_dropped("dropped=99999999999999999999999"), "an absurd number");
}

static void
test_retry_after(void)
{
	CHECK_EQ_INT(120000, influx_retry_after_ms("120", 600000), "120 s");
	CHECK_EQ_INT(5000, influx_retry_after_ms(" 5\r\n", 600000), "with spaces and CRLF");
	CHECK_EQ_INT(600000, influx_retry_after_ms("3600", 600000), "capped");
	CHECK_EQ_INT(600000, influx_retry_after_ms("99999999999999999999", 600000), "huge, capped");
	CHECK_EQ_INT(0, influx_retry_after_ms("0", 600000), "0 s");
	CHECK_EQ_INT(-1, influx_retry_after_ms("Wed, 21 Oct 2026 07:28:00 GMT", 600000),
	    "an HTTP date is not understood");
	CHECK_EQ_INT(-1, influx_retry_after_ms("12abc", 600000), "junk after the number");
	CHECK_EQ_INT(-1, influx_retry_after_ms("", 600000), "empty");
	CHECK_EQ_INT(-1, influx_retry_after_ms(NULL, 600000), "absent");
}

int
main(void)
{
	test_classify();
	test_dropped();
	test_retry_after();
	return tap_done();
}
