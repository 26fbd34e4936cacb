/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for alertrule: tables of event sequences (readings of every
 * quality, ticks, polls, maintenance) with the exact changes each must give,
 * for every kind: value levels and strict limits, hysteresis on both sides
 * and at both levels, hold and clear_hold timing (across warning and
 * critical, cancelled, replaced), bad data (unknown from ok, kept when
 * active, never cleared by it), suspect readings, maintenance, clock steps;
 * rates over linear ramps (falling, rising, both, fast readings, a window
 * too short); flatline, stale and comm; restore after a restart; messages
 * word for word, cut cleanly when long; the pH scenario; and a random
 * sequence checked against the invariants.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alertdef.h"
#include "alertrule.h"
#include "conf.h"
#include "reading.h"
#include "tap.h"
#include "utf8.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define N		NAN
#define T0		INT64_C(1763941516000)	/* 2025-11-23T23:45:16Z */
#define SEC(x)		((int64_t)((x) * 1000.0))
#define MIN(x)		((int64_t)((x) * 60000.0))
#define HOUR(x)		((int64_t)((x) * 3600000.0))
#define OK		ALERT_OK
#define WARN		ALERT_WARNING
#define CRIT		ALERT_CRITICAL
#define UNK		ALERT_UNKNOWN
#define ANY		INFINITY	/* a value or limit not checked */
#define MAXEV		40
#define MAXCH		8

enum op { OP_END, RD, TICK, COMM, MON, MOFF };

struct ev {
	enum op		 op;
	int64_t		 t;		/* from T0 */
	double		 v;
	enum lw_quality	 q;
	bool		 hv;
	unsigned	 fails;
};

#define G(t, v)		{ RD, (t), (v), LW_Q_GOOD, true, 0 }
#define SU(t, v)	{ RD, (t), (v), LW_Q_SUSPECT, true, 0 }
#define BAD(t)		{ RD, (t), 0, LW_Q_BAD, false, 0 }
#define MISS(t)		{ RD, (t), 0, LW_Q_MISSING, false, 0 }
#define MNT(t, v)	{ RD, (t), (v), LW_Q_MAINTENANCE, true, 0 }
#define TK(t)		{ TICK, (t), 0, LW_Q_GOOD, false, 0 }
#define CM(t, n)	{ COMM, (t), 0, LW_Q_GOOD, false, (n) }
#define M_ON(t)		{ MON, (t), 0, LW_Q_GOOD, false, 0 }
#define M_OFF(t)	{ MOFF, (t), 0, LW_Q_GOOD, false, 0 }
#define END		{ OP_END, 0, 0, LW_Q_GOOD, false, 0 }

/* An expected change; NAN: no value (limit) expected; ANY: not checked. */
struct want {
	bool			 set;
	int64_t			 t;
	enum alert_severity	 from, to;
	double			 v, l;
};

#define W(t, f, to, v, l)	{ true, (t), (f), (to), (v), (l) }

static const struct alert_subject ph = { "sonde", "ph", "[pH]" };

static struct conf_alert
rule_base(void)
{
	struct conf_alert r;

	memset(&r, 0, sizeof(r));
	snprintf(r.pattern, sizeof(r.pattern), "sonde.ph");
	r.warn_high = r.crit_high = r.warn_low = r.crit_low = NAN;
	r.rate_warn = r.rate_crit = NAN;
	r.rate_window_ms = HOUR(1);
	r.stale_severity = ALERT_WARNING;
	r.flatline_severity = ALERT_WARNING;
	r.comm_severity = ALERT_CRITICAL;
	return r;
}

static struct lw_reading
reading(int64_t t, double v, enum lw_quality q, bool hv)
{
	struct lw_reading rd;

	memset(&rd, 0, sizeof(rd));
	rd.time_ms = t;
	snprintf(rd.device, sizeof(rd.device), "sonde");
	snprintf(rd.point, sizeof(rd.point), "ph");
	rd.value = hv ? v : 0;
	rd.has_value = hv;
	rd.quality = q;
	return rd;
}

/*
 * Feed one event.  The invariants of every call are checked into *bad (a
 * description of the first broken one); the change, if any, into *got.
 */
static int
feed(const struct conf_alert *r, enum alert_kind kind, const struct alert_subject *sub,
    struct alertrule_state *st, const struct ev *e, int64_t base, struct alert_change *got,
    char *bad, size_t badlen)
{
	enum alert_severity before = st->severity;
	struct lw_reading rd = reading(base + e->t, e->v, e->q, e->hv);
	struct alert_change c;
	int rc = 0;

	memset(&c, 0x55, sizeof(c));
	switch (e->op) {
	case RD:
		rc = alertrule_reading(r, kind, sub, st, &rd, &c);
		break;
	case TICK:
		rc = alertrule_tick(r, kind, sub, st, base + e->t, &c);
		break;
	case COMM:
		if (kind == ALERT_COMM)
			rc = alertrule_comm(r, sub, st, base + e->t, e->fails, &c);
		break;
	case MON:
		alertrule_maintenance(st, true, base + e->t);
		break;
	case MOFF:
		alertrule_maintenance(st, false, base + e->t);
		break;
	case OP_END:
		break;
	}
	if (bad[0] != '\0')
		goto out;
	if (rc != 0 && rc != 1)
		snprintf(bad, badlen, "returned %d", rc);
	else if ((rc == 1) != (st->severity != before))
		snprintf(bad, badlen, "returned %d, severity %d -> %d", rc, before, st->severity);
	else if (rc == 1 && (c.from != before || c.to != st->severity ||
	    c.transition != alert_transition_between(c.from, c.to) || c.time_ms != base + e->t ||
	    st->since_ms != c.time_ms))
		snprintf(bad, badlen, "change %d -> %d (transition %d) at %lld inconsistent",
		    c.from, c.to, c.transition, (long long)c.time_ms);
	else if (rc == 1 && memchr(c.message, '\0', sizeof(c.message)) == NULL)
		snprintf(bad, badlen, "message not terminated");
	else if (rc == 1 && !utf8_valid(c.message, strlen(c.message)))
		snprintf(bad, badlen, "message not UTF-8: %s", c.message);
	else if (st->data_unknown && st->severity != WARN && st->severity != CRIT)
		snprintf(bad, badlen, "data_unknown while %d", st->severity);
	else if (rc == 1 && c.to == OK && e->op == RD && !alertrule_good(r, &rd))
		snprintf(bad, badlen, "cleared by bad data");
	else if (rc == 1 && c.to == OK && e->op == TICK)
		snprintf(bad, badlen, "cleared by a tick");
out:
	if (rc == 1 && got != NULL)
		*got = c;
	return rc;
}

/* Run events from a new alert (or *st when given); the changes into got, their number returned. */
static size_t
run(const struct conf_alert *r, enum alert_kind kind, const struct alert_subject *sub,
    struct alertrule_state *st, const struct ev *evs, struct alert_change *got, size_t max,
    const char *name)
{
	char bad[256] = "";
	size_t n = 0;

	for (size_t i = 0; i < MAXEV * 100 && evs[i].op != OP_END; i++) {
		struct alert_change c;

		if (feed(r, kind, sub, st, &evs[i], T0, &c, bad, sizeof(bad)) == 1 && n < max)
			got[n++] = c;
	}
	CHECK(bad[0] == '\0', "%s: invariants%s%s", name, bad[0] ? ": " : "", bad);
	return n;
}

static void
expect(const char *name, const struct alert_change *got, size_t ngot, const struct want *w,
    size_t maxw)
{
	size_t nw = 0;

	while (nw < maxw && w[nw].set)
		nw++;
	CHECK_EQ_INT(nw, ngot, "%s: number of changes", name);
	for (size_t i = 0; i < nw && i < ngot; i++) {
		const struct alert_change *c = &got[i];

		CHECK_EQ_INT(w[i].t, c->time_ms - T0, "%s: change %zu time", name, i);
		CHECK(c->from == w[i].from && c->to == w[i].to,
		    "%s: change %zu %s -> %s, want %s -> %s", name, i,
		    alert_severity_name(c->from), alert_severity_name(c->to),
		    alert_severity_name(w[i].from), alert_severity_name(w[i].to));
		if (isnan(w[i].v))
			CHECK(!c->has_value, "%s: change %zu has no value", name, i);
		else if (!isinf(w[i].v))
			CHECK(c->has_value &&
			    fabs(c->value - w[i].v) <= 1e-9 * fmax(1, fabs(w[i].v)),
			    "%s: change %zu value %g, want %g", name, i, c->value, w[i].v);
		if (isnan(w[i].l))
			CHECK(!c->has_limit, "%s: change %zu has no limit", name, i);
		else if (!isinf(w[i].l))
			CHECK(c->has_limit && c->limit == w[i].l,
			    "%s: change %zu limit %g, want %g", name, i, c->limit, w[i].l);
	}
}

/* ---- value ---- */

/* Limits: warn_high, crit_high, warn_low, crit_low, hysteresis, hold, clear_hold. */
struct lim {
	double		 wh, ch, wl, cl, h;
	int64_t		 hold, clear;
};

#define PH(h, hold, clear)	{ 9.0, 9.2, 6.5, 6.0, (h), (hold), (clear) }

