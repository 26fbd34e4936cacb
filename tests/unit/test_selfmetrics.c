/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for selfmetrics and status_line: counters become what happened
 * since the previous readings (from the start without them, from 0 after a
 * counter went back, as when a reload restarts a bus), levels stay as they
 * are, means only where there is something to average, the forwarders'
 * figures only for the forwarders that run; every reading is of the device
 * lakewatchd, good, at the given time, with a unit; the one-line summary.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "selfmetrics.h"
#include "status.h"
#include "tap.h"

/* The reading of point in r[0..n), or NULL. */
static const struct lw_reading *
find(const struct lw_reading *r, size_t n, const char *point)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].point, point) == 0)
			return &r[i];
	return NULL;
}

static double
value(const struct lw_reading *r, size_t n, const char *point)
{
	const struct lw_reading *x = find(r, n, point);

	return x != NULL && x->has_value ? x->value : NAN;
}

static void
test_first(void)
{
	struct selfmetrics m = {
		.polls = 120, .failed_polls = 7, .timeouts = 4, .exceptions = 1, .frame_errors = 1,
		.link_errors = 1, .transactions = 240, .bytes = 9600, .poll_ms = 6000,
		.devices_up = 2, .devices = 3, .committed = 900, .commits = 30, .commit_ms = 90,
		.dropped = 0, .pruned_unforwarded = 0, .alert_events = 2, .alerts_active = 1,
		.store_bytes = 1 << 20, .uptime_s = 60,
	};
	struct lw_reading r[SELFMETRICS_MAX];
	size_t n = selfmetrics_readings(&m, NULL, 1796000000000, r);

	CHECK(n > 0 && n <= SELFMETRICS_MAX, "some readings, within the limit (%zu)", n);
	for (size_t i = 0; i < n; i++) {
		CHECK_EQ_STR(SELFMETRICS_DEVICE, r[i].device, "%s: of the device lakewatchd", r[i].point);
		CHECK(r[i].time_ms == 1796000000000 && r[i].has_value && r[i].quality == LW_Q_GOOD &&
		    r[i].unit[0] != '\0', "%s: good, with a value, a unit and the time", r[i].point);
	}
	CHECK_EQ_DBL(120, value(r, n, "polls"), 0, "without previous figures, counted from the start");
	CHECK_EQ_DBL(7, value(r, n, "poll_failures"), 0, "poll failures");
	CHECK_EQ_DBL(4, value(r, n, "timeouts"), 0, "timeouts");
	CHECK_EQ_DBL(1, value(r, n, "exceptions"), 0, "exceptions");
	CHECK_EQ_DBL(1, value(r, n, "frame_errors"), 0, "frame errors");
	CHECK_EQ_DBL(1, value(r, n, "link_errors"), 0, "link errors");
	CHECK_EQ_DBL(240, value(r, n, "transactions"), 0, "transactions");
	CHECK_EQ_DBL(9600, value(r, n, "bytes"), 0, "bytes");
	CHECK_EQ_STR("By", find(r, n, "bytes")->unit, "bytes in By");
	CHECK_EQ_DBL(50, value(r, n, "poll_latency"), 1e-9, "poll latency: the mean, 6000 ms / 120");
	CHECK_EQ_STR("ms", find(r, n, "poll_latency")->unit, "in ms");
	CHECK_EQ_DBL(3, value(r, n, "commit_latency"), 1e-9, "commit latency: 90 ms / 30");
	CHECK_EQ_DBL(900, value(r, n, "readings_committed"), 0, "readings committed");
	CHECK_EQ_DBL(2, value(r, n, "devices_up"), 0, "devices up");
	CHECK_EQ_DBL(3, value(r, n, "devices"), 0, "devices");
	CHECK_EQ_DBL(1, value(r, n, "alerts_active"), 0, "active alerts");
	CHECK_EQ_DBL(1 << 20, value(r, n, "store_size"), 0, "the store's size");
	CHECK_EQ_DBL(60, value(r, n, "uptime"), 0, "uptime");
	CHECK_EQ_STR("s", find(r, n, "uptime")->unit, "in s");
	CHECK(find(r, n, "mqtt_backlog") == NULL && find(r, n, "influxdb_backlog") == NULL &&
	    find(r, n, "mqtt_acked") == NULL, "no forwarder figures without forwarders");
}

