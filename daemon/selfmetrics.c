/* SPDX-License-Identifier: MIT */
/* The daemon's own figures as readings (see selfmetrics.h). */
#include <stdio.h>
#include <string.h>

#include "selfmetrics.h"

/* A counter's growth since prev; a counter that went back (a restart of it) counts from 0. */
static double
since(uint64_t now, uint64_t prev)
{
	return (double)(now >= prev ? now - prev : now);
}

static void
put(struct lw_reading *out, size_t *n, int64_t time_ms, const char *point, const char *unit,
    double v)
{
	struct lw_reading *r = &out[(*n)++];

	memset(r, 0, sizeof(*r));
	r->time_ms = time_ms;
	snprintf(r->device, sizeof(r->device), "%s", SELFMETRICS_DEVICE);
	snprintf(r->point, sizeof(r->point), "%s", point);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	r->value = v;
	r->has_value = true;
	r->quality = LW_Q_GOOD;
}

size_t
selfmetrics_readings(const struct selfmetrics *m, const struct selfmetrics *prev,
    int64_t time_ms, struct lw_reading *out)
{
	static const struct selfmetrics zero;
	const struct selfmetrics *p = prev != NULL ? prev : &zero;
	double polls = since(m->polls, p->polls);
	double commits = since(m->commits, p->commits);
	size_t n = 0;

	put(out, &n, time_ms, "polls", "1", polls);
	put(out, &n, time_ms, "poll_failures", "1", since(m->failed_polls, p->failed_polls));
	put(out, &n, time_ms, "timeouts", "1", since(m->timeouts, p->timeouts));
	put(out, &n, time_ms, "exceptions", "1", since(m->exceptions, p->exceptions));
	put(out, &n, time_ms, "frame_errors", "1", since(m->frame_errors, p->frame_errors));
	put(out, &n, time_ms, "link_errors", "1", since(m->link_errors, p->link_errors));
	put(out, &n, time_ms, "transactions", "1", since(m->transactions, p->transactions));
	put(out, &n, time_ms, "bytes", "By", since(m->bytes, p->bytes));
	/* Means over the interval; none without polls or commits. */
	if (polls > 0)
		put(out, &n, time_ms, "poll_latency", "ms",
		    since(m->poll_ms, p->poll_ms) / polls);
	put(out, &n, time_ms, "devices_up", "1", (double)m->devices_up);
	put(out, &n, time_ms, "devices", "1", (double)m->devices);
	put(out, &n, time_ms, "readings_committed", "1", since(m->committed, p->committed));
	put(out, &n, time_ms, "commits", "1", commits);
	put(out, &n, time_ms, "failed_commits", "1", since(m->failed_commits, p->failed_commits));
	if (commits > 0)
		put(out, &n, time_ms, "commit_latency", "ms",
		    since(m->commit_ms, p->commit_ms) / commits);
	put(out, &n, time_ms, "dropped", "1", since(m->dropped, p->dropped));
	put(out, &n, time_ms, "pruned_unforwarded", "1",
	    since(m->pruned_unforwarded, p->pruned_unforwarded));
	put(out, &n, time_ms, "alert_events", "1", since(m->alert_events, p->alert_events));
	put(out, &n, time_ms, "alerts_active", "1", (double)m->alerts_active);
	put(out, &n, time_ms, "store_size", "By", (double)m->store_bytes);
	if (m->mqtt) {
		put(out, &n, time_ms, "mqtt_backlog", "1", (double)m->mqtt_backlog);
		put(out, &n, time_ms, "mqtt_acked", "1", since(m->mqtt_acked, p->mqtt_acked));
	}
	if (m->influx) {
		put(out, &n, time_ms, "influxdb_backlog", "1", (double)m->influx_backlog);
		put(out, &n, time_ms, "influxdb_acked", "1", since(m->influx_acked, p->influx_acked));
	}
	put(out, &n, time_ms, "uptime", "s", (double)m->uptime_s);
	return n;
}
