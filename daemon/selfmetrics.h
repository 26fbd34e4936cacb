/* SPDX-License-Identifier: MIT */
/*
 * The daemon's own figures as station data: readings of the reserved device
 * `lakewatchd`, stored and forwarded like any sensor's, so a station's health
 * is in the same store, MQTT topics and InfluxDB database as its lake data
 * (lakewatch/pp-06/lakewatchd/poll_failures, measurement poll_failures with
 * device=lakewatchd).  Counters are what happened in the interval since the
 * previous readings; levels (backlog, store size, alerts) are as they are.
 * Pure.
 */
#ifndef LW_SELFMETRICS_H
#define LW_SELFMETRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reading.h"

#define SELFMETRICS_DEVICE	"lakewatchd"	/* no configured device may be called so */
#define SELFMETRICS_MAX		32		/* readings at most per interval */

/* What the daemon has counted since it started, and how things stand. */
struct selfmetrics {
	/* the bus threads, all devices together */
	uint64_t	 polls, failed_polls;
	uint64_t	 timeouts, exceptions, frame_errors, link_errors;
	uint64_t	 transactions, bytes;
	uint64_t	 poll_ms;		/* the polls' latencies added up */
	size_t		 devices_up, devices;
	/* the core thread */
	uint64_t	 committed, commits, failed_commits, commit_ms;
	uint64_t	 dropped, pruned_unforwarded, alert_events;
	size_t		 alerts_active;
	int64_t		 store_bytes;
	/* the forwarders (backlog: readings after the cursor) */
	bool		 mqtt, influx;
	uint64_t	 mqtt_acked, influx_acked;
	int64_t		 mqtt_backlog, influx_backlog;
	int64_t		 uptime_s;
};

/*
 * The readings for now (time_ms), counters taken since prev (NULL: since
 * the start), into out (room for SELFMETRICS_MAX).  How many.
 */
size_t	 selfmetrics_readings(const struct selfmetrics *now, const struct selfmetrics *prev,
	     int64_t time_ms, struct lw_reading *out);

#endif
