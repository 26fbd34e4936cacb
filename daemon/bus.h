/* SPDX-License-Identifier: MIT */
/*
 * A bus thread: one per configured bus, owning that bus's libmodbus context.
 * It polls the bus's enabled devices on their schedules, backs off a device
 * that does not answer (logging "not answering" once and "answering again"
 * once), and pushes every reading, missing ones included, to the queue.
 */
#ifndef LW_BUS_H
#define LW_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "maint.h"
#include "queue.h"

struct bus;

/*
 * Start the thread for conf->buses[index].  conf, q and maint (run-time
 * maintenance, may be NULL) are borrowed and must outlive the bus (bus_stop
 * first).  0 and *ret, or -errno.
 */
int	 bus_start(const struct conf *conf, size_t index, struct queue *q, struct maint *maint,
	     struct bus **ret);

/* Ask the thread to stop, wait for it (at most its current transaction), free it. */
void	 bus_stop(struct bus *);

/* Monotonic ms of the thread's last sign of life (for the watchdog). */
int64_t	 bus_heartbeat(const struct bus *);

#endif
