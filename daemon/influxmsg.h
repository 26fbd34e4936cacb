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
#include "strbuf.h"

/* Append the reading's line; on error nothing is appended and *why says what. */
int	 influxmsg_reading(struct strbuf *, const char *station, const struct lw_reading *,
	     const char **why);

#endif