static const struct vcase {
	const char	*name;
	struct lim	 lim;
	bool		 suspect;
	struct ev	 ev[MAXEV];
	struct want	 want[MAXCH];
} vcases[] = {
	{ "rise to warning at once", PH(0, 0, 0), false,
	    { G(0, 8.4), G(MIN(1), 9.11) },
	    { W(MIN(1), OK, WARN, 9.11, 9) } },
	{ "limits are strict", PH(0, 0, 0), false,
	    { G(0, 9), G(MIN(1), 9.2), G(MIN(2), 6.5), G(MIN(3), 6), G(MIN(4), 6.0001) },
	    { W(MIN(1), OK, WARN, 9.2, 9), W(MIN(2), WARN, OK, 6.5, 9),
	      W(MIN(3), OK, WARN, 6, 6.5) } },
	{ "straight to critical", PH(0, 0, 0), false,
	    { G(0, 9.52) },
	    { W(0, OK, CRIT, 9.52, 9.2) } },
	{ "critical low", PH(0, 0, 0), false,
	    { G(0, 7), G(MIN(1), 5.9) },
	    { W(MIN(1), OK, CRIT, 5.9, 6) } },
	{ "escalate and de-escalate without hysteresis", PH(0, 0, 0), false,
	    { G(0, 9.1), G(MIN(1), 9.3), G(MIN(2), 9.19), G(MIN(3), 8.99) },
	    { W(0, OK, WARN, 9.1, 9), W(MIN(1), WARN, CRIT, 9.3, 9.2),
	      W(MIN(2), CRIT, WARN, 9.19, 9.2), W(MIN(3), WARN, OK, 8.99, 9) } },
	{ "hysteresis: flapping around the limit raises once and clears once", PH(0.05, 0, 0),
	    false,
	    { G(0, 8.98), G(MIN(1), 9.01), G(MIN(2), 8.99), G(MIN(3), 9.02), G(MIN(4), 8.97),
	      G(MIN(5), 9.03), G(MIN(6), 8.96), G(MIN(7), 8.94), G(MIN(8), 8.99), G(MIN(9), 8.97),
	      G(MIN(10), 8.999) },
	    { W(MIN(1), OK, WARN, 9.01, 9), W(MIN(7), WARN, OK, 8.94, 9) } },
	{ "hysteresis at critical; rising always by the raw limit", PH(0.05, 0, 0), false,
	    { G(0, 9.21), G(MIN(1), 9.17), G(MIN(2), 9.16), G(MIN(3), 9.14), G(MIN(4), 9.19),
	      G(MIN(5), 9.21), G(MIN(6), 8.9) },
	    { W(0, OK, CRIT, 9.21, 9.2), W(MIN(3), CRIT, WARN, 9.14, 9.2),
	      W(MIN(5), WARN, CRIT, 9.21, 9.2), W(MIN(6), CRIT, OK, 8.9, 9.2) } },
	{ "hysteresis at critical keeps the warning limit moved too", PH(0.05, 0, 0), false,
	    { G(0, 9.3), G(MIN(1), 8.97), G(MIN(2), 8.94) },
	    { W(0, OK, CRIT, 9.3, 9.2), W(MIN(1), CRIT, WARN, 8.97, 9.2),
	      W(MIN(2), WARN, OK, 8.94, 9) } },
	{ "hysteresis on the low side", PH(0.1, 0, 0), false,
	    { G(0, 6.4), G(MIN(1), 6.55), G(MIN(2), 5.95), G(MIN(3), 6.05), G(MIN(4), 6.15),
	      G(MIN(5), 6.58), G(MIN(6), 6.65) },
	    { W(0, OK, WARN, 6.4, 6.5), W(MIN(2), WARN, CRIT, 5.95, 6),
	      W(MIN(4), CRIT, WARN, 6.15, 6), W(MIN(6), WARN, OK, 6.65, 6.5) } },
	{ "no hysteresis on the other side", PH(0.1, 0, 0), false,
	    { G(0, 9.1), G(MIN(1), 6.55) },
	    { W(0, OK, WARN, 9.1, 9), W(MIN(1), WARN, OK, 6.55, 9) } },
	{ "the low side takes over at the same level, with its hysteresis", PH(0.1, 0, 0), false,
	    { G(0, 9.1), G(MIN(1), 6.45), G(MIN(2), 6.55), G(MIN(3), 8.95) },
	    { W(0, OK, WARN, 9.1, 9), W(MIN(3), WARN, OK, 8.95, 6.5) } },
	{ "switching sides at the same level is no change", PH(0.1, 0, 0), false,
	    { G(0, 9.3), G(MIN(1), 5.9), G(MIN(2), 6.05), G(MIN(3), 6.2) },
	    { W(0, OK, CRIT, 9.3, 9.2), W(MIN(3), CRIT, WARN, 6.2, 6) } },
	{ "a drop to the other side is told as a rise there", PH(0.05, 0, 0), false,
	    { G(0, 9.3), G(MIN(1), 6.3) },
	    { W(0, OK, CRIT, 9.3, 9.2), W(MIN(1), CRIT, WARN, 6.3, 6.5) } },
	{ "hold 5m", PH(0, MIN(5), 0), false,
	    { G(0, 8.4), G(MIN(1), 9.1), G(MIN(2), 9.1), G(MIN(3), 9.1), G(MIN(4), 9.1),
	      G(MIN(5), 9.1), G(MIN(5.99), 9.1), G(MIN(6), 9.1), G(MIN(7), 9.1) },
	    { W(MIN(6), OK, WARN, 9.1, 9) } },
	{ "a reading back at the level restarts the hold", PH(0, MIN(5), 0), false,
	    { G(MIN(1), 9.1), G(MIN(2), 9.1), G(MIN(3), 8.9), G(MIN(4), 9.1), G(MIN(8.9), 9.1),
	      G(MIN(9), 9.1) },
	    { W(MIN(9), OK, WARN, 9.1, 9) } },
	{ "hold across warning then critical", PH(0, MIN(5), 0), false,
	    { G(MIN(1), 9.1), G(MIN(3), 9.3), G(MIN(5), 9.3), G(MIN(6), 9.3) },
	    { W(MIN(6), OK, CRIT, 9.3, 9.2) } },
	{ "hold: the change goes to the latest level seen", PH(0, MIN(5), 0), false,
	    { G(MIN(1), 9.3), G(MIN(4), 9.1), G(MIN(6), 9.1) },
	    { W(MIN(6), OK, WARN, 9.1, 9) } },
	{ "escalation takes the hold", PH(0, MIN(5), 0), false,
	    { G(0, 9.1), G(MIN(5), 9.1), G(MIN(6), 9.3), G(MIN(10), 9.3), G(MIN(11), 9.3) },
	    { W(MIN(5), OK, WARN, 9.1, 9), W(MIN(11), WARN, CRIT, 9.3, 9.2) } },
	{ "clear_hold 10m", PH(0, 0, MIN(10)), false,
	    { G(0, 9.1), G(MIN(5), 8.9), G(MIN(10), 8.9), G(MIN(14.9), 8.9), G(MIN(15), 8.9) },
	    { W(0, OK, WARN, 9.1, 9), W(MIN(15), WARN, OK, 8.9, 9) } },
	{ "clear_hold: a reading back at the level cancels it", PH(0, 0, MIN(10)), false,
	    { G(0, 9.1), G(MIN(5), 8.9), G(MIN(10), 9.05), G(MIN(12), 8.9), G(MIN(21), 8.9),
	      G(MIN(22), 8.9) },
	    { W(0, OK, WARN, 9.1, 9), W(MIN(22), WARN, OK, 8.9, 9) } },
	{ "clear_hold from critical goes to the latest level", PH(0, 0, MIN(10)), false,
	    { G(0, 9.3), G(MIN(1), 9.1), G(MIN(5), 8.8), G(MIN(11), 8.8) },
	    { W(0, OK, CRIT, 9.3, 9.2), W(MIN(11), CRIT, OK, 8.8, 9.2) } },
	{ "a pending rise is replaced by a pending drop", PH(0, MIN(5), MIN(5)), false,
	    { G(0, 9.1), G(MIN(5), 9.1), G(MIN(6), 9.3), G(MIN(8), 8.8), G(MIN(12), 8.8),
	      G(MIN(13), 8.8) },
	    { W(MIN(5), OK, WARN, 9.1, 9), W(MIN(13), WARN, OK, 8.8, 9) } },
	{ "the clock stepped back during a hold", PH(0, MIN(5), 0), false,
	    { G(MIN(10), 9.1), G(MIN(2), 9.1), G(MIN(6), 9.1), G(MIN(7), 9.1) },
	    { W(MIN(7), OK, WARN, 9.1, 9) } },
	{ "bad data from ok: unknown, then ok at once", PH(0, 0, 0), false,
	    { G(0, 8.4), MISS(MIN(1)), BAD(MIN(2)), G(MIN(3), 8.5) },
	    { W(MIN(1), OK, UNK, N, N), W(MIN(3), UNK, OK, 8.5, N) } },
	{ "bad data never clears an alert", PH(0, 0, 0), false,
	    { G(0, 9.3), BAD(MIN(1)), MISS(MIN(2)), SU(MIN(3), 8.0), G(MIN(4), N),
	      G(MIN(5), 9.25) },
	    { W(0, OK, CRIT, 9.3, 9.2) } },
	{ "unknown -> ok at once, with no clear_hold", PH(0, MIN(5), MIN(10)), false,
	    { MISS(0), G(MIN(1), 8.4) },
	    { W(0, OK, UNK, N, N), W(MIN(1), UNK, OK, 8.4, N) } },
	{ "a raise from unknown takes the hold", PH(0, MIN(5), 0), false,
	    { MISS(0), G(MIN(1), 9.1), G(MIN(5), 9.1), G(MIN(6), 9.1) },
	    { W(0, OK, UNK, N, N), W(MIN(6), UNK, WARN, 9.1, 9) } },
	{ "bad data drops a pending rise", PH(0, MIN(5), 0), false,
	    { G(0, 9.1), G(MIN(3), 9.1), BAD(MIN(4)), G(MIN(5), 9.1), G(MIN(9), 9.1),
	      G(MIN(10), 9.1) },
	    { W(MIN(4), OK, UNK, N, N), W(MIN(10), UNK, WARN, 9.1, 9) } },
	{ "bad data drops a pending drop", PH(0, 0, MIN(5)), false,
	    { G(0, 9.1), G(MIN(1), 8.8), BAD(MIN(3)), G(MIN(4), 8.8), G(MIN(8), 8.8),
	      G(MIN(9), 8.8) },
	    { W(0, OK, WARN, 9.1, 9), W(MIN(9), WARN, OK, 8.8, 9) } },
	{ "suspect counts with use_suspect", PH(0, 0, 0), true,
	    { SU(0, 9.3), SU(MIN(1), 8.0) },
	    { W(0, OK, CRIT, 9.3, 9.2), W(MIN(1), CRIT, OK, 8.0, 9.2) } },
	{ "suspect without use_suspect is bad data", PH(0, 0, 0), false,
	    { SU(0, 9.3), SU(MIN(1), 8.0), G(MIN(2), 8.0) },
	    { W(0, OK, UNK, N, N), W(MIN(2), UNK, OK, 8.0, N) } },
	{ "NaN and infinite values are bad data", PH(0, 0, 0), false,
	    { G(0, N), G(MIN(1), INFINITY), G(MIN(2), -INFINITY), SU(MIN(3), N), G(MIN(4), 8.0) },
	    { W(0, OK, UNK, N, N), W(MIN(4), UNK, OK, 8.0, N) } },
	{ "maintenance is silent", PH(0, 0, 0), false,
	    { G(0, 9.3), MNT(MIN(1), 8.0), MNT(MIN(2), 5.0), MNT(MIN(3), N), G(MIN(4), 9.25),
	      G(MIN(5), 8.0) },
	    { W(0, OK, CRIT, 9.3, 9.2), W(MIN(5), CRIT, OK, 8.0, 9.2) } },
	{ "leaving maintenance judges the fresh data", PH(0.05, 0, 0), false,
	    { G(0, 9.3), MNT(MIN(1), 8.0), G(MIN(2), 8.0) },
	    { W(0, OK, CRIT, 9.3, 9.2), W(MIN(2), CRIT, OK, 8.0, 9.2) } },
	{ "leaving maintenance keeps the hysteresis side", PH(0.05, 0, 0), false,
	    { G(0, 9.1), MNT(MIN(1), 8.0), G(MIN(2), 8.97), G(MIN(3), 8.9) },
	    { W(0, OK, WARN, 9.1, 9), W(MIN(3), WARN, OK, 8.9, 9) } },
	{ "maintenance drops a hold", PH(0, MIN(5), 0), false,
	    { G(0, 9.1), G(MIN(3), 9.1), MNT(MIN(4), 9.1), G(MIN(5), 9.1), G(MIN(9), 9.1),
	      G(MIN(10), 9.1) },
	    { W(MIN(10), OK, WARN, 9.1, 9) } },
	{ "a missing reading ends maintenance", PH(0, 0, 0), false,
	    { G(0, 8.4), MNT(MIN(1), 8.4), MISS(MIN(2)) },
	    { W(MIN(2), OK, UNK, N, N) } },
	{ "maintenance set by the caller ignores every reading", PH(0, 0, 0), false,
	    { M_ON(0), MISS(MIN(1)), BAD(MIN(2)), G(MIN(3), 9.5), M_ON(MIN(3)), M_OFF(MIN(4)),
	      G(MIN(5), 9.5), M_OFF(MIN(6)), G(MIN(7), 8.0) },
	    { W(MIN(5), OK, CRIT, 9.5, 9.2), W(MIN(7), CRIT, OK, 8.0, 9.2) } },
	{ "only the limits that are set", { N, N, 1.0, N, 0, 0, 0 }, false,
	    { G(0, 100), G(MIN(1), -1e300), G(MIN(2), 1e300) },
	    { W(MIN(1), OK, WARN, -1e300, 1), W(MIN(2), WARN, OK, 1e300, 1) } },
	{ "no limit at all: not watched", { N, N, N, N, 0, 0, 0 }, false,
	    { G(0, 100), MISS(MIN(1)), G(MIN(2), 5) },
	    { { false, 0, OK, OK, 0, 0 } } },
	{ "a hold with a huge gap and times near the end of time", PH(0, INT64_MAX, 0), false,
	    { G(0, 9.1), G(INT64_MAX - T0, 9.1), G(INT64_MIN / 2, 9.1) },
	    { { false, 0, OK, OK, 0, 0 } } },
};

