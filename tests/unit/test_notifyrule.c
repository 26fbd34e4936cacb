/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for when to notify: thresholds, the all-clear only for what was
 * told, acknowledgements, min_interval holding back flaps but never an
 * escalation, deferred state told later, reminders while unacknowledged.
 */
#include <string.h>

#include "notifyrule.h"
#include "tap.h"

#define MIN	60000LL		/* the tests' min_interval: 1 min */
#define REP	3600000LL	/* and repeat: 1 h */

static struct conf_notify
notifier(enum alert_severity min)
{
	struct conf_notify n;

	memset(&n, 0, sizeof(n));
	n.min_severity = min;
	n.min_interval_ms = MIN;
	n.repeat_ms = REP;
	return n;
}

static struct store_alert_event
ev(enum alert_severity from, enum alert_severity to, enum alert_transition tr)
{
	struct store_alert_event e;

	memset(&e, 0, sizeof(e));
	e.from = from;
	e.to = to;
	e.transition = tr;
	return e;
}

static const char *
act(enum notify_action a)
{
	return a == NOTIFY_NOW ? "now" : a == NOTIFY_LATER ? "later" : "skip";
}

static void
test_events(void)
{
	static const struct {
		enum alert_severity min;
		enum alert_severity from, to;
		enum alert_transition tr;
		bool has_last;
		enum alert_severity last;
		int64_t last_ms, now;
		const char *want;
		int64_t due;
		const char *what;
	} c[] = {
		{ ALERT_WARNING, ALERT_OK, ALERT_WARNING, ALERT_RAISED, false, 0, 0, 1000, "now", 0,
		  "a warning for a warning notifier" },
		{ ALERT_CRITICAL, ALERT_OK, ALERT_WARNING, ALERT_RAISED, false, 0, 0, 1000, "skip", 0,
		  "a warning is below a critical notifier" },
		{ ALERT_CRITICAL, ALERT_WARNING, ALERT_CRITICAL, ALERT_ESCALATED, false, 0, 0, 1000,
		  "now", 0, "its escalation is told" },
		{ ALERT_CRITICAL, ALERT_CRITICAL, ALERT_WARNING, ALERT_DEESCALATED, true,
		  ALERT_CRITICAL, 0, 5 * MIN, "now", 0, "the de-escalation of what was told" },
		{ ALERT_CRITICAL, ALERT_WARNING, ALERT_OK, ALERT_CLEARED, true, ALERT_WARNING, 0,
		  5 * MIN, "skip", 0, "the all-clear of a warning it never told" },
		{ ALERT_WARNING, ALERT_WARNING, ALERT_OK, ALERT_CLEARED, true, ALERT_WARNING, 0,
		  5 * MIN, "now", 0, "the all-clear of what was told" },
		{ ALERT_WARNING, ALERT_OK, ALERT_UNKNOWN, ALERT_TO_UNKNOWN, true, ALERT_OK, 0, 5 * MIN,
		  "skip", 0, "ok to unknown is not news" },
		{ ALERT_WARNING, ALERT_WARNING, ALERT_WARNING, ALERT_ACKNOWLEDGED, true, ALERT_WARNING,
		  0, 1000, "now", 0, "an acknowledgement of what was told, even within min_interval" },
		{ ALERT_CRITICAL, ALERT_WARNING, ALERT_WARNING, ALERT_ACKNOWLEDGED, false, 0, 0, 1000,
		  "skip", 0, "an acknowledgement of what was never told" },
		{ ALERT_WARNING, ALERT_WARNING, ALERT_OK, ALERT_CLEARED, true, ALERT_WARNING, 100000,
		  130000, "later", 160000, "a clear 30 s after the raise waits for min_interval" },
		{ ALERT_WARNING, ALERT_OK, ALERT_WARNING, ALERT_RAISED, true, ALERT_WARNING, 100000,
		  130000, "skip", 0, "the next raise of a flap whose clear was held: already told" },
		{ ALERT_WARNING, ALERT_OK, ALERT_WARNING, ALERT_RAISED, true, ALERT_OK, 100000,
		  130000, "now", 0, "a raise after a clear that was told is news at once" },
		{ ALERT_WARNING, ALERT_WARNING, ALERT_CRITICAL, ALERT_ESCALATED, true, ALERT_WARNING,
		  100000, 101000, "now", 0, "an escalation past what was told is never held" },
		{ ALERT_WARNING, ALERT_CRITICAL, ALERT_WARNING, ALERT_DEESCALATED, true,
		  ALERT_CRITICAL, 100000, 101000, "later", 160000, "a de-escalation is held" },
		{ ALERT_WARNING, ALERT_OK, ALERT_WARNING, ALERT_RAISED, true, ALERT_WARNING, 0, 5 * MIN,
		  "skip", 0, "what was already told is not told again" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct conf_notify n = notifier(c[i].min);
		struct store_alert_event e = ev(c[i].from, c[i].to, c[i].tr);
		struct store_notified last = { c[i].last_ms, c[i].last };
		int64_t due = -1;
		enum notify_action a = notifyrule_event(&n, &e, c[i].has_last ? &last : NULL,
		    c[i].now, &due);

		CHECK_EQ_STR(c[i].want, act(a), "%s", c[i].what);
		if (a == NOTIFY_LATER)
			CHECK_EQ_INT(c[i].due, due, "%s: due", c[i].what);
	}
}

static void
test_states(void)
{
	struct conf_notify n = notifier(ALERT_WARNING);
	struct store_alert a;
	struct store_notified last;
	bool reminder;
	int64_t due;

	memset(&a, 0, sizeof(a));
	a.severity = ALERT_OK;
	CHECK_EQ_STR("skip", act(notifyrule_state(&n, &a, NULL, 1000, &reminder, &due)),
	    "an ok alert never told: nothing");
	CHECK_EQ_INT(INT64_MAX, due, "and nothing due");
	a.severity = ALERT_CRITICAL;
	CHECK_EQ_STR("now", act(notifyrule_state(&n, &a, NULL, 1000, &reminder, &due)),
	    "an active alert never told (a new notifier, a lost notification): now");
	CHECK(!reminder, "not as a reminder");

	last = (struct store_notified){ 100000, ALERT_CRITICAL };
	a.severity = ALERT_OK;
	CHECK_EQ_STR("later", act(notifyrule_state(&n, &a, &last, 130000, &reminder, &due)),
	    "cleared 30 s after telling critical: later");
	CHECK_EQ_INT(160000, due, "at the end of min_interval");
	CHECK_EQ_STR("now", act(notifyrule_state(&n, &a, &last, 160000, &reminder, &due)),
	    "and then told");
	a.severity = ALERT_CRITICAL;
	CHECK_EQ_STR("later", act(notifyrule_state(&n, &a, &last, 130000, &reminder, &due)),
	    "back to what was told: only a reminder is due");
	CHECK_EQ_INT(100000 + REP, due, "an hour after the telling");
	CHECK_EQ_STR("now", act(notifyrule_state(&n, &a, &last, 100000 + REP, &reminder, &due)),
	    "an hour later it is told again");
	CHECK(reminder, "as a reminder");
	a.acked = true;
	CHECK_EQ_STR("skip", act(notifyrule_state(&n, &a, &last, 100000 + REP, &reminder, &due)),
	    "an acknowledged alert is not repeated");
	a.acked = false;
	n.repeat_ms = 0;
	CHECK_EQ_STR("skip", act(notifyrule_state(&n, &a, &last, 100000 + REP, &reminder, &due)),
	    "with repeat 0 it is not repeated");

	n = notifier(ALERT_CRITICAL);
	last = (struct store_notified){ 0, ALERT_OK };
	a.severity = ALERT_WARNING;
	CHECK_EQ_STR("skip", act(notifyrule_state(&n, &a, &last, 5 * MIN, &reminder, &due)),
	    "a warning under a critical notifier: nothing");
	last = (struct store_notified){ 0, ALERT_CRITICAL };
	CHECK_EQ_STR("now", act(notifyrule_state(&n, &a, &last, 5 * MIN, &reminder, &due)),
	    "but after its critical was told, the de-escalation is");
}

int
main(void)
{
	test_events();
	test_states();
	return tap_done();
}
