/* SPDX-License-Identifier: MIT */
/* Unit tests for the MQTT topics and payloads (SPEC "MQTT"). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mqttmsg.h"
#include "tap.h"

static struct lw_reading
reading(const char *dev, const char *pt, const char *unit, double v, bool has,
    enum lw_quality q)
{
	struct lw_reading r;

	memset(&r, 0, sizeof(r));
	r.time_ms = 1763941516123;	/* 2025-11-23T23:45:16.123Z */
	snprintf(r.device, sizeof(r.device), "%s", dev);
	snprintf(r.point, sizeof(r.point), "%s", pt);
	snprintf(r.unit, sizeof(r.unit), "%s", unit);
	r.value = v;
	r.has_value = has;
	r.quality = q;
	return r;
}

static void
test_topics(void)
{
	struct lw_reading r = reading("sonde", "ph", "[pH]", 8.41, true, LW_Q_GOOD);
	char t[MQTTMSG_TOPIC_MAX], small[16];

	CHECK_EQ_INT(0, mqttmsg_reading_topic(t, sizeof(t), "lakewatch", "pp-06", &r), "topic");
	CHECK_EQ_STR("lakewatch/pp-06/sonde/ph", t, "ROOT/STATION/DEVICE/POINT");
	CHECK_EQ_INT(0, mqttmsg_reading_topic(t, sizeof(t), "bo/oruro/poopo", "pp-06", &r),
	    "a root of several levels");
	CHECK_EQ_STR("bo/oruro/poopo/pp-06/sonde/ph", t, "is kept whole");
	CHECK_EQ_INT(0, mqttmsg_status_topic(t, sizeof(t), "lakewatch", "pp-06"), "status topic");
	CHECK_EQ_STR("lakewatch/pp-06/status", t, "ROOT/STATION/status");
	CHECK_EQ_INT(-ENAMETOOLONG, mqttmsg_reading_topic(small, sizeof(small), "lakewatch",
	    "pp-06", &r), "too long for the buffer");
	r = reading("so+nde", "ph", "", 0, false, LW_Q_MISSING);
	CHECK_EQ_INT(-EINVAL, mqttmsg_reading_topic(t, sizeof(t), "lakewatch", "pp-06", &r),
	    "a wildcard in a level is refused");
	r = reading("sonde", "p/h", "", 0, false, LW_Q_MISSING);
	CHECK_EQ_INT(-EINVAL, mqttmsg_reading_topic(t, sizeof(t), "lakewatch", "pp-06", &r),
	    "a separator in a level is refused");
	r = reading("sonde", "ph", "", 0, false, LW_Q_MISSING);
	CHECK_EQ_INT(-EINVAL, mqttmsg_reading_topic(t, sizeof(t), "lakewatch", "", &r),
	    "an empty station is refused");
	CHECK_EQ_INT(-EINVAL, mqttmsg_reading_topic(t, sizeof(t), "lakewatch", "pp#", &r),
	    "a station with '#' is refused");
}

static void
test_payloads(void)
{
	static const struct {
		struct lw_reading r;
		const char *want;
	} *c, cases[] = {
		{ { 1763941516123, "sonde", "ph", "[pH]", 8.41, true, LW_Q_GOOD },
		  "{\"time\":\"2025-11-23T23:45:16.123Z\",\"value\":8.41,\"unit\":\"[pH]\",\"quality\":\"good\"}" },
		{ { 1763941516000, "level", "depth", "m", 0, false, LW_Q_MISSING },
		  "{\"time\":\"2025-11-23T23:45:16.000Z\",\"value\":null,\"unit\":\"m\",\"quality\":\"missing\"}" },
		{ { 0, "sonde", "conductivity", "µS/cm", 41325.375, true, LW_Q_SUSPECT },
		  "{\"time\":\"1970-01-01T00:00:00.000Z\",\"value\":41325.375,\"unit\":\"µS/cm\",\"quality\":\"suspect\"}" },
		{ { 1000, "t", "alk", "mg/L as \"CaCO3\"", -0.25, true, LW_Q_MAINTENANCE },
		  "{\"time\":\"1970-01-01T00:00:01.000Z\",\"value\":-0.25,\"unit\":\"mg/L as \\\"CaCO3\\\"\",\"quality\":\"maintenance\"}" },
		{ { 1000, "sonde", "ph", "[pH]", NAN, true, LW_Q_BAD },
		  "{\"time\":\"1970-01-01T00:00:01.000Z\",\"value\":null,\"unit\":\"[pH]\",\"quality\":\"bad\"}" },
	};
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		sb_reset(&sb);
		CHECK_EQ_INT(0, mqttmsg_reading_payload(&sb, &c->r), "payload %zu", i);
		CHECK_EQ_STR(c->want, sb.data, "payload %zu", i);
	}
	struct lw_reading r = reading("sonde", "ph", "bad\xff", 1, true, LW_Q_GOOD);
	sb_reset(&sb);
	sb_appends(&sb, "x");
	CHECK_EQ_INT(-EILSEQ, mqttmsg_reading_payload(&sb, &r), "a unit that is not UTF-8");
	CHECK_EQ_STR("x", sb.data, "leaves the buffer as it was");
	r.quality = (enum lw_quality)9;
	CHECK_EQ_INT(-EINVAL, mqttmsg_reading_payload(&sb, &r), "an unknown quality");
	sb_free(&sb);
}

int
main(void)
{
	test_topics();
	test_payloads();
	return tap_done();
}