static void
test_value_table(void)
{
	for (size_t i = 0; i < NELEM(vcases); i++) {
		const struct vcase *c = &vcases[i];
		struct conf_alert r = rule_base();
		struct alertrule_state st;
		struct alert_change got[MAXCH];
		size_t n;

		r.warn_high = c->lim.wh;
		r.crit_high = c->lim.ch;
		r.warn_low = c->lim.wl;
		r.crit_low = c->lim.cl;
		r.hysteresis = c->lim.h;
		r.hold_ms = c->lim.hold;
		r.clear_hold_ms = c->lim.clear;
		r.use_suspect = c->suspect;
		alertrule_init(&st, T0);
		n = run(&r, ALERT_VALUE, &ph, &st, c->ev, got, MAXCH, c->name);
		expect(c->name, got, n, c->want, MAXCH);
	}
}

/* Levels of one reading from a fresh alert, on every side of every limit. */
static void
test_value_levels(void)
{
	static const struct {
		double			 v;
		enum alert_severity	 want;
		double			 limit;
	} cases[] = {
		{ 7.5, OK, 0 }, { 9.0, OK, 0 }, { 9.0000001, WARN, 9.0 }, { 9.2, WARN, 9.0 },
		{ 9.2000001, CRIT, 9.2 }, { 14, CRIT, 9.2 }, { 1e308, CRIT, 9.2 }, { 6.5, OK, 0 },
		{ 6.4999999, WARN, 6.5 }, { 6.0, WARN, 6.5 }, { 5.9999999, CRIT, 6.0 },
		{ -1e308, CRIT, 6.0 }, { 0, CRIT, 6.0 }, { -0.0, CRIT, 6.0 },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct conf_alert r = rule_base();
		struct alertrule_state st;
		struct alert_change c;
		struct lw_reading rd = reading(T0, cases[i].v, LW_Q_GOOD, true);
		int rc;

		r.warn_high = 9.0;
		r.crit_high = 9.2;
		r.warn_low = 6.5;
		r.crit_low = 6.0;
		r.hysteresis = 0.05;
		alertrule_init(&st, T0 - 1000);
		rc = alertrule_reading(&r, ALERT_VALUE, &ph, &st, &rd, &c);
		CHECK_EQ_INT(cases[i].want != OK, rc, "value %.9g: a change or none", cases[i].v);
		CHECK_EQ_INT(cases[i].want, st.severity, "value %.9g: severity", cases[i].v);
		if (rc == 1)
			CHECK(c.has_limit && c.limit == cases[i].limit && c.value == cases[i].v &&
			    c.transition == ALERT_RAISED, "value %.9g: limit %g raised", cases[i].v,
			    cases[i].limit);
	}
}

/* data_unknown: set while active on bad data, cleared by the next good reading. */
static void
test_data_unknown(void)
{
	struct conf_alert r = rule_base();
	struct alertrule_state st;
	struct lw_reading rd;

	r.warn_high = 9.0;
	alertrule_init(&st, T0);
	rd = reading(T0, 9.5, LW_Q_GOOD, true);
	CHECK_EQ_INT(1, alertrule_reading(&r, ALERT_VALUE, &ph, &st, &rd, NULL),
	    "raised with no out");
	CHECK_EQ_INT(WARN, st.severity, "warning");
	CHECK_EQ_INT(0, st.data_unknown, "data known");
	for (int i = 1; i <= 5; i++) {
		rd = reading(T0 + MIN(i), 0, i % 2 ? LW_Q_MISSING : LW_Q_BAD, false);
		CHECK_EQ_INT(0, alertrule_reading(&r, ALERT_VALUE, &ph, &st, &rd, NULL),
		    "bad reading %d: no change", i);
	}
	CHECK_EQ_INT(WARN, st.severity, "still warning after bad data");
	CHECK_EQ_INT(1, st.data_unknown, "data_unknown set");
	CHECK_EQ_INT(T0, st.since_ms, "since kept");
	rd = reading(T0 + MIN(6), 9.4, LW_Q_GOOD, true);
	CHECK_EQ_INT(0, alertrule_reading(&r, ALERT_VALUE, &ph, &st, &rd, NULL), "good again");
	CHECK_EQ_INT(0, st.data_unknown, "data_unknown cleared by a good reading");

	/* Unknown itself does not set it. */
	alertrule_init(&st, T0);
	rd = reading(T0, 0, LW_Q_MISSING, false);
	alertrule_reading(&r, ALERT_VALUE, &ph, &st, &rd, NULL);
	alertrule_reading(&r, ALERT_VALUE, &ph, &st, &rd, NULL);
	CHECK(st.severity == UNK && !st.data_unknown, "unknown, data_unknown not set");

	/* Stale alerts do not use it. */
	r = rule_base();
	r.stale_ms = MIN(15);
	alertrule_init(&st, T0);
	CHECK(alertrule_tick_due(&r, ALERT_STALE, &st) == T0 + MIN(15),
	    "a stale alert is due at its limit after the last good reading");
	CHECK_EQ_INT(0, alertrule_tick(&r, ALERT_STALE, &ph, &st, T0 + MIN(15) - 1, NULL),
	    "and not a millisecond before");
	CHECK(alertrule_tick_due(&r, ALERT_VALUE, &st) == INT64_MAX, "time alone moves no value alert");
	CHECK_EQ_INT(1, alertrule_tick(&r, ALERT_STALE, &ph, &st, T0 + MIN(15), NULL), "stale");
	CHECK(alertrule_tick_due(&r, ALERT_STALE, &st) == INT64_MAX, "raised, it is due no more");
	rd = reading(T0 + MIN(16), 0, LW_Q_MISSING, false);
	alertrule_reading(&r, ALERT_STALE, &ph, &st, &rd, NULL);
	CHECK(st.severity == WARN && !st.data_unknown, "stale: bad data changes nothing");
}

/* The pH series: a spike 8.4 -> 9.3 -> 9.6 -> 8.5, with noise that hysteresis rides out. */
static void
test_scenario(void)
{
	static const int64_t clears[] = { 0, MIN(5) };

	for (size_t k = 0; k < NELEM(clears); k++) {
		struct conf_alert r = rule_base();
		struct alertrule_state st;
		struct alert_change got[MAXCH];
		struct ev evs[80];
		size_t n = 0, ng;
		int64_t ch = clears[k];
		char name[64];

		r.warn_high = 9.0;
		r.crit_high = 9.5;
		r.hysteresis = 0.05;
		r.hold_ms = MIN(5);
		r.clear_hold_ms = ch;
		for (int m = 0; m < 70; m++) {
			double v = m < 10 ? 8.4 + 0.01 * (m % 3) :
			    m < 25 ? (m == 17 ? 8.98 : m == 20 ? 9.02 : 9.3) :
			    m < 40 ? (m == 33 ? 9.48 : 9.6) :
			    m < 55 ? (m == 47 ? 9.46 : 9.3) :
			    8.5;
			evs[n++] = (struct ev)G(MIN(m), v);
		}
		evs[n] = (struct ev)END;
		snprintf(name, sizeof(name), "pH spike, clear_hold %lldm", (long long)(ch / 60000));
		alertrule_init(&st, T0);
		ng = run(&r, ALERT_VALUE, &ph, &st, evs, got, MAXCH, name);
		struct want w[MAXCH] = {
			W(MIN(15), OK, WARN, 9.3, 9.0),
			W(MIN(30), WARN, CRIT, 9.6, 9.5),
			W(MIN(40) + ch, CRIT, WARN, 9.3, 9.5),
			W(MIN(55) + ch, WARN, OK, 8.5, 9.0),
		};
		expect(name, got, ng, w, MAXCH);
		if (ng == 4) {
			CHECK(got[0].transition == ALERT_RAISED &&
			    got[1].transition == ALERT_ESCALATED &&
			    got[2].transition == ALERT_DEESCALATED &&
			    got[3].transition == ALERT_CLEARED,
			    "%s: raised, escalated, deescalated, cleared", name);
			CHECK_EQ_STR("sonde.ph 9.3 [pH] above the warning limit 9 [pH]",
			    got[0].message, "%s: raised message", name);
			CHECK_EQ_STR("sonde.ph 9.6 [pH] above the critical limit 9.5 [pH]",
			    got[1].message, "%s: escalated message", name);
			CHECK_EQ_STR("sonde.ph 9.3 [pH] back below the critical limit 9.5 [pH], "
			    "still above the warning limit 9 [pH]", got[2].message,
			    "%s: deescalated message", name);
			CHECK_EQ_STR("sonde.ph 8.5 [pH] back below the warning limit 9 [pH]",
			    got[3].message, "%s: cleared message", name);
		}
	}
}