static void
test_since(void)
{
	struct selfmetrics prev = { .polls = 100, .failed_polls = 5, .poll_ms = 5000,
		.commits = 10, .commit_ms = 50, .mqtt = true, .mqtt_acked = 1000,
		.influx = true, .influx_acked = 400, .devices = 3, .devices_up = 3 };
	struct selfmetrics now = prev;
	struct lw_reading r[SELFMETRICS_MAX];
	size_t n;

	now.polls = 160;
	now.failed_polls = 5;
	now.poll_ms = 5000 + 60 * 20;
	now.mqtt_acked = 1500;
	now.mqtt_backlog = 3;
	now.influx_acked = 400;
	now.influx_backlog = 1200;
	now.devices_up = 2;
	n = selfmetrics_readings(&now, &prev, 1, r);
	CHECK_EQ_DBL(60, value(r, n, "polls"), 0, "counters: what happened since the previous");
	CHECK_EQ_DBL(0, value(r, n, "poll_failures"), 0, "none failed meanwhile");
	CHECK_EQ_DBL(20, value(r, n, "poll_latency"), 1e-9, "the mean of the interval's polls");
	CHECK(find(r, n, "commit_latency") == NULL, "no commit latency without commits meanwhile");
	CHECK_EQ_DBL(0, value(r, n, "commits"), 0, "and commits 0");
	CHECK_EQ_DBL(500, value(r, n, "mqtt_acked"), 0, "MQTT throughput in the interval");
	CHECK_EQ_DBL(3, value(r, n, "mqtt_backlog"), 0, "MQTT backlog as it stands");
	CHECK_EQ_DBL(0, value(r, n, "influxdb_acked"), 0, "InfluxDB sent nothing meanwhile");
	CHECK_EQ_DBL(1200, value(r, n, "influxdb_backlog"), 0, "while its backlog grew");
	CHECK_EQ_DBL(2, value(r, n, "devices_up"), 0, "levels as they are");

	/* A bus restarted by a reload: its counters began again, below the previous sum. */
	now = prev;
	now.polls = 30;
	now.poll_ms = 300;
	n = selfmetrics_readings(&now, &prev, 1, r);
	CHECK_EQ_DBL(30, value(r, n, "polls"), 0, "a counter that went back counts from 0");
	CHECK_EQ_DBL(10, value(r, n, "poll_latency"), 1e-9, "and its latency too, never negative");

	now = prev;
	n = selfmetrics_readings(&now, &prev, 1, r);
	CHECK(find(r, n, "poll_latency") == NULL, "no poll latency without polls");
	CHECK_EQ_DBL(0, value(r, n, "polls"), 0, "and polls 0, not left out");
}

static void
test_line(void)
{
	struct selfmetrics m = { .devices_up = 5, .devices = 6, .alerts_active = 1,
		.mqtt = true, .mqtt_backlog = 12, .influx = true, .influx_backlog = 340 };
	char buf[128];

	status_line(&m, buf, sizeof(buf));
	CHECK_EQ_STR("5/6 devices up, backlog 340, 1 active alert", buf,
	    "the summary: the larger backlog, one alert");
	m.alerts_active = 0;
	m.influx_backlog = 0;
	status_line(&m, buf, sizeof(buf));
	CHECK_EQ_STR("5/6 devices up, backlog 12, 0 active alerts", buf, "plural");
	status_line(&m, buf, 10);
	CHECK_EQ_STR("5/6 devic", buf, "cut to the buffer");
}

int
main(void)
{
	test_first();
	test_since();
	test_line();
	return tap_done();
}
