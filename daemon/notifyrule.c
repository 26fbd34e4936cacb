/* SPDX-License-Identifier: MIT */
/* When to notify (see notifyrule.h). */
#include "notifyrule.h"

/* At or above the notifier's threshold?  unknown and ok are below any. */
static bool
notable(const struct conf_notify *n, enum alert_severity s)
{
	return (s == ALERT_WARNING || s == ALERT_CRITICAL) && s >= n->min_severity;
}

/* Held back by min_interval?  An escalation past what was told never is. */
static bool
held(const struct conf_notify *n, enum alert_severity s, const struct store_notified *last,
    int64_t now_ms, int64_t *due_ms)
{
	if (last == NULL || n->min_interval_ms <= 0 || now_ms - last->last_ms >= n->min_interval_ms)
		return false;
	if (notable(n, s) && (!notable(n, last->severity) || s > last->severity))
		return false;
	*due_ms = last->last_ms + n->min_interval_ms;
	return true;
}

enum notify_action
notifyrule_event(const struct conf_notify *n, const struct store_alert_event *e,
    const struct store_notified *last, int64_t now_ms, int64_t *due_ms)
{
	bool told = last != NULL && notable(n, last->severity);

	*due_ms = INT64_MAX;
	switch (e->transition) {
	case ALERT_RAISED:
	case ALERT_ESCALATED:
	case ALERT_DEESCALATED:
	case ALERT_CLEARED:
	case ALERT_TO_UNKNOWN:
		if (!notable(n, e->to) && !told)
			return NOTIFY_SKIP;
		if (last != NULL && last->severity == e->to)
			return NOTIFY_SKIP;	/* already told so */
		return held(n, e->to, last, now_ms, due_ms) ? NOTIFY_LATER : NOTIFY_NOW;
	case ALERT_ACKNOWLEDGED:
		/* Others who were told should know someone is on it. */
		return told ? NOTIFY_NOW : NOTIFY_SKIP;
	}
	return NOTIFY_SKIP;
}

enum notify_action
notifyrule_state(const struct conf_notify *n, const struct store_alert *a,
    const struct store_notified *last, int64_t now_ms, bool *reminder, int64_t *due_ms)
{
	enum alert_severity told = last != NULL ? last->severity : ALERT_OK;

	*reminder = false;
	*due_ms = INT64_MAX;
	if (a->severity != told && (notable(n, a->severity) || notable(n, told)))
		return held(n, a->severity, last, now_ms, due_ms) ? NOTIFY_LATER : NOTIFY_NOW;
	if (last == NULL || a->severity != told || !notable(n, a->severity) || a->acked ||
	    n->repeat_ms <= 0)
		return NOTIFY_SKIP;
	if (now_ms - last->last_ms >= n->repeat_ms) {
		*reminder = true;
		return NOTIFY_NOW;
	}
	*due_ms = last->last_ms + n->repeat_ms;
	return NOTIFY_LATER;
}