/* ---- rate ---- */

/*
 * A ramp: good readings every step_ms from 0 to until_ms of v0 + per_hour *
 * t; the changes into got.
 */
static size_t
ramp(const struct conf_alert *r, struct alertrule_state *st, int64_t from_ms, int64_t until_ms,
    int64_t step_ms, double v0, double per_hour, struct alert_change *got, size_t max,
    const char *name)
{
	char bad[256] = "";
	size_t n = 0;

	for (int64_t t = from_ms; t <= until_ms; t += step_ms) {
		struct ev e = G(t, v0 + per_hour * (double)t / 3600000.0);
		struct alert_change c;

		if (feed(r, ALERT_RATE, &ph, st, &e, T0, &c, bad, sizeof(bad)) == 1 && n < max)
			got[n++] = c;
	}
	CHECK(bad[0] == '\0', "%s: invariants%s%s", name, bad[0] ? ": " : "", bad);
	return n;
}

static void
test_rate_ramps(void)
{
	static const struct {
		const char		*name;
		int			 direction;
		double			 per_hour;
		int64_t			 step_ms;
		double			 warn, crit;
		enum alert_severity	 want;		/* OK: no change */
		double			 limit;
	} cases[] = {
		{ "falling 0.12 m/h, both ways", 0, -0.12, MIN(1), 0.05, N, WARN, 0.05 },
		{ "falling 0.12 m/h, falls only", -1, -0.12, MIN(1), 0.05, N, WARN, 0.05 },
		{ "falling 0.12 m/h, rises only", 1, -0.12, MIN(1), 0.05, N, OK, 0 },
		{ "rising 0.3/h, both ways", 0, 0.3, MIN(1), 0.05, 0.2, CRIT, 0.2 },
		{ "rising 0.3/h, rises only", 1, 0.3, MIN(1), 0.05, 0.2, CRIT, 0.2 },
		{ "rising 0.3/h, falls only", -1, 0.3, MIN(1), 0.05, 0.2, OK, 0 },
		{ "critical only", 0, -0.3, MIN(1), N, 0.2, CRIT, 0.2 },
		{ "below both", 0, 0.04, MIN(1), 0.05, 0.2, OK, 0 },
		{ "flat at a limit of 0 is not past it", 0, 0, MIN(1), 0, N, OK, 0 },
		{ "every second: 1800 readings per half window", 0, -0.12, SEC(1), 0.05, N, WARN,
		  0.05 },
		{ "every 7 minutes", 0, -0.12, MIN(7), 0.05, N, WARN, 0.05 },
		{ "steep and large values", 0, 2.5e6, MIN(1), 1e6, 2e6, CRIT, 2e6 },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct conf_alert r = rule_base();
		struct alertrule_state st;
		struct alert_change got[MAXCH];
		size_t n, before;
		int64_t first_judged;

		r.rate_warn = cases[i].warn;
		r.rate_crit = cases[i].crit;
		r.rate_direction = cases[i].direction;
		alertrule_init(&st, T0);
		/* Half the window is 30 min: the first reading at or after it is judged. */
		first_judged = (MIN(30) + cases[i].step_ms - 1) / cases[i].step_ms *
		    cases[i].step_ms;
		before = ramp(&r, &st, 0, first_judged - 1, cases[i].step_ms, 100.0,
		    cases[i].per_hour, got, MAXCH, cases[i].name);
		CHECK_EQ_INT(0, before, "%s: not judged before half the window", cases[i].name);
		CHECK_EQ_INT(OK, st.severity, "%s: still ok, not unknown", cases[i].name);
		n = ramp(&r, &st, first_judged, HOUR(3), cases[i].step_ms, 100.0, cases[i].per_hour,
		    got, MAXCH, cases[i].name);
		CHECK(st.rate_n <= ALERTRULE_RATE_SLICES, "%s: window bounded", cases[i].name);
		if (cases[i].want == OK) {
			CHECK_EQ_INT(0, n, "%s: no change", cases[i].name);
			continue;
		}
		CHECK_EQ_INT(1, n, "%s: one change", cases[i].name);
		if (n != 1)
			continue;
		CHECK_EQ_INT(first_judged, got[0].time_ms - T0, "%s: at the first judgement",
		    cases[i].name);
		CHECK_EQ_INT(cases[i].want, got[0].to, "%s: severity", cases[i].name);
		CHECK_EQ_DBL(cases[i].per_hour, got[0].value, 1e-9 * fabs(cases[i].per_hour),
		    "%s: the exact rate per hour", cases[i].name);
		CHECK(got[0].has_limit && got[0].limit == cases[i].limit, "%s: limit %g",
		    cases[i].name, cases[i].limit);
	}
}

/* Too few readings or too short a span: no judgement, and then the change. */
static void
test_rate_span(void)
{
	struct conf_alert r = rule_base();
	struct alertrule_state st;
	struct alert_change got[MAXCH];
	size_t n;

	r.rate_warn = 0.05;
	{
		const struct ev evs[] = { G(0, 10), G(MIN(40), 9.9), G(MIN(59), 9.8), END };
		const struct want w[MAXCH] = { W(MIN(59), OK, WARN, ANY, 0.05) };

		alertrule_init(&st, T0);
		n = run(&r, ALERT_RATE, &ph, &st, evs, got, MAXCH, "rate: three readings");
		expect("rate: two readings are not judged, the third is", got, n, w, MAXCH);
	}
	{
		const struct ev evs[] = { G(0, 10), G(MIN(10), 9.9), G(MIN(20), 9.8),
			G(MIN(29), 9.7), G(MIN(29.99), 9.6), END };
		const struct want w[MAXCH] = { { false, 0, OK, OK, 0, 0 } };

		alertrule_init(&st, T0);
		n = run(&r, ALERT_RATE, &ph, &st, evs, got, MAXCH, "rate: 29 minutes");
		expect("rate: a span under half the window is not judged", got, n, w, MAXCH);
	}
	{
		/* The first readings leave the window: the span is counted from what is kept. */
		const struct ev evs[] = { G(0, 20), G(MIN(50), 10), G(MIN(70), 10), G(MIN(75), 10),
			G(MIN(79), 9), G(MIN(81), 8), G(MIN(100), 7), END };
		const struct want w[MAXCH] = { W(MIN(81), OK, WARN, -28.0 / 622 * 60, 0.05) };

		alertrule_init(&st, T0);
		n = run(&r, ALERT_RATE, &ph, &st, evs, got, MAXCH, "rate: old readings leave");
		expect("rate: old readings leave the window", got, n, w, MAXCH);
	}
	{
		/* Bad data from ok is unknown; the window goes on through it. */
		const struct ev evs[] = { G(0, 10), MISS(MIN(10)), G(MIN(20), 10), G(MIN(30), 10),
			G(MIN(40), 10), END };
		const struct want w[MAXCH] = { W(MIN(10), OK, UNK, N, N),
			W(MIN(30), UNK, OK, 0, N) };

		alertrule_init(&st, T0);
		n = run(&r, ALERT_RATE, &ph, &st, evs, got, MAXCH, "rate: unknown");
		expect("rate: unknown until judged, then ok at once", got, n, w, MAXCH);
	}
}

/* Falling fast, then level: raised, then cleared once the window has flattened. */
static void
test_rate_clear_and_hold(void)
{
	struct conf_alert r = rule_base();
	struct alertrule_state st;
	struct alert_change got[MAXCH];
	size_t n;

	r.rate_warn = 0.05;
	r.rate_crit = 0.1;
	r.rate_direction = -1;
	r.hold_ms = MIN(10);
	r.clear_hold_ms = MIN(10);
	alertrule_init(&st, T0);
	n = ramp(&r, &st, 0, HOUR(2), MIN(1), 5.0, -0.12, got, MAXCH, "rate hold");
	CHECK_EQ_INT(1, n, "rate hold: one change");
	if (n == 1) {
		CHECK_EQ_INT(MIN(40), got[0].time_ms - T0, "rate hold: judged at 30m, held 10m");
		CHECK(got[0].from == OK && got[0].to == CRIT && got[0].limit == 0.1,
		    "rate hold: critical past 0.1");
		CHECK_EQ_STR("sonde.ph falling 0.12 [pH] per hour, faster than 0.1 [pH] per hour",
		    got[0].message, "rate message");
	}
	/* Level from 2h: the slope of the last hour decays to 0 by 3h. */
	{
		char bad[256] = "";
		double level = 5.0 - 0.12 * 2;

		n = 0;
		for (int64_t t = HOUR(2) + MIN(1); t <= HOUR(4); t += MIN(1)) {
			struct ev e = G(t, level);
			struct alert_change c;

			if (feed(&r, ALERT_RATE, &ph, &st, &e, T0, &c, bad, sizeof(bad)) == 1 &&
			    n < MAXCH)
				got[n++] = c;
		}
		CHECK(bad[0] == '\0', "rate clear: invariants %s", bad);
	}
	CHECK_EQ_INT(2, n, "rate clear: de-escalated, then cleared");
	if (n == 2) {
		CHECK(got[0].from == CRIT && got[0].to == WARN && got[0].limit == 0.1 &&
		    -got[0].value <= 0.1, "rate: de-escalated below 0.1 (%g)", got[0].value);
		CHECK(got[1].from == WARN && got[1].to == OK && got[1].limit == 0.05 &&
		    -got[1].value <= 0.05, "rate: cleared below 0.05 (%g)", got[1].value);
		CHECK(got[1].time_ms - got[0].time_ms >= MIN(10), "rate: clear_hold held");
		CHECK_EQ_INT(0, strncmp(got[1].message, "sonde.ph falling 0.0", 20),
		    "rate clear message: %s", got[1].message);
		CHECK(strstr(got[1].message, ", no longer faster than 0.05 [pH] per hour") != NULL,
		    "rate clear message ends so: %s", got[1].message);
	}
}

