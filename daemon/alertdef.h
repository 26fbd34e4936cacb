/* SPDX-License-Identifier: MIT */
/*
 * The words of alerting, shared by the configuration, the rule engine, the
 * store and the publishers (SPEC "Local store", alert_events): what kind of
 * condition an alert watches, how severe it is, and what a transition did.
 * Pure.
 */
#ifndef LW_ALERTDEF_H
#define LW_ALERTDEF_H

enum alert_kind {
	ALERT_VALUE,		/* a value past a warning or critical limit */
	ALERT_RATE,		/* changing faster than a limit per hour */
	ALERT_STALE,		/* no good reading for a while */
	ALERT_FLATLINE,		/* not changing at all for a while: a stuck sensor */
	ALERT_COMM,		/* a device that failed N polls in a row */
	ALERT_NKINDS
};

/* Ordered: ok < warning < critical; unknown stands apart (no data to judge). */
enum alert_severity {
	ALERT_OK,
	ALERT_WARNING,
	ALERT_CRITICAL,
	ALERT_UNKNOWN,
};

enum alert_transition {
	ALERT_RAISED,		/* ok or unknown -> warning or critical */
	ALERT_ESCALATED,	/* warning -> critical */
	ALERT_DEESCALATED,	/* critical -> warning */
	ALERT_CLEARED,		/* warning, critical or unknown -> ok */
	ALERT_ACKNOWLEDGED,	/* an operator saw it; the severity stays */
	ALERT_TO_UNKNOWN,	/* ok -> unknown: bad or missing data */
};

/* "value", "rate", "stale", "flatline", "comm"; NULL when out of range. */
const char	*alert_kind_name(enum alert_kind);
/* "ok", "warning", "critical", "unknown"; NULL when out of range. */
const char	*alert_severity_name(enum alert_severity);
/* "raised", "escalated", "deescalated", "cleared", "acknowledged", "unknown". */
const char	*alert_transition_name(enum alert_transition);

/* 0, or -EINVAL for a name that is not one of the above. */
int		 alert_kind_parse(const char *, enum alert_kind *ret);
int		 alert_severity_parse(const char *, enum alert_severity *ret);
int		 alert_transition_parse(const char *, enum alert_transition *ret);

/* The transition from one severity to another (from != to, neither by acknowledgement). */
enum alert_transition alert_transition_between(enum alert_severity from, enum alert_severity to);

#endif
