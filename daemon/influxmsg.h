/* SPDX-License-Identifier: MIT */
/*
 * The station's InfluxDB schema (SPEC "InfluxDB") as line protocol:
 *
 *   ph,device=sonde,station=pp-06,unit=[pH] quality="good",value=8.41 1764547516123
 *
 * measurement = point name; tags station, device and unit (omitted when the
 * unit is empty: InfluxDB has no empty tag values); fields value (float,
 * absent when there is none) and quality (string); the reading's own time in
 * milliseconds (the forwarder writes with precision=ms).  Pure.
 */
#ifndef LW_INFLUXMSG_H
#define LW_INFLUXMSG_H

#include "reading.h"
#include "store.h"
#include "strbuf.h"

/* Append the reading's line; on error nothing is appended and *why says what. */
int	 influxmsg_reading(struct strbuf *, const char *station, const struct lw_reading *,
	     const char **why);

/*
 * An alert transition, measurement `alert`:
 *
 *   alert,device=sonde,point=ph,severity=warning,station=pp-06 alert="sonde.ph/value",
 *     kind="value",limit=9,message="...",previous="ok",transition="raised",value=9.31 T
 *
 * tags station, device, point (absent for a device's alert) and severity (the
 * new one); fields alert, kind, transition, previous, value and limit (absent
 * when none), message, and for an acknowledgement by and note.
 */
int	 influxmsg_alert(struct strbuf *, const struct store_alert_event *, const char **why);

#endif
