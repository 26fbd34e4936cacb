/* SPDX-License-Identifier: MIT */
/*
 * The MQTT forwarder: one thread that publishes the journal's readings to the
 * broker (SPEC "MQTT") and keeps the station's status topic.
 *
 * No loss by construction: it reads the store after its own cursors (one for
 * readings, one for alert events), hands at most max_inflight messages to
 * libmosquitto, and advances a persisted cursor only over what the broker
 * acknowledged (PUBACK for QoS 1; PUBCOMP for QoS 2).  Alert events go
 * first, ahead of any backlog of readings, at QoS 1 at least.  Through an outage the readings wait in the store, not in memory;
 * afterwards the backlog goes out in order at full speed.  Delivery is at
 * least once: after a crash up to a second of acknowledgements may not have
 * reached the cursor, and those readings are sent again.
 *
 * The thread runs libmosquitto's network loop itself, around poll(2) on the
 * broker's socket and the journal's wake-up, so it sleeps while nothing
 * happens and no library thread can die unnoticed.
 */
#ifndef LW_MQTTFWD_H
#define LW_MQTTFWD_H

#include <stdint.h>

#include "conf.h"
#include "fwdstats.h"
#include "wake.h"

#define MQTTFWD_CURSOR		"mqtt"		/* its cursors' names in the store: readings, */
#define MQTTFWD_EVENTS_CURSOR	"mqtt.events"	/* and alert events */

struct mqttfwd;

/*
 * What the station accepts over MQTT (SPEC "MQTT": ROOT/STATION/cmd/...):
 * on ROOT/STATION/cmd/ack, {"alert":"sonde.ph/value","by":"maria","note":"..."}
 * acknowledges (alert as for `lakewatch ack`; by required, as the broker
 * does not say who sent it; note optional).  Retained commands and malformed
 * ones are ignored and logged.  The outcome is published, not retained, on
 * ROOT/STATION/cmd/result: {"cmd":"ack","alert":...,"ok":true|false,
 * "message":...}.  Restrict who may publish on ROOT/STATION/cmd/# with the
 * broker's ACLs (README).
 */
struct mqttfwd_cmds {
	void	*arg;
	/* As core_ack: >= 0 done, -errno refused; a sentence in reply either way. */
	int	(*ack)(void *arg, const char *target, const char *by, const char *note,
		    char *reply, size_t len);
};

/*
 * Start the forwarder for conf->mqtt (which must be enabled).  What it needs
 * of conf is copied; journal is signalled after each commit and is borrowed
 * (it must outlive the forwarder), and so is cmds (may be NULL: no commands).
 * mosquitto_lib_init() must have been called.  0 and *ret, or -errno.
 */
int	 mqttfwd_start(const struct conf *, struct wake *journal, const struct mqttfwd_cmds *cmds,
	     struct mqttfwd **ret);

/*
 * Stop: wait a little for outstanding acknowledgements, persist the cursor,
 * publish `offline`, disconnect cleanly, join the thread and free it.
 */
void	 mqttfwd_stop(struct mqttfwd *);

void	 mqttfwd_get_stats(struct mqttfwd *, struct fwd_stats *);

/* Monotonic ms of the thread's last sign of life. */
int64_t	 mqttfwd_heartbeat(struct mqttfwd *);

#endif
