/* SPDX-License-Identifier: MIT */
/* The words of alerting (see alertdef.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "alertdef.h"

static const char *const kinds[] = {
	[ALERT_VALUE] = "value", [ALERT_RATE] = "rate", [ALERT_STALE] = "stale",
	[ALERT_FLATLINE] = "flatline", [ALERT_COMM] = "comm",
};
static const char *const severities[] = {
	[ALERT_OK] = "ok", [ALERT_WARNING] = "warning", [ALERT_CRITICAL] = "critical",
	[ALERT_UNKNOWN] = "unknown",
};
static const char *const transitions[] = {
	[ALERT_RAISED] = "raised", [ALERT_ESCALATED] = "escalated",
	[ALERT_DEESCALATED] = "deescalated", [ALERT_CLEARED] = "cleared",
	[ALERT_ACKNOWLEDGED] = "acknowledged", [ALERT_TO_UNKNOWN] = "unknown",
};

#define NAME(tab, i) ((unsigned)(i) < sizeof(tab) / sizeof(tab[0]) ? tab[i] : NULL)

const char *alert_kind_name(enum alert_kind k) { return NAME(kinds, k); }
const char *alert_severity_name(enum alert_severity s) { return NAME(severities, s); }
const char *alert_transition_name(enum alert_transition t) { return NAME(transitions, t); }

static int
lookup(const char *const *tab, size_t n, const char *s, int *ret)
{
	for (size_t i = 0; s != NULL && i < n; i++) {
		if (tab[i] != NULL && strcmp(tab[i], s) == 0) {
			*ret = (int)i;
			return 0;
		}
	}
	return -EINVAL;
}

#define LOOKUP(tab, s, ret, type) do {						\
	int i_, rc_ = lookup(tab, sizeof(tab) / sizeof(tab[0]), s, &i_);	\
	if (rc_ == 0)								\
		*(ret) = (type)i_;						\
	return rc_;								\
} while (0)

int alert_kind_parse(const char *s, enum alert_kind *ret) { LOOKUP(kinds, s, ret, enum alert_kind); }
int alert_severity_parse(const char *s, enum alert_severity *ret)
{
	LOOKUP(severities, s, ret, enum alert_severity);
}
int alert_transition_parse(const char *s, enum alert_transition *ret)
{
	LOOKUP(transitions, s, ret, enum alert_transition);
}

enum alert_transition
alert_transition_between(enum alert_severity from, enum alert_severity to)
{
	if (to == ALERT_UNKNOWN)
		return ALERT_TO_UNKNOWN;
	if (to == ALERT_OK)
		return ALERT_CLEARED;
	if (from == ALERT_OK || from == ALERT_UNKNOWN)
		return ALERT_RAISED;
	return to > from ? ALERT_ESCALATED : ALERT_DEESCALATED;
}