/* Rates that are no number, and a level left whose limit is no longer set. */
static void
test_rate_odd(void)
{
	struct conf_alert r = rule_base();
	struct alertrule_state st;
	struct alert_change got[MAXCH];
	size_t n;

	r.rate_warn = 0.05;
	alertrule_init(&st, T0);
	{
		const struct ev evs[] = { G(0, -1.7e308), G(MIN(20), 1.7e308), G(MIN(40), -1.7e308),
			G(MIN(50), 1.7e308), END };
		const struct want w[MAXCH] = { { false, 0, OK, OK, 0, 0 } };

		n = run(&r, ALERT_RATE, &ph, &st, evs, got, MAXCH, "rate overflow");
		expect("a rate that overflows is not judged", got, n, w, MAXCH);
	}
	alertrule_restore(&st, CRIT, T0 - HOUR(1), true, -0.3, true, 0.2, T0);
	{
		const struct ev evs[] = { G(0, 5), G(MIN(15), 5), G(MIN(30), 5), END };
		const struct want w[MAXCH] = { W(MIN(30), CRIT, OK, 0, N) };

		n = run(&r, ALERT_RATE, &ph, &st, evs, got, MAXCH, "rate no crit");
		expect("rate: critical left with no critical limit set", got, n, w, MAXCH);
		if (n == 1)
			CHECK_EQ_STR("sonde.ph steady, within the limits again", got[0].message,
			    "rate: steady message");
	}
}

/* The window after maintenance and after the clock steps back. */
static void
test_rate_reset(void)
{
	struct conf_alert r = rule_base();
	struct alertrule_state st;
	struct alert_change got[MAXCH];
	size_t n;

	r.rate_warn = 0.05;
	alertrule_init(&st, T0);
	/* A steep drop before maintenance, flat after: the old readings must not count. */
	n = ramp(&r, &st, 0, MIN(20), MIN(1), 10, -1.0, got, MAXCH, "rate before maintenance");
	CHECK_EQ_INT(0, n, "rate: nothing in 20 minutes");
	{
		struct lw_reading rd = reading(T0 + MIN(21), 3, LW_Q_MAINTENANCE, true);

		alertrule_reading(&r, ALERT_RATE, &ph, &st, &rd, NULL);
	}
	n = ramp(&r, &st, MIN(22), MIN(51), MIN(1), 3, 0, got, MAXCH, "rate after maintenance");
	CHECK_EQ_INT(0, n, "rate: a fresh window after maintenance, not judged yet");
	CHECK(st.rate_n > 0 && st.rate[st.rate_first].first_ms == T0 + MIN(22),
	    "rate: the window starts after maintenance");
	n = ramp(&r, &st, MIN(52), MIN(60), MIN(1), 3, 0, got, MAXCH, "rate flat");
	CHECK_EQ_INT(0, n, "rate: flat is ok");

	/* The clock steps back an hour: the window starts again. */
	alertrule_init(&st, T0);
	n = ramp(&r, &st, HOUR(5), HOUR(5) + MIN(20), MIN(1), 10, -1.0, got, MAXCH, "rate step 1");
	n += ramp(&r, &st, HOUR(4), HOUR(4) + MIN(29), MIN(1), 10, 0, got, MAXCH, "rate step 2");
	CHECK_EQ_INT(0, n, "rate: after a step back the window is new");
	CHECK_EQ_INT(T0 + HOUR(4), st.rate[st.rate_first].first_ms, "rate: the window restarted");
}

/* ---- flatline ---- */

static void
test_flatline(void)
{
	struct conf_alert r = rule_base();
	struct alertrule_state st;
	struct alert_change got[MAXCH];
	struct ev evs[60];
	size_t n, k = 0;
	const struct alert_subject temp = { "sonde", "temperature", "Cel" };

	r.flatline_ms = HOUR(6);
	r.flatline_tolerance = 0.001;
	for (int m = 0; m <= 400; m += 10) {
		double v = m % 20 ? 16.4008 : 16.4;

		evs[k++] = (struct ev)G(MIN(m), v);
	}
	evs[k++] = (struct ev)G(MIN(410), 16.5);
	evs[k++] = (struct ev)G(MIN(420), 16.5);
	evs[k] = (struct ev)END;
	alertrule_init(&st, T0);
	n = run(&r, ALERT_FLATLINE, &temp, &st, evs, got, MAXCH, "flatline");
	{
		const struct want w[MAXCH] = {
			W(HOUR(6), OK, WARN, 16.4, 0.001),
			W(MIN(410), WARN, OK, 16.5, 0.001),
		};

		expect("flatline within the tolerance for 6h", got, n, w, MAXCH);
	}
	if (n == 2) {
		CHECK_EQ_STR("sonde.temperature stuck at 16.4 Cel (within 0.001 Cel for 6h)",
		    got[0].message, "flatline message");
		CHECK_EQ_STR("sonde.temperature 16.5 Cel: changing again", got[1].message,
		    "flatline clear message");
	}

	static const struct {
		const char	*name;
		double		 tol;
		int64_t		 ms;
		int		 sev;
		struct ev	 ev[12];
		struct want	 want[MAXCH];
	} cases[] = {
		{ "tolerance 0: exactly the same value", 0, HOUR(1), CRIT,
		    { G(0, 5), G(MIN(30), 5), G(MIN(60), 5), G(MIN(70), 5.0000001),
		      G(MIN(130), 5.0000001), G(MIN(140), 5.0000001) },
		    { W(MIN(60), OK, CRIT, 5, 0), W(MIN(70), CRIT, OK, 5.0000001, 0),
		      W(MIN(140), OK, CRIT, 5.0000001, 0) } },
		{ "at least 3 values", 0, HOUR(1), WARN,
		    { G(0, 5), G(HOUR(2), 5), G(HOUR(2) + 1, 5) },
		    { W(HOUR(2) + 1, OK, WARN, 5, 0) } },
		{ "the band is the spread, not the step", 0.1, HOUR(1), WARN,
		    { G(0, 5), G(MIN(20), 5.06), G(MIN(40), 5.1), G(MIN(50), 5.11),
		      G(MIN(60), 5.05), G(MIN(110), 5.11), G(MIN(120), 5.11) },
		    { W(MIN(110), OK, WARN, 5.11, 0.1) } },
		{ "a band lasting exactly the duration", 0.1, HOUR(1), WARN,
		    { G(0, 5), G(MIN(30), 5), G(MIN(59), 5), G(MIN(60) - 1, 5), G(MIN(60), 5) },
		    { W(MIN(60), OK, WARN, 5, 0.1) } },
		{ "bad data: unknown from ok, kept when active", 0.1, HOUR(1), WARN,
		    { G(0, 5), MISS(MIN(10)), G(MIN(20), 5), G(MIN(60), 5), BAD(MIN(70)),
		      G(MIN(80), 5), G(MIN(90), 6) },
		    { W(MIN(10), OK, UNK, N, N), W(MIN(20), UNK, OK, 5, 0.1),
		      W(MIN(60), OK, WARN, 5, 0.1), W(MIN(90), WARN, OK, 6, 0.1) } },
		{ "maintenance: a fresh band after it", 0.1, HOUR(1), WARN,
		    { G(0, 5), G(MIN(30), 5), MNT(MIN(50), 5), G(MIN(55), 5), G(MIN(60), 5),
		      G(MIN(114), 5), G(MIN(115), 5) },
		    { W(MIN(115), OK, WARN, 5, 0.1) } },
		{ "a severity that is not one counts as warning", 0.1, HOUR(1), OK,
		    { G(0, 5), G(MIN(30), 5), G(MIN(60), 5) },
		    { W(MIN(60), OK, WARN, 5, 0.1) } },
		{ "the clock stepped back", 0.1, HOUR(1), WARN,
		    { G(HOUR(10), 5), G(MIN(30), 5), G(MIN(60), 5), G(MIN(90), 5) },
		    { W(MIN(90), OK, WARN, 5, 0.1) } },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		r = rule_base();
		r.flatline_tolerance = cases[i].tol;
		r.flatline_ms = cases[i].ms;
		r.flatline_severity = (enum alert_severity)cases[i].sev;
		alertrule_init(&st, T0);
		n = run(&r, ALERT_FLATLINE, &temp, &st, cases[i].ev, got, MAXCH, cases[i].name);
		expect(cases[i].name, got, n, cases[i].want, MAXCH);
		if (i == 0 && n >= 1)
			CHECK_EQ_STR("sonde.temperature stuck at 5 Cel (unchanged for 1h)",
			    got[0].message, "flatline message, tolerance 0");
	}
}

/* ---- stale ---- */

