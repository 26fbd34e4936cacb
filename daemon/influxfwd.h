/* SPDX-License-Identifier: MIT */
/*
 * The InfluxDB forwarder: one thread that writes the journal's readings to
 * InfluxDB over HTTP (1.x /write or 2.x /api/v2/write), in batches of line
 * protocol with the readings' own timestamps (SPEC "InfluxDB").
 *
 * No loss by construction: it reads the store after its own cursor and
 * advances the persisted cursor only when the server has answered 2xx (or
 * has refused lines for good: see influxpolicy.h).  Wrong credentials or a
 * missing database keep the data and back off; so do 5xx answers, timeouts
 * and connection failures, with exponential backoff and jitter.  A batch
 * the server finds too large is split.  While the server is down the
 * readings wait in the store; afterwards the backlog goes out in full
 * batches, oldest first.  Retries are idempotent on InfluxDB, since a point
 * is identified by its measurement, tags and time.
 */
#ifndef LW_INFLUXFWD_H
#define LW_INFLUXFWD_H

#include <stdint.h>

#include "conf.h"
#include "fwdstats.h"
#include "wake.h"

#define INFLUXFWD_CURSOR	"influxdb"		/* its cursors in the store: readings, */
#define INFLUXFWD_EVENTS_CURSOR	"influxdb.events"	/* alert events (measurement alert) */

struct influxfwd;

/*
 * Start the forwarder for conf->influx (which must be enabled).  What it
 * needs of conf is copied; journal is borrowed and must outlive it.
 * 0 and *ret, or -errno.
 */
int	 influxfwd_start(const struct conf *, struct wake *journal, struct influxfwd **ret);

/* Stop (a request in progress is abandoned; its batch stays in the store), join, free. */
void	 influxfwd_stop(struct influxfwd *);

void	 influxfwd_get_stats(struct influxfwd *, struct fwd_stats *);
int64_t	 influxfwd_heartbeat(struct influxfwd *);

#endif
