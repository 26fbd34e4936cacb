/* SPDX-License-Identifier: MIT */
/*
 * The MQTT forwarder: one thread that publishes the journal's readings to the
 * broker (SPEC "MQTT") and keeps the station's status topic.
 *
 * No loss by construction: it reads the store after its own cursor, hands at
 * most max_inflight messages to libmosquitto, and advances the persisted
 * cursor only over readings whose PUBACK (QoS 1; PUBCOMP for QoS 2) came
 * back.  Through an outage the readings wait in the store, not in memory;
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

#define MQTTFWD_CURSOR	"mqtt"	/* its cursor's name in the store */

struct mqttfwd;

/*
 * Start the forwarder for conf->mqtt (which must be enabled).  What it needs
 * of conf is copied; journal is signalled after each commit and is borrowed
 * (it must outlive the forwarder).  mosquitto_lib_init() must have been
 * called.  0 and *ret, or -errno.
 */
int	 mqttfwd_start(const struct conf *, struct wake *journal, struct mqttfwd **ret);

/*
 * Stop: wait a little for outstanding acknowledgements, persist the cursor,
 * publish `offline`, disconnect cleanly, join the thread and free it.
 */
void	 mqttfwd_stop(struct mqttfwd *);

void	 mqttfwd_get_stats(struct mqttfwd *, struct fwd_stats *);

/* Monotonic ms of the thread's last sign of life. */
int64_t	 mqttfwd_heartbeat(struct mqttfwd *);

#endif
