/* SPDX-License-Identifier: MIT */
/*
 * The station's alerts: one per kind watched on a point (or on a device, for
 * comm), as the configuration binds them, each judged by alertrule.c.  It
 * lives in the core thread, which feeds it every committed reading and a
 * tick a second, so alert state needs no locks.  Every change of severity
 * and every acknowledgement is journaled in the store together with the state
 * it leaves (store_alert_record) before anything can publish it; at start the
 * states are read back, so a restart neither forgets an active alert nor
 * raises or notifies it again.  An acknowledgement lasts until the alert
 * clears or escalates.
 */
#ifndef LW_ALERTS_H
#define LW_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "maint.h"
#include "reading.h"
#include "store.h"

struct alerts;

/*
 * The alerts of conf, with the states st holds (st and maint are borrowed;
 * what is needed of conf is copied).  States of alerts conf no longer has
 * are dropped from the store.  now_ms: wall clock.
 */
int	 alerts_new(const struct conf *, struct store *st, struct maint *maint, int64_t now_ms,
	     struct alerts **ret);
/* Journal what is still pending (if the store lets it), then free. */
void	 alerts_free(struct alerts *);

/*
 * Readings just committed.  Returns how many events were journaled (so the
 * caller wakes the publishers), or -errno when the store refused them: they
 * are kept and journaled with the next call.
 */
int	 alerts_readings(struct alerts *, const struct lw_reading *, size_t n, int64_t now_ms);

/* Time passed: stale alerts, and run-time maintenance that ran out. */
int	 alerts_tick(struct alerts *, int64_t now_ms);

/*
 * When alerts_tick next has something to do if no reading comes first (wall
 * clock, ms): the earliest stale limit or end of a maintenance; INT64_MAX
 * for never.  Readings, acknowledgements and maintenance can only move it.
 */
int64_t	 alerts_next_tick(struct alerts *);

/*
 * Acknowledge the active alerts target names: an alert id ("sonde.ph/value"),
 * a point ("sonde.ph": all its kinds) or a device ("sonde": all its alerts).
 * How many were acknowledged (0 when all were already), -ENOENT when none is
 * active there, -EINVAL for a name that is no alert, point or device; a
 * sentence for the operator in reply either way.
 */
int	 alerts_ack(struct alerts *, const char *target, const char *by, const char *note,
	     int64_t now_ms, char *reply, size_t len);

/*
 * A device's run-time maintenance was turned on or off (maint says which):
 * its alerts fall silent at once, or judge again from fresh data.  -ENOENT
 * for no such device.
 */
int	 alerts_maintenance(struct alerts *, const char *device, int64_t now_ms);

/* Alerts at warning or critical now. */
size_t	 alerts_active(const struct alerts *);

#endif