static void
test_stale(void)
{
	static const struct {
		const char	*name;
		int64_t		 ms;
		int		 sev;
		struct ev	 ev[MAXEV];
		struct want	 want[MAXCH];
	} cases[] = {
		{ "no reading at all: raised by a tick", MIN(15), WARN,
		    { TK(MIN(1)), TK(MIN(14)), TK(MIN(15) - 1), TK(MIN(15)), TK(MIN(16)),
		      TK(HOUR(5)) },
		    { W(MIN(15), OK, WARN, 900, 900) } },
		{ "bad data does not refresh it", MIN(15), CRIT,
		    { G(0, 8), TK(MIN(5)), BAD(MIN(6)), MISS(MIN(10)), SU(MIN(12), 8), TK(MIN(14)),
		      TK(MIN(15)) },
		    { W(MIN(15), OK, CRIT, 900, 900) } },
		{ "a bad reading notices it too", MIN(15), WARN,
		    { G(0, 8), MISS(MIN(16)) },
		    { W(MIN(16), OK, WARN, 960, 900) } },
		{ "good readings keep it ok; the next clears it at once", MIN(15), WARN,
		    { G(0, 8), TK(MIN(10)), G(MIN(10), 8), TK(MIN(24)), TK(MIN(25)), TK(MIN(26)),
		      G(MIN(30), 8.1), TK(MIN(31)) },
		    { W(MIN(25), OK, WARN, 900, 900), W(MIN(30), WARN, OK, 1200, 900) } },
		{ "the clock stepped back", MIN(15), WARN,
		    { G(HOUR(1), 8), TK(0), TK(MIN(14)), TK(MIN(15)) },
		    { W(MIN(15), OK, WARN, 900, 900) } },
		{ "maintenance: silent, then counted from leaving it", MIN(15), WARN,
		    { G(0, 8), MNT(MIN(1), 8), TK(MIN(20)), TK(HOUR(2)), MISS(HOUR(3)),
		      TK(HOUR(3) + MIN(14)), TK(HOUR(3) + MIN(15)) },
		    { W(HOUR(3) + MIN(15), OK, WARN, 900, 900) } },
		{ "maintenance set by the caller", MIN(15), WARN,
		    { M_ON(0), TK(MIN(20)), M_OFF(HOUR(1)), TK(HOUR(1) + MIN(15)) },
		    { W(HOUR(1) + MIN(15), OK, WARN, 900, 900) } },
		{ "90 seconds", SEC(90), WARN,
		    { TK(SEC(89)), TK(SEC(90.5)) },
		    { W(SEC(90.5), OK, WARN, 90.5, 90) } },
		{ "not watched", 0, WARN,
		    { TK(HOUR(100)), MISS(HOUR(101)) },
		    { { false, 0, OK, OK, 0, 0 } } },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct conf_alert r = rule_base();
		struct alertrule_state st;
		struct alert_change got[MAXCH];
		size_t n;

		r.stale_ms = cases[i].ms;
		r.stale_severity = (enum alert_severity)cases[i].sev;
		alertrule_init(&st, T0);
		n = run(&r, ALERT_STALE, &ph, &st, cases[i].ev, got, MAXCH, cases[i].name);
		expect(cases[i].name, got, n, cases[i].want, MAXCH);
		if (i == 0 && n == 1)
			CHECK_EQ_STR("sonde.ph: no good reading for 15m", got[0].message,
			    "stale message");
		if (i == 3 && n == 2)
			CHECK_EQ_STR("sonde.ph 8.1 [pH]: good data again", got[1].message,
			    "stale clear message");
		if (i == 7 && n == 1)
			CHECK_EQ_STR("sonde.ph: no good reading for 90s", got[0].message,
			    "stale message in seconds");
	}
}

/* ---- comm ---- */

static void
test_comm(void)
{
	static const struct alert_subject dev = { "sonde", NULL, "" };
	static const struct {
		const char	*name;
		unsigned	 failures;
		int		 sev;
		struct ev	 ev[MAXEV];
		struct want	 want[MAXCH];
	} cases[] = {
		{ "5 in a row", 5, CRIT,
		    { CM(0, 1), CM(1, 2), CM(2, 3), CM(3, 4), CM(4, 5), CM(5, 6), CM(6, 3),
		      CM(7, 0), CM(8, 0), CM(9, 1) },
		    { W(4, OK, CRIT, 5, 5), W(7, CRIT, OK, 0, 5) } },
		{ "one failure is enough", 1, WARN,
		    { CM(0, 0), CM(1, 1), CM(2, 0) },
		    { W(1, OK, WARN, 1, 1), W(2, WARN, OK, 0, 1) } },
		{ "a count that jumps past the limit", 3, CRIT,
		    { CM(0, 4000000000u) },
		    { W(0, OK, CRIT, 4000000000.0, 3) } },
		{ "readings and ticks do nothing", 2, CRIT,
		    { MISS(0), TK(HOUR(1)), G(HOUR(2), 5) },
		    { { false, 0, OK, OK, 0, 0 } } },
		{ "maintenance set by the caller", 2, CRIT,
		    { M_ON(0), CM(1, 5), M_OFF(2), CM(3, 2) },
		    { W(3, OK, CRIT, 2, 2) } },
		{ "a severity that is not one counts as critical", 2, UNK,
		    { CM(0, 2) },
		    { W(0, OK, CRIT, 2, 2) } },
		{ "not watched", 0, CRIT,
		    { CM(0, 100) },
		    { { false, 0, OK, OK, 0, 0 } } },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct conf_alert r = rule_base();
		struct alertrule_state st;
		struct alert_change got[MAXCH];
		size_t n;

		r.comm_failures = cases[i].failures;
		r.comm_severity = (enum alert_severity)cases[i].sev;
		alertrule_init(&st, T0);
		n = run(&r, ALERT_COMM, &dev, &st, cases[i].ev, got, MAXCH, cases[i].name);
		expect(cases[i].name, got, n, cases[i].want, MAXCH);
		if (i == 0 && n == 2) {
			CHECK_EQ_STR("sonde: 5 polls in a row failed", got[0].message,
			    "comm message");
			CHECK_EQ_STR("sonde: answering again", got[1].message,
			    "comm clear message");
		}
		if (i == 1 && n == 2)
			CHECK_EQ_STR("sonde: 1 poll failed", got[0].message, "comm message for 1");
	}
}

/* ---- restore ---- */

static void
test_restore(void)
{
	struct conf_alert r = rule_base();
	struct alertrule_state st;
	struct alert_change got[MAXCH];
	size_t n;

	r.warn_high = 9.0;
	r.crit_high = 9.2;
	r.warn_low = 6.5;
	r.crit_low = 6.0;
	r.hysteresis = 0.05;
	r.hold_ms = MIN(5);

	alertrule_restore(&st, WARN, T0 - HOUR(3), true, 9.31, true, 9.0, T0);
	CHECK(st.severity == WARN && st.since_ms == T0 - HOUR(3) && st.has_value &&
	    st.value == 9.31 && st.has_limit && st.limit == 9.0 && !st.data_unknown,
	    "restore keeps severity, since, value and limit");
	{
		const struct ev evs[] = { G(0, 9.3), G(MIN(1), 8.97), G(MIN(2), 9.1),
			G(MIN(3), 8.9), END };
		const struct want w[MAXCH] = { W(MIN(3), WARN, OK, 8.9, 9.0) };

		n = run(&r, ALERT_VALUE, &ph, &st, evs, got, MAXCH, "restore warning high");
		expect("restored warning: not raised again, hysteresis kept", got, n, w, MAXCH);
	}

	/* The side from the limit: critical low, inside its hysteresis. */
	alertrule_restore(&st, CRIT, T0 - HOUR(1), true, 5.9, true, 6.0, T0);
	{
		const struct ev evs[] = { G(0, 6.04), G(MIN(1), 5.5), G(MIN(2), 6.2), END };
		const struct want w[MAXCH] = { W(MIN(2), CRIT, WARN, 6.2, 6.0) };

		n = run(&r, ALERT_VALUE, &ph, &st, evs, got, MAXCH, "restore critical low");
		expect("restored critical low", got, n, w, MAXCH);
	}

	/* A limit the rule no longer has: the side from the value. */
	alertrule_restore(&st, WARN, T0 - HOUR(1), true, 9.05, true, 8.8, T0);
	{
		const struct ev evs[] = { G(0, 8.96), G(MIN(1), 8.94), END };
		const struct want w[MAXCH] = { W(MIN(1), WARN, OK, 8.94, 9.0) };

		n = run(&r, ALERT_VALUE, &ph, &st, evs, got, MAXCH, "restore old limit");
		expect("restored with an old limit: side from the value", got, n, w, MAXCH);
	}

	/* Nothing known but the severity. */
	alertrule_restore(&st, CRIT, T0 - HOUR(1), false, N, false, INFINITY, T0);
	CHECK(!st.has_value && !st.has_limit, "restore: non-finite value and limit are none");
	{
		const struct ev evs[] = { G(0, 8.0), END };
		const struct want w[MAXCH] = { W(0, CRIT, OK, 8.0, N) };

		n = run(&r, ALERT_VALUE, &ph, &st, evs, got, MAXCH, "restore bare");
		expect("restored with no value or limit", got, n, w, MAXCH);
		if (n == 1)
			CHECK_EQ_STR("sonde.ph 8 [pH] back within the limits", got[0].message,
			    "restored bare: message");
	}

	/* Nothing known and a limit of no rule: the change keeps that limit. */
	alertrule_restore(&st, CRIT, T0 - HOUR(1), false, 0, true, 42, T0);
	{
		const struct ev evs[] = { G(0, 8.0), END };
		const struct want w[MAXCH] = { W(0, CRIT, OK, 8.0, 42) };

		n = run(&r, ALERT_VALUE, &ph, &st, evs, got, MAXCH, "restore odd limit");
		expect("restored with a limit the rule has not", got, n, w, MAXCH);
		if (n == 1)
			CHECK_EQ_STR("sonde.ph 8 [pH] back within the limits", got[0].message,
			    "restored odd limit: message");
	}

	/* Limits on one side only: that is the side, whatever is known. */
	{
		static const struct {
			double		 wh, ch, wl, cl, v;
			double		 want_limit;
		} one[] = {
			{ 9.0, N, N, N, 8.97, N }, { 9.0, N, N, N, 8.9, 9.0 },
			{ N, N, 6.5, 6.0, 6.03, N }, { N, N, 6.5, 6.0, 6.6, 6.0 },
		};

		for (size_t i = 0; i < NELEM(one); i++) {
			struct conf_alert o = rule_base();
			struct alert_change c;
			struct lw_reading rd = reading(T0, one[i].v, LW_Q_GOOD, true);
			int rc;

			o.warn_high = one[i].wh;
			o.crit_high = one[i].ch;
			o.warn_low = one[i].wl;
			o.crit_low = one[i].cl;
			o.hysteresis = 0.05;
			alertrule_restore(&st, isnan(one[i].cl) ? WARN : CRIT, T0, false, 0, false,
			    0, T0);
			rc = alertrule_reading(&o, ALERT_VALUE, &ph, &st, &rd, &c);
			CHECK_EQ_INT(!isnan(one[i].want_limit), rc, "one side %zu: change", i);
			if (rc == 1)
				CHECK(c.has_limit && c.limit == one[i].want_limit,
				    "one side %zu: limit %g", i, one[i].want_limit);
		}
	}

	/* A severity out of range is unknown. */
	alertrule_restore(&st, (enum alert_severity)17, T0, false, 0, false, 0, T0);
	CHECK_EQ_INT(UNK, st.severity, "restore: out of range is unknown");

	/* Restored unknown, and a good reading. */
	{
		const struct ev evs[] = { G(0, 8.0), END };
		const struct want w[MAXCH] = { W(0, UNK, OK, 8.0, N) };

		n = run(&r, ALERT_VALUE, &ph, &st, evs, got, MAXCH, "restore unknown");
		expect("restored unknown: ok at once", got, n, w, MAXCH);
	}

	/* Stale: restored active stays until a good reading; the last good time is now. */
	r = rule_base();
	r.stale_ms = MIN(15);
	alertrule_restore(&st, WARN, T0 - HOUR(1), true, 3600, true, 900, T0);
	{
		const struct ev evs[] = { TK(MIN(1)), TK(MIN(20)), G(MIN(21), 8), TK(MIN(35)),
			TK(MIN(36)), END };
		const struct want w[MAXCH] = { W(MIN(21), WARN, OK, ANY, 900),
			W(MIN(36), OK, WARN, 900, 900) };

		n = run(&r, ALERT_STALE, &ph, &st, evs, got, MAXCH, "restore stale");
		expect("restored stale", got, n, w, MAXCH);
	}
	alertrule_restore(&st, OK, T0 - HOUR(1), false, 0, false, 0, T0);
	{
		const struct ev evs[] = { TK(MIN(14)), END };
		const struct want w[MAXCH] = { { false, 0, OK, OK, 0, 0 } };

		n = run(&r, ALERT_STALE, &ph, &st, evs, got, MAXCH, "restore stale ok");
		expect("restored ok: stale counted from the restart", got, n, w, MAXCH);
	}

	/* Flatline: restored active, a flat band does not raise again, a change clears. */
	r = rule_base();
	r.flatline_ms = HOUR(1);
	r.flatline_tolerance = 0.01;
	alertrule_restore(&st, WARN, T0 - HOUR(2), true, 5, true, 0.01, T0);
	{
		const struct ev evs[] = { G(0, 5), G(MIN(30), 5), G(HOUR(2), 5), G(HOUR(3), 5.5),
			END };
		const struct want w[MAXCH] = { W(HOUR(3), WARN, OK, 5.5, 0.01) };

		n = run(&r, ALERT_FLATLINE, &ph, &st, evs, got, MAXCH, "restore flatline");
		expect("restored flatline", got, n, w, MAXCH);
	}

	/* Comm: restored critical stays until the device answers. */
	r = rule_base();
	r.comm_failures = 3;
	alertrule_restore(&st, CRIT, T0 - HOUR(2), true, 7, true, 3, T0);
	{
		const struct ev evs[] = { CM(0, 1), CM(1, 4), CM(2, 0), END };
		const struct want w[MAXCH] = { W(2, CRIT, OK, 0, 3) };

		n = run(&r, ALERT_COMM, &ph, &st, evs, got, MAXCH, "restore comm");
		expect("restored comm", got, n, w, MAXCH);
	}
}

