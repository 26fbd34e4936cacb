/* SPDX-License-Identifier: MIT */
/*
 * A bus thread: one per configured bus, owning that bus's libmodbus context.
 * It polls the bus's enabled devices on their schedules, backs off a device
 * that does not answer (logging "not answering" once and "answering again"
 * once), and pushes every reading, missing ones included, to the queue.
 */
#ifndef LW_BUS_H
#define LW_BUS_H

#include <stdbool.h>
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

/* What a bus thread knows of one of its devices, for `lakewatch status`. */
struct bus_device_status {
	char		 device[LW_NAME_MAX];
	unsigned	 unit;
	int64_t		 interval_ms;
	bool		 maintenance;		/* at the last poll */
	int64_t		 last_poll_ms;		/* wall clock, 0: not yet */
	int64_t		 last_good_ms;		/* the last poll with every block read */
	unsigned	 failures;		/* polls failed in a row */
	unsigned	 transactions;		/* of the last poll */
	int64_t		 latency_ms;		/* of the last poll */
	uint64_t	 polls;
	uint64_t	 failed_polls;
	uint64_t	 timeouts, exceptions, frame_errors, link_errors;	/* failed transactions */
	uint64_t	 transactions_total;
	uint64_t	 bytes;
	int64_t		 latency_total_ms;	/* of every poll, for a mean */
	char		 last_error[128];	/* of the last failed poll */
};

/* The bus's name, and whether its line or connection is open now. */
const char	*bus_name(const struct bus *);
bool		 bus_is_open(struct bus *);

/* Its devices' figures into out (at most max); how many it has. */
size_t		 bus_status(struct bus *, struct bus_device_status *out, size_t max);

/*
 * Readings taken while the system clock reads earlier than this lakewatch's
 * source (LW_SOURCE_EPOCH: the clock is obviously unset, as after a power cut
 * on a board without a battery-backed clock) are stored as suspect, never
 * silently with 1970 times.  Pure.
 */
bool		 bus_clock_unset(int64_t now_ms);

#endif
