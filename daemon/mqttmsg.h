/* SPDX-License-Identifier: MIT */
/*
 * What the station publishes over MQTT (SPEC "MQTT"), as topics and
 * payloads; the MQTT forwarder sends them.  Pure.
 *
 *   ROOT/STATION/DEVICE/POINT   {"time":"2026-11-23T23:45:16.123Z","value":8.41,
 *                                "unit":"[pH]","quality":"good"}   retained
 *   ROOT/STATION/status         online | offline                  retained, the will
 *
 * A reading without a value has "value":null, never 0.
 */
#ifndef LW_MQTTMSG_H
#define LW_MQTTMSG_H

#include <stddef.h>

#include "reading.h"
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

#endif
