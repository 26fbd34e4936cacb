/* SPDX-License-Identifier: MIT */
/*
 * The running daemon's view of itself, for `lakewatch status` (JSON over the
 * control socket) and the systemd STATUS line: per bus and device the last
 * poll, the last good reading, failures in a row, transactions per poll and
 * poll latency; the store; per forwarder whether it is connected, how far
 * behind its cursor is (readings and seconds) and what it dropped; the
 * active alerts.  Read from the threads' own figures and a read-only store
 * connection of its own; called from the main thread (which owns the set of
 * buses) with the daemon running.
 */
#ifndef LW_STATUS_H
#define LW_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "busset.h"
#include "conf.h"
#include "core.h"
#include "influxfwd.h"
#include "mqttfwd.h"
#include "selfmetrics.h"
#include "strbuf.h"

struct status_view {
	const struct conf	*conf;		/* the running configuration */
	struct busset		*buses;
	struct core		*core;
	struct mqttfwd		*mqtt;		/* NULL when not running */
	struct influxfwd	*influx;	/* NULL when not running */
	int64_t			 started_ms;	/* wall clock */
};

/* The view as one JSON object, appended to out; 0 or -errno. */
int	 status_json(const struct status_view *, struct strbuf *out);

/* The daemon's figures now, for its self-metrics and the summary below. */
void	 status_figures(const struct status_view *, struct selfmetrics *out);

/* The one-line summary for systemd: "5/6 devices up, backlog 0, 1 active alert". */
void	 status_line(const struct selfmetrics *, char *buf, size_t len);

#endif
