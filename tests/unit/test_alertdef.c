/* SPDX-License-Identifier: MIT */
/* Unit tests for the words of alerting: names both ways, and transitions between severities. */
#include <errno.h>

#include "alertdef.h"
#include "tap.h"

int
main(void)
{
	static const char *const k[] = { "value", "rate", "stale", "flatline", "comm" };
	static const char *const s[] = { "ok", "warning", "critical", "unknown" };
	static const char *const t[] = { "raised", "escalated", "deescalated", "cleared",
		"acknowledged", "unknown" };
	enum alert_kind kind;
	enum alert_severity sev;
	enum alert_transition tr;

	for (int i = 0; i < ALERT_NKINDS; i++) {
		CHECK_EQ_STR(k[i], alert_kind_name((enum alert_kind)i), "kind %d", i);
		CHECK(alert_kind_parse(k[i], &kind) == 0 && kind == (enum alert_kind)i, "parse %s", k[i]);
	}
	for (int i = 0; i < 4; i++) {
		CHECK_EQ_STR(s[i], alert_severity_name((enum alert_severity)i), "severity %d", i);
		CHECK(alert_severity_parse(s[i], &sev) == 0 && sev == (enum alert_severity)i,
		    "parse %s", s[i]);
	}
	for (int i = 0; i < 6; i++) {
		CHECK_EQ_STR(t[i], alert_transition_name((enum alert_transition)i), "transition %d", i);
		CHECK(alert_transition_parse(t[i], &tr) == 0 && tr == (enum alert_transition)i,
		    "parse %s", t[i]);
	}
	CHECK(alert_kind_name(ALERT_NKINDS) == NULL, "no name past the kinds");
	CHECK(alert_severity_name((enum alert_severity)9) == NULL, "no name past the severities");
	CHECK_EQ_INT(-EINVAL, alert_kind_parse("Value", &kind), "names are case-exact");
	CHECK_EQ_INT(-EINVAL, alert_severity_parse("", &sev), "empty is no severity");
	CHECK_EQ_INT(-EINVAL, alert_severity_parse(NULL, &sev), "NULL is no severity");

	CHECK_EQ_INT(ALERT_RAISED, alert_transition_between(ALERT_OK, ALERT_WARNING), "ok -> warning");
	CHECK_EQ_INT(ALERT_RAISED, alert_transition_between(ALERT_OK, ALERT_CRITICAL), "ok -> critical");
	CHECK_EQ_INT(ALERT_RAISED, alert_transition_between(ALERT_UNKNOWN, ALERT_WARNING),
	    "unknown -> warning");
	CHECK_EQ_INT(ALERT_ESCALATED, alert_transition_between(ALERT_WARNING, ALERT_CRITICAL),
	    "warning -> critical");
	CHECK_EQ_INT(ALERT_DEESCALATED, alert_transition_between(ALERT_CRITICAL, ALERT_WARNING),
	    "critical -> warning");
	CHECK_EQ_INT(ALERT_CLEARED, alert_transition_between(ALERT_CRITICAL, ALERT_OK),
	    "critical -> ok");
	CHECK_EQ_INT(ALERT_CLEARED, alert_transition_between(ALERT_UNKNOWN, ALERT_OK),
	    "unknown -> ok");
	CHECK_EQ_INT(ALERT_TO_UNKNOWN, alert_transition_between(ALERT_OK, ALERT_UNKNOWN),
	    "ok -> unknown");
	return tap_done();
}
