/* SPDX-License-Identifier: MIT */
/*
 * What the station publishes over MQTT (SPEC "MQTT"), as topics and
 * payloads; the MQTT forwarder sends them.  Pure.
 *
 *   ROOT/STATION/DEVICE/POINT   {"time":"2026-11-23T23:45:16.123Z","value":8.41,
 *                                "unit":"[pH]","quality":"good"}   retained
 *   ROOT/STATION/status         online | offline                  retained, the will
 *   ROOT/STATION/events         every alert transition (JSON)     not retained
 *   ROOT/STATION/alerts/DEVICE/POINT   the state of the point's alerts   retained
 *   ROOT/STATION/alerts/DEVICE         the state of the device's comm alert, retained
 *
 * A reading without a value has "value":null, never 0.  Alert payloads are
 * self-describing: severity, kind, value, limit, times, message, and who
 * acknowledged.
 */
#ifndef LW_MQTTMSG_H
#define LW_MQTTMSG_H

#include <stddef.h>

#include "reading.h"
#include "store.h"
#include "strbuf.h"

#define MQTTMSG_TOPIC_MAX	512

/*
 * ROOT/STATION/DEVICE/POINT into buf.  -EINVAL when a level is empty or holds
 * '/', '+', '#' (a name the configuration would have refused), -ENAMETOOLONG.
 */
int	 mqttmsg_reading_topic(char *buf, size_t len, const char *root, const char *station,
	     const struct lw_reading *);

/* ROOT/STATION/status. */
int	 mqttmsg_status_topic(char *buf, size_t len, const char *root, const char *station);

/* The reading's JSON payload, appended to out; -EILSEQ for a unit that is not UTF-8. */
int	 mqttmsg_reading_payload(struct strbuf *out, const struct lw_reading *);

/* ROOT/STATION/cmd/WHAT: what the station accepts ("ack"), and where it answers ("result"). */
int	 mqttmsg_cmd_topic(char *buf, size_t len, const char *root, const char *station,
	     const char *what);

/* ROOT/STATION/events. */
int	 mqttmsg_events_topic(char *buf, size_t len, const char *root, const char *station);

/*
 * An alert event: {"time","station","alert","device","point" (null for a
 * device's),"kind","transition","severity","previous","value","limit",
 * "message"} and, for an acknowledgement, "by" and "note".
 */
int	 mqttmsg_event_payload(struct strbuf *out, const struct store_alert_event *);

/* ROOT/STATION/alerts/DEVICE/POINT, or ROOT/STATION/alerts/DEVICE when point is "". */
int	 mqttmsg_alert_topic(char *buf, size_t len, const char *root, const char *station,
	     const char *device, const char *point);

/*
 * The state of a point's (or a device's) alerts: {"device","point","severity"
 * (the worst of them),"alerts":[{"alert","kind","severity","since","value",
 * "limit","message","acknowledged","acknowledged_by","acknowledged_at",
 * "note"},...]}.
 */
int	 mqttmsg_alert_payload(struct strbuf *out, const char *device, const char *point,
	     const struct store_alert *alerts, size_t n);

#endif