/* ---- messages ---- */

static void
test_messages(void)
{
	static const struct {
		const char		*name;
		enum alert_kind		 kind;
		struct alert_subject	 sub;
		const char		*rule_message;
		double			 crit_high;	/* sonde.ph and turb: warn_high 9 */
		struct ev		 ev[6];
		const char		*want;	/* of the last change */
	} cases[] = {
		{ "warning high", ALERT_VALUE, { "sonde", "ph", "[pH]" }, "", 9.5,
		    { G(0, 9.31) }, "sonde.ph 9.31 [pH] above the warning limit 9 [pH]" },
		{ "critical high", ALERT_VALUE, { "sonde", "ph", "[pH]" }, "", 9.2,
		    { G(0, 9.52) }, "sonde.ph 9.52 [pH] above the critical limit 9.2 [pH]" },
		{ "critical low", ALERT_VALUE, { "level", "depth", "m" }, "", N,
		    { G(0, 0.27) }, "level.depth 0.27 m below the critical limit 0.3 m" },
		{ "back below warning", ALERT_VALUE, { "sonde", "ph", "[pH]" }, "", 9.5,
		    { G(0, 9.31), G(1, 8.95) },
		    "sonde.ph 8.95 [pH] back below the warning limit 9 [pH]" },
		{ "back above warning", ALERT_VALUE, { "level", "depth", "m" }, "", N,
		    { G(0, 0.45), G(1, 0.6) },
		    "level.depth 0.6 m back above the warning limit 0.5 m" },
		{ "critical straight to ok", ALERT_VALUE, { "sonde", "ph", "[pH]" }, "", 9.2,
		    { G(0, 9.52), G(1, 8.2) }, "sonde.ph 8.2 [pH] back within the limits" },
		{ "critical low to warning", ALERT_VALUE, { "level", "depth", "m" }, "", N,
		    { G(0, 0.1), G(1, 0.4) },
		    "level.depth 0.4 m back above the critical limit 0.3 m, still below the "
		    "warning limit 0.5 m" },
		{ "no unit", ALERT_VALUE, { "turb", "turbidity", "" }, "", 9.5,
		    { G(0, 9.31) }, "turb.turbidity 9.31 above the warning limit 9" },
		{ "NULL unit", ALERT_VALUE, { "turb", "turbidity", NULL }, "", 9.5,
		    { G(0, 9.31) }, "turb.turbidity 9.31 above the warning limit 9" },
		{ "missing", ALERT_VALUE, { "sonde", "ph", "[pH]" }, "", 9.2,
		    { MISS(0) }, "sonde.ph: no data to judge (missing)" },
		{ "bad", ALERT_VALUE, { "sonde", "ph", "[pH]" }, "", 9.2,
		    { BAD(0) }, "sonde.ph: no data to judge (bad)" },
		{ "suspect", ALERT_VALUE, { "sonde", "ph", "[pH]" }, "", 9.2,
		    { SU(0, 7) }, "sonde.ph: no data to judge (suspect)" },
		{ "no value", ALERT_VALUE, { "sonde", "ph", "[pH]" }, "", 9.2,
		    { { RD, 0, 0, LW_Q_GOOD, false, 0 } },
		    "sonde.ph: no data to judge (no value)" },
		{ "NaN", ALERT_VALUE, { "sonde", "ph", "[pH]" }, "", 9.2,
		    { G(0, N) }, "sonde.ph: no data to judge (not a finite number)" },
		{ "a quality out of range", ALERT_VALUE, { "sonde", "ph", "[pH]" }, "", 9.2,
		    { { RD, 0, 7, (enum lw_quality)9, true, 0 } },
		    "sonde.ph: no data to judge (unknown quality)" },
		{ "within the limits again", ALERT_VALUE, { "sonde", "ph", "[pH]" }, "", 9.2,
		    { MISS(0), G(1, 8.4) }, "sonde.ph 8.4 [pH] within the limits again" },
		{ "the rule's message", ALERT_VALUE, { "sonde", "ph", "[pH]" },
		    "check the sonde for algae", 9.5,
		    { G(0, 9.31) },
		    "sonde.ph 9.31 [pH] above the warning limit 9 [pH] "
		    "(check the sonde for algae)" },
		{ "numbers: 6 significant digits, shortest", ALERT_VALUE,
		    { "sonde", "ph", "[pH]" }, "", 9.2,
		    { G(0, 9.123456789) }, "sonde.ph 9.12346 [pH] above the warning limit 9 [pH]" },
		{ "numbers: large", ALERT_VALUE, { "sonde", "ph", "" }, "", 9.2,
		    { G(0, 123456789) }, "sonde.ph 123457000 above the critical limit 9.2" },
		{ "numbers: small", ALERT_VALUE, { "level", "depth", "m" }, "", N,
		    { G(0, 0.0000123) }, "level.depth 1.23e-05 m below the critical limit 0.3 m" },
		{ "numbers: negative", ALERT_VALUE, { "level", "depth", "m" }, "", N,
		    { G(0, -2.5) }, "level.depth -2.5 m below the critical limit 0.3 m" },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct conf_alert r = rule_base();
		struct alertrule_state st;
		struct alert_change got[MAXCH];
		size_t n;

		if (strcmp(cases[i].sub.device, "level") == 0) {
			r.warn_low = 0.5;
			r.crit_low = 0.3;
		} else {
			r.warn_high = 9.0;
			r.crit_high = cases[i].crit_high;
		}
		snprintf(r.message, sizeof(r.message), "%s", cases[i].rule_message);
		alertrule_init(&st, T0);
		n = run(&r, cases[i].kind, &cases[i].sub, &st, cases[i].ev, got, MAXCH,
		    cases[i].name);
		CHECK(n >= 1, "%s: a change", cases[i].name);
		if (n >= 1)
			CHECK_EQ_STR(cases[i].want, got[n - 1].message, "%s: message",
			    cases[i].name);
	}

	/* Rate, in m per hour and without a unit. */
	{
		struct conf_alert r = rule_base();
		struct alertrule_state st;
		struct alert_change got[MAXCH];
		const struct alert_subject depth = { "level", "depth", "m" };
		const struct alert_subject bare = { "level", "depth", "" };
		const struct alert_subject *subs[] = { &depth, &bare };
		const char *want[] = {
			"level.depth falling 0.12 m per hour, faster than 0.05 m per hour",
			"level.depth falling 0.12 per hour, faster than 0.05 per hour",
		};

		r.rate_warn = 0.05;
		for (size_t k = 0; k < 2; k++) {
			char bad[256] = "";
			size_t n = 0;

			alertrule_init(&st, T0);
			for (int m = 0; m <= 40; m++) {
				struct ev e = G(MIN(m), 2.0 - 0.002 * m);

				if (feed(&r, ALERT_RATE, subs[k], &st, &e, T0, &got[n], bad,
				    sizeof(bad)) == 1 && n + 1 < MAXCH)
					n++;
			}
			CHECK(n == 1 && bad[0] == '\0', "rate message %zu: one change %s", k, bad);
			if (n == 1)
				CHECK_EQ_STR(want[k], got[0].message, "rate message %zu", k);
		}
		/* Unknown, then ok: "within the limits again". */
		{
			const struct ev evs[] = { MISS(0), G(MIN(1), 2), G(MIN(16), 2.0025),
				G(MIN(31), 2.005), END };
			const char *want_ok =
			    "level.depth rising 0.01 m per hour, within the limits again";
			size_t n;

			alertrule_init(&st, T0);
			n = run(&r, ALERT_RATE, &depth, &st, evs, got, MAXCH, "rate unknown");
			CHECK(n == 2, "rate unknown, then ok");
			if (n == 2)
				CHECK_EQ_STR(want_ok, got[1].message, "rate: unknown -> ok");
		}
	}
}

