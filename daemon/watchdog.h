/* SPDX-License-Identifier: MIT */
/*
 * Whether the daemon is well enough to tell systemd WATCHDOG=1: every thread
 * (each bus, the core, each forwarder) keeps a heartbeat, the monotonic time
 * of its last sign of life, and has its own limit, the longest a healthy
 * thread of its kind can go without one.  A thread past its limit is stale,
 * and one stale thread is enough to withhold WATCHDOG=1, so that systemd
 * restarts a daemon with a wedged thread even though its main thread runs.
 *
 * Also the limit of a bus thread, from its configuration: how long one poll
 * of its slowest device can take at worst (see poll.c) plus a margin.
 *
 * Pure: no clock, no I/O, no logging; times are monotonic milliseconds.
 */
#ifndef LW_WATCHDOG_H
#define LW_WATCHDOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/* Added to every computed bus limit: scheduling delays, DNS, a slow log write. */
#define WATCHDOG_MARGIN_MS	10000

/* One watched thread. */
struct watchdog_thread {
	const char	*name;		/* for the log: "bus 'rtu0'", "core" (borrowed) */
	int64_t		 heartbeat_ms;	/* its last sign of life */
	int64_t		 limit_ms;	/* stale when older than this (> 0) */
};

struct watchdog_verdict {
	bool		 healthy;	/* no thread stale: send WATCHDOG=1 */
	size_t		 nstale;	/* how many are */
	/* The first stale thread in the list (NULL, 0 and 0 when healthy). */
	const char	*stale_name;
	size_t		 stale_index;
	int64_t		 stale_ms;	/* how long since its heartbeat */
	int64_t		 stale_limit_ms;	/* and its limit */
};

/*
 * Judge n threads at now: a thread is stale when now - heartbeat_ms >
 * limit_ms (a heartbeat later than now is fresh).  No threads is healthy.
 * Fills *ret and returns ret->healthy.
 */
bool	 watchdog_check(const struct watchdog_thread *threads, size_t n, int64_t now_ms,
	     struct watchdog_verdict *ret);

/*
 * The read transactions one poll of dev makes: its plan, as poll.c makes it
 * (every point's value and every status check, within the device's largest
 * read, gap fill and alignment); when no plan can be made (the poll then
 * sends nothing), one per register span, at most PLAN_MAX_BLOCKS.
 */
size_t	 watchdog_device_blocks(const struct conf_device *dev);

/*
 * The longest one poll of dev on its bus can take (conf->buses[dev->bus]),
 * at worst but with a healthy thread: opening the bus (a TCP connect per
 * address, bounded by the bus timeout; twice, as the bus and then the poll
 * may each connect), and for every block the turnaround pause, the response
 * timeout, the frame's time on the wire at the line's speed (RTU), and the
 * recovery after a failed read: a TCP reconnect, or on a serial line the
 * drain that waits out a late reply (at most POLL_DRAIN_CAP_FACTOR quiet
 * periods, the quiet period being the longer of the timeout and the model's
 * slowest reply, plus the last one begun).
 */
int64_t	 watchdog_device_poll_ms(const struct conf *conf, const struct conf_device *dev);

/*
 * The limit of the thread of conf->buses[index]: the longest poll of its
 * enabled devices (watchdog_device_poll_ms), plus WATCHDOG_MARGIN_MS.  It
 * assumes that the bus thread sets its heartbeat to now before every poll,
 * and to the end of its wait when it waits for the next device (bus.c): a
 * heartbeat in the future is fresh.
 */
int64_t	 watchdog_bus_limit_ms(const struct conf *conf, size_t index);

#endif
