/* SPDX-License-Identifier: MIT */
/*
 * When a notifier (SPEC "Notifications": an SMS script, a mail sender) is to
 * run for an alert.  It tells people about alerts at or above min_severity,
 * and then about what becomes of them: the all-clear, a de-escalation, an
 * acknowledgement; never about alerts it never told (an alert that stayed
 * below min_severity).  At most one notification per alert every
 * min_interval, so a value flapping around a limit does not send a storm:
 * what happens meanwhile is told once the interval is over, as the alert's
 * state then, unless it is back to what was last told.  An escalation past
 * what was last told is never held back.  An unacknowledged alert at or
 * above min_severity is told again every repeat.
 *
 * The truth it works from is in the store: the alert's state, and what this
 * notifier last told about it (store_notified), so a restart neither loses
 * a deferred notification nor sends one twice.  Pure.
 */
#ifndef LW_NOTIFYRULE_H
#define LW_NOTIFYRULE_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "store.h"

enum notify_action {
	NOTIFY_SKIP,		/* nothing to tell */
	NOTIFY_NOW,		/* run the program now */
	NOTIFY_LATER,		/* at *due_ms, told as the alert's state then */
};

/*
 * What to do about an event when it comes.  last is what the notifier last
 * told about the event's alert, NULL for nothing yet.
 */
enum notify_action notifyrule_event(const struct conf_notify *, const struct store_alert_event *,
		     const struct store_notified *last, int64_t now_ms, int64_t *due_ms);

/*
 * What to do about an alert as it stands (after deferrals, after a restart):
 * tell its state when it differs from what was last told and either is at or
 * above min_severity, or remind of it (*reminder set) when it is still
 * unacknowledged at or above min_severity and repeat has passed.  *due_ms
 * is when something will be due next (INT64_MAX for never).
 */
enum notify_action notifyrule_state(const struct conf_notify *, const struct store_alert *,
		     const struct store_notified *last, int64_t now_ms, bool *reminder,
		     int64_t *due_ms);

#endif