/*
 * Long names and a long rule message of 1- to 4-byte characters: the message
 * is the text it would be, cut to at most 255 bytes and by at most a partial
 * character more, so it is always UTF-8.
 */
static void
test_message_cut(void)
{
	static const char *const chars[] = {
		"x", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x8c\x8a",
	};
	char dev[LW_NAME_MAX], pt[LW_NAME_MAX], unit[LW_UNIT_MAX], full[1024];
	struct conf_alert r = rule_base();

	memset(pt, 'p', sizeof(pt) - 1);
	pt[sizeof(pt) - 1] = '\0';
	/* "°C" repeated: 30 bytes. */
	for (size_t i = 0; i + 3 < sizeof(unit); i += 3)
		memcpy(unit + i, "\xc2\xb0" "C", 3);
	unit[30] = '\0';
	r.warn_high = 1;
	for (size_t dl = 40; dl < sizeof(dev); dl++) {
		memset(dev, 'd', dl);
		dev[dl] = '\0';
		for (size_t k = 0; k < NELEM(chars); k++) {
			const struct alert_subject sub = { dev, pt, unit };
			size_t cl = strlen(chars[k]), bad_len = 0, cuts = 0;

			for (size_t len = 0; len < sizeof(r.message); len++) {
				struct alertrule_state st;
				struct alert_change c;
				struct lw_reading rd = reading(T0, 123456.789, LW_Q_GOOD, true);
				size_t ml, fl, i;

				memset(r.message, 0, sizeof(r.message));
				for (i = 0; i + cl <= len && i + cl < sizeof(r.message); i += cl)
					memcpy(r.message + i, chars[k], cl);
				snprintf(full, sizeof(full),
				    "%s.%s 123457 %s above the warning limit 1 %s%s%s%s", dev, pt,
				    unit, unit, r.message[0] ? " (" : "", r.message,
				    r.message[0] ? ")" : "");
				fl = strlen(full);
				alertrule_init(&st, T0);
				if (alertrule_reading(&r, ALERT_VALUE, &sub, &st, &rd, &c) != 1) {
					bad_len = len + 1;
					break;
				}
				ml = strnlen(c.message, sizeof(c.message));
				cuts += ml < fl;
				if (ml >= sizeof(c.message) || !utf8_valid(c.message, ml) ||
				    memcmp(c.message, full, ml) != 0 ||
				    ml + (fl > 255 ? 3 : 0) < (fl > 255 ? 255 : fl)) {
					bad_len = len + 1;
					break;
				}
			}
			CHECK(bad_len == 0 && cuts > 0,
			    "device of %zu bytes, %zu-byte characters: %zu cut, cleanly (%zu)", dl,
			    cl, cuts, bad_len);
		}
	}
	/* A rule message with no NUL of its own. */
	memset(r.message, 'x', sizeof(r.message));
	{
		const struct alert_subject sub = { "sonde", "ph", "" };
		struct alertrule_state st;
		struct alert_change c;
		struct lw_reading rd = reading(T0, 3, LW_Q_GOOD, true);
		size_t ml;

		alertrule_init(&st, T0);
		CHECK(alertrule_reading(&r, ALERT_VALUE, &sub, &st, &rd, &c) == 1,
		    "an unterminated rule message: a change");
		ml = strnlen(c.message, sizeof(c.message));
		CHECK(ml == strlen("sonde.ph 3 above the warning limit 1 (") + sizeof(r.message) +
		    1 && c.message[ml - 1] == ')',
		    "an unterminated rule message is taken whole: %zu", ml);
	}
}

/* Calls that have nothing to do. */
static void
test_nothing_to_do(void)
{
	struct conf_alert r = rule_base();
	struct alertrule_state st, before;
	struct lw_reading rd = reading(T0, 100, LW_Q_GOOD, true);
	struct alert_change c;

	r.warn_high = 1;
	r.stale_ms = 1;
	r.comm_failures = 1;
	alertrule_init(&st, T0);
	before = st;
	CHECK_EQ_INT(0, alertrule_tick(&r, ALERT_VALUE, &ph, &st, T0 + HOUR(1), &c),
	    "a tick for a value alert");
	CHECK_EQ_INT(0, alertrule_reading(&r, ALERT_COMM, &ph, &st, &rd, &c),
	    "a reading for a comm alert");
	CHECK_EQ_INT(0, alertrule_reading(&r, (enum alert_kind)42, &ph, &st, &rd, &c),
	    "a kind out of range");
	CHECK_EQ_INT(0, alertrule_reading(NULL, ALERT_VALUE, &ph, &st, &rd, &c), "no rule");
	CHECK_EQ_INT(0, alertrule_reading(&r, ALERT_VALUE, &ph, &st, NULL, &c), "no reading");
	CHECK_EQ_INT(0, alertrule_tick(&r, ALERT_STALE, &ph, NULL, T0, &c), "no state");
	CHECK_EQ_INT(0, memcmp(&st, &before, sizeof(st)), "the state untouched");
	CHECK_EQ_INT(1, alertrule_reading(&r, ALERT_VALUE, NULL, &st, &rd, &c), "no subject");
	CHECK_EQ_STR("? 100 above the warning limit 1", c.message, "no subject: message");

	/* Counters that saturate: many readings at one instant. */
	r = rule_base();
	r.flatline_ms = 1;
	r.flatline_tolerance = 1;
	alertrule_init(&st, T0);
	st.band = true;
	st.band_min = st.band_max = 5;
	st.band_since_ms = T0;
	st.band_n = UINT32_MAX - 1;
	for (int i = 0; i < 3; i++) {
		rd = reading(T0, 5, LW_Q_GOOD, true);
		alertrule_reading(&r, ALERT_FLATLINE, &ph, &st, &rd, NULL);
	}
	CHECK_EQ_INT(UINT32_MAX, st.band_n, "the band count saturates");

	/* Times at both ends of int64_t, with a window of all time. */
	r = rule_base();
	r.rate_warn = 1;
	r.rate_window_ms = INT64_MAX;
	alertrule_init(&st, INT64_MIN);
	{
		static const int64_t ts[] = { INT64_MIN + 5, INT64_MIN + 6, INT64_MAX - 1, INT64_MAX };
		int changes = 0;

		for (size_t i = 0; i < NELEM(ts); i++) {
			rd = reading(ts[i], (double)i, LW_Q_GOOD, true);
			changes += alertrule_reading(&r, ALERT_RATE, &ph, &st, &rd, &c);
		}
		CHECK(changes == 0 && st.rate_n >= 1 && st.rate_n <= ALERTRULE_RATE_SLICES,
		    "the ends of time: %d changes, %u slices", changes, st.rate_n);
	}
}

/* A random sequence of everything, on every kind, checked against the invariants. */
static void
test_random(void)
{
	static const enum lw_quality qs[] = { LW_Q_GOOD, LW_Q_GOOD, LW_Q_GOOD, LW_Q_SUSPECT,
		LW_Q_BAD, LW_Q_MISSING, LW_Q_MAINTENANCE };
	uint64_t seed = 0x9E3779B97F4A7C15u;

	for (int kind = 0; kind < ALERT_NKINDS; kind++) {
		struct conf_alert r = rule_base();
		struct alertrule_state st;
		char bad[256] = "";
		int64_t t = 0;
		unsigned changes = 0;

		r.warn_high = 9;
		r.crit_high = 9.5;
		r.warn_low = 7;
		r.crit_low = 6.5;
		r.hysteresis = 0.1;
		r.hold_ms = MIN(2);
		r.clear_hold_ms = MIN(3);
		r.rate_warn = 1;
		r.rate_crit = 3;
		r.rate_window_ms = MIN(30);
		r.stale_ms = MIN(5);
		r.flatline_ms = MIN(20);
		r.flatline_tolerance = 0.05;
		r.comm_failures = 3;
		r.use_suspect = kind % 2;
		alertrule_init(&st, T0);
		for (int i = 0; i < 200000; i++) {
			uint64_t x = tap_rand(&seed);
			struct ev e;

			t += (int64_t)(x % 120000) - (x % 1000 == 0 ? HOUR(1) : 0);
			e.t = t;
			e.q = qs[(x >> 20) % NELEM(qs)];
			e.hv = (x >> 24) % 16 != 0;
			e.v = 8 + 2.0 * sin((double)i / 500.0) + (double)((x >> 28) % 100) / 500.0;
			e.fails = (unsigned)((x >> 36) % 6);
			e.op = (x >> 40) % 10 < 6 ? RD : (x >> 40) % 10 < 8 ? TICK :
			    (x >> 40) % 10 == 8 ? COMM : (x >> 44) % 2 ? MON : MOFF;
			if ((x >> 48) % 5000 == 0)
				alertrule_restore(&st, (enum alert_severity)((x >> 52) % 4), T0 + t,
				    true, e.v, true, 9, T0 + t);
			changes += feed(&r, (enum alert_kind)kind, &ph, &st, &e, T0, NULL, bad,
			    sizeof(bad)) == 1;
			if (bad[0] != '\0')
				break;
		}
		CHECK(bad[0] == '\0', "random %s: invariants%s%s", alert_kind_name(kind),
		    bad[0] ? ": " : "", bad);
		CHECK(changes > 10, "random %s: %u changes", alert_kind_name(kind), changes);
	}
}

int
main(void)
{
	test_value_levels();
	test_value_table();
	test_data_unknown();
	test_scenario();
	test_rate_ramps();
	test_rate_span();
	test_rate_clear_and_hold();
	test_rate_reset();
	test_rate_odd();
	test_flatline();
	test_stale();
	test_comm();
	test_restore();
	test_messages();
	test_message_cut();
	test_nothing_to_do();
	test_random();
	return tap_done();
}
