/* SPDX-License-Identifier: MIT */
/* Unit tests for the MQTT topics and payloads (SPEC "MQTT"). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mqttmsg.h"
#include "store.h"
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

static void
test_alerts(void)
{
	struct store_alert_event e;
	struct store_alert a[2];
	char t[MQTTMSG_TOPIC_MAX];
	struct strbuf sb;

	CHECK_EQ_INT(0, mqttmsg_events_topic(t, sizeof(t), "lw", "pp-06"), "events topic");
	CHECK_EQ_STR("lw/pp-06/events", t, "ROOT/STATION/events");
	CHECK_EQ_INT(0, mqttmsg_alert_topic(t, sizeof(t), "lw", "pp-06", "sonde", "ph"), "alert topic");
	CHECK_EQ_STR("lw/pp-06/alerts/sonde/ph", t, "ROOT/STATION/alerts/DEVICE/POINT");
	CHECK_EQ_INT(0, mqttmsg_alert_topic(t, sizeof(t), "lw", "pp-06", "sonde", ""), "a device's");
	CHECK_EQ_STR("lw/pp-06/alerts/sonde", t, "ROOT/STATION/alerts/DEVICE");
	CHECK_EQ_INT(-EINVAL, mqttmsg_alert_topic(t, sizeof(t), "lw", "pp-06", "so#", "ph"),
	    "a wildcard in the device");

	memset(&e, 0, sizeof(e));
	e.time_ms = 1763941516123;
	snprintf(e.station, sizeof(e.station), "pp-06");
	snprintf(e.id, sizeof(e.id), "sonde.ph/value");
	snprintf(e.device, sizeof(e.device), "sonde");
	snprintf(e.point, sizeof(e.point), "ph");
	e.kind = ALERT_VALUE;
	e.from = ALERT_OK;
	e.to = ALERT_WARNING;
	e.transition = ALERT_RAISED;
	e.has_value = true;
	e.value = 9.31;
	e.has_limit = true;
	e.limit = 9;
	snprintf(e.message, sizeof(e.message), "sonde.ph 9.31 [pH] above the warning limit 9 [pH]");
	sb_init(&sb);
	CHECK_EQ_INT(0, mqttmsg_event_payload(&sb, &e), "event payload");
	CHECK_EQ_STR("{\"time\":\"2025-11-23T23:45:16.123Z\",\"station\":\"pp-06\","
	    "\"alert\":\"sonde.ph/value\",\"device\":\"sonde\",\"point\":\"ph\",\"kind\":\"value\","
	    "\"transition\":\"raised\",\"severity\":\"warning\",\"previous\":\"ok\",\"value\":9.31,"
	    "\"limit\":9,\"message\":\"sonde.ph 9.31 [pH] above the warning limit 9 [pH]\"}",
	    sb.data, "a raise");
	e.transition = ALERT_ACKNOWLEDGED;
	e.from = ALERT_WARNING;
	e.point[0] = '\0';
	e.kind = ALERT_COMM;
	e.has_limit = false;
	snprintf(e.by, sizeof(e.by), "maria");
	snprintf(e.note, sizeof(e.note), "on \"my\" way");
	sb_reset(&sb);
	CHECK_EQ_INT(0, mqttmsg_event_payload(&sb, &e), "ack payload");
	CHECK(strstr(sb.data, "\"point\":null,\"kind\":\"comm\",\"transition\":\"acknowledged\","
	    "\"severity\":\"warning\",\"previous\":\"warning\"") != NULL &&
	    strstr(sb.data, "\"limit\":null") != NULL &&
	    strstr(sb.data, "\"by\":\"maria\",\"note\":\"on \\\"my\\\" way\"}") != NULL,
	    "an acknowledgement says who and why, a device's has no point: %s", sb.data);

	memset(a, 0, sizeof(a));
	snprintf(a[0].id, sizeof(a[0].id), "sonde.ph/value");
	a[0].kind = ALERT_VALUE;
	a[0].severity = ALERT_WARNING;
	a[0].since_ms = 1763941516123;
	a[0].has_value = true;
	a[0].value = 9.31;
	a[0].has_limit = true;
	a[0].limit = 9;
	snprintf(a[0].message, sizeof(a[0].message), "high");
	a[0].acked = true;
	snprintf(a[0].acked_by, sizeof(a[0].acked_by), "maria");
	a[0].acked_ms = 1763941576123;
	snprintf(a[1].id, sizeof(a[1].id), "sonde.ph/rate");
	a[1].kind = ALERT_RATE;
	a[1].severity = ALERT_CRITICAL;
	a[1].since_ms = 0;
	sb_reset(&sb);
	CHECK_EQ_INT(0, mqttmsg_alert_payload(&sb, "sonde", "ph", a, 2), "alert state payload");
	CHECK_EQ_STR("{\"device\":\"sonde\",\"point\":\"ph\",\"severity\":\"critical\",\"alerts\":["
	    "{\"alert\":\"sonde.ph/value\",\"kind\":\"value\",\"severity\":\"warning\","
	    "\"since\":\"2025-11-23T23:45:16.123Z\",\"value\":9.31,\"limit\":9,\"message\":\"high\","
	    "\"acknowledged\":true,\"acknowledged_by\":\"maria\","
	    "\"acknowledged_at\":\"2025-11-23T23:46:16.123Z\",\"note\":\"\"},"
	    "{\"alert\":\"sonde.ph/rate\",\"kind\":\"rate\",\"severity\":\"critical\","
	    "\"since\":\"1970-01-01T00:00:00.000Z\",\"value\":null,\"limit\":null,\"message\":\"\","
	    "\"acknowledged\":false,\"acknowledged_by\":null,\"acknowledged_at\":null,\"note\":null}]}",
	    sb.data, "the point's alerts, the worst severity first");
	sb_reset(&sb);
	CHECK_EQ_INT(0, mqttmsg_alert_payload(&sb, "sonde", "ph", a, 0), "no alerts");
	CHECK_EQ_STR("{\"device\":\"sonde\",\"point\":\"ph\",\"severity\":\"ok\",\"alerts\":[]}",
	    sb.data, "is ok with an empty list");
	a[0].severity = (enum alert_severity)9;
	sb_reset(&sb);
	CHECK_EQ_INT(-EINVAL, mqttmsg_alert_payload(&sb, "sonde", "ph", a, 1), "a bad severity");
	CHECK_EQ_INT(0, (int)sb.len, "writes nothing");
	sb_free(&sb);
}

int
main(void)
{
	test_topics();
	test_payloads();
	test_alerts();
	return tap_done();
}
