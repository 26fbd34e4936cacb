/* SPDX-License-Identifier: MIT */
/*
 * The rule engine for one alert (see alertrule.h for the rules).  Every entry
 * point first deals with maintenance and with whether the kind is watched at
 * all, then hands the event to the kind's own function, which decides the
 * level seen and, through the holds for value and rate, whether the severity
 * changes.  A change goes through change(), which updates the state and
 * fills in what the caller gets, the sentence last.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertrule.h"
#include "duration.h"
#include "numfmt.h"

/* Which limits of a value alert are active. */
enum {
	SIDE_NONE,		/* none, or not known */
	SIDE_HIGH,
	SIDE_LOW,
	SIDE_UNSET,		/* to be found from the state's limit or value */
};

#define MS_PER_HOUR	3600000.0

struct level {
	enum alert_severity	 sev;	/* ok, warning or critical */
	int			 side;
};

/* a - b, saturated to the int64_t range. */
static int64_t
sat_sub(int64_t a, int64_t b)
{
	if (b < 0 && a > INT64_MAX + b)
		return INT64_MAX;
	if (b > 0 && a < INT64_MIN + b)
		return INT64_MIN;
	return a - b;
}

static bool
active(enum alert_severity s)
{
	return s == ALERT_WARNING || s == ALERT_CRITICAL;
}

/* The severity a kind raises to, the configured one or its default. */
static enum alert_severity
raise_severity(enum alert_severity s, enum alert_severity dflt)
{
	return active(s) ? s : dflt;
}

static double
hysteresis(const struct conf_alert *r)
{
	return r->hysteresis > 0 && isfinite(r->hysteresis) ? r->hysteresis : 0;
}

static double
tolerance(const struct conf_alert *r)
{
	return r->flatline_tolerance > 0 ? r->flatline_tolerance : 0;
}

static bool
watched(const struct conf_alert *r, enum alert_kind kind)
{
	switch (kind) {
	case ALERT_VALUE:
		return !isnan(r->warn_high) || !isnan(r->crit_high) || !isnan(r->warn_low) ||
		    !isnan(r->crit_low);
	case ALERT_RATE:
		return r->rate_window_ms > 0 && (!isnan(r->rate_warn) || !isnan(r->rate_crit));
	case ALERT_STALE:
		return r->stale_ms > 0;
	case ALERT_FLATLINE:
		return r->flatline_ms > 0;
	case ALERT_COMM:
		return r->comm_failures > 0;
	case ALERT_NKINDS:
		break;
	}
	return false;
}

static void
reset_transient(struct alertrule_state *st, int64_t now_ms)
{
	st->in_maintenance = false;
	st->maintenance_set = false;
	st->side = SIDE_UNSET;
	st->pending = false;
	st->pending_up = false;
	st->pending_level = ALERT_OK;
	st->pending_side = SIDE_NONE;
	st->pending_since_ms = now_ms;
	st->last_good_ms = now_ms;
	st->band = false;
	st->band_min = st->band_max = 0;
	st->band_since_ms = now_ms;
	st->band_n = 0;
	st->rate_last_ms = now_ms;
	st->rate_first = 0;
	st->rate_n = 0;
}

/*
 * Start a new alert: ok since now, nothing known of its past.  The caller
 * owns *st; nothing is kept of now_ms but the times.
 */
void
alertrule_init(struct alertrule_state *st, int64_t now_ms)
{
	memset(st, 0, sizeof(*st));
	st->severity = ALERT_OK;
	st->since_ms = now_ms;
	st->value = st->limit = 0;
	reset_transient(st, now_ms);
}

/*
 * Take an alert back as it was persisted before a restart, so that an
 * active alert stays active and is not raised again.
 */
void
alertrule_restore(struct alertrule_state *st, enum alert_severity sev, int64_t since_ms,
    bool has_value, double value, bool has_limit, double limit, int64_t now_ms)
{
	alertrule_init(st, now_ms);
	st->severity = (unsigned)sev <= ALERT_UNKNOWN ? sev : ALERT_UNKNOWN;
	st->since_ms = since_ms;
	st->has_value = has_value && isfinite(value);
	st->value = st->has_value ? value : 0;
	st->has_limit = has_limit && isfinite(limit);
	st->limit = st->has_limit ? limit : 0;
}

/* Maintenance as configured for the device: silence, or judge afresh from now. */
void
alertrule_maintenance(struct alertrule_state *st, bool on, int64_t now_ms)
{
	if (on) {
		st->maintenance_set = true;
		st->pending = false;
		return;
	}
	if (st->maintenance_set)
		reset_transient(st, now_ms);
}

/* Whether a reading counts (see alertrule.h); for the caller's statistics too. */
bool
alertrule_good(const struct conf_alert *r, const struct lw_reading *rd)
{
	if (rd->quality != LW_Q_GOOD && !(rd->quality == LW_Q_SUSPECT && r->use_suspect))
		return false;
	return rd->has_value && isfinite(rd->value);
}

/* Why a reading that is not good is not: for the message. */
static const char *
bad_reason(const struct lw_reading *rd)
{
	switch (rd->quality) {
	case LW_Q_GOOD:
	case LW_Q_SUSPECT:
		break;
	case LW_Q_BAD:
	case LW_Q_MISSING:
	case LW_Q_MAINTENANCE:
		return lw_quality_name(rd->quality);
	default:
		return "unknown quality";
	}
	if (!rd->has_value)
		return "no value";
	if (!isfinite(rd->value))
		return "not a finite number";
	return "suspect";	/* and the rule does not take suspect readings */
}

/* ---- the sentence ---- */

struct msg {
	char		*buf;
	size_t		 cap;
	size_t		 len;
	bool		 cut;
};

static void msg_add(struct msg *, const char *, ...) __attribute__((format(printf, 2, 3)));

static void
msg_add(struct msg *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->cut || m->cap == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->len, m->cap - m->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		m->buf[m->len] = '\0';
		m->cut = true;
	} else if ((size_t)n >= m->cap - m->len) {
		m->len = m->cap - 1;
		m->cut = true;
	} else {
		m->len += (size_t)n;
	}
}

/* Drop a UTF-8 sequence that the cut left unfinished at the end. */
static void
msg_finish(struct msg *m)
{
	size_t i, need;
	unsigned char lead;

	if (!m->cut || m->len == 0)
		return;
	i = m->len;
	while (i > 0 && m->len - i < 3 && ((unsigned char)m->buf[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)m->buf[i - 1];
	if (lead < 0xC0)
		return;		/* ASCII, or not UTF-8 at all: leave it */
	need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	if (m->len - (i - 1) < need) {
		m->len = i - 1;
		m->buf[m->len] = '\0';
	}
}

/*
 * A number for people: rounded to 6 significant digits, then the shortest
 * text that reads back as that ("0.12", not "0.12000000000000001").
 */
static const char *
num(char *buf, size_t len, double v)
{
	char tmp[40];
	double r = v;

	if (!isfinite(v)) {
		snprintf(buf, len, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
		return buf;
	}
	if (v == 0)
		v = r = 0;	/* no "-0" */
	if (snprintf(tmp, sizeof(tmp), "%.5e", v) > 0) {
		r = strtod(tmp, NULL);
		if (!isfinite(r))
			r = v;
	}
	if (numfmt_double(buf, len, r) < 0)
		snprintf(buf, len, "%.6g", v);
	return buf;
}

#define NUM_MAX		(NUMFMT_DOUBLE_MAX + 8)
#define QTY_MAX		(NUM_MAX + LW_UNIT_MAX + 1)	/* a unit as long as a reading's */

/* "9.31 [pH]", or "9.31" with no unit. */
static const char *
qty(char *buf, size_t len, double v, const char *unit)
{
	char n[NUM_MAX];

	num(n, sizeof(n), v);
	if (unit != NULL && unit[0] != '\0')
		snprintf(buf, len, "%s %.*s", n, LW_UNIT_MAX - 1, unit);
	else
		snprintf(buf, len, "%s", n);
	return buf;
}

static void
msg_subject(struct msg *m, const struct alert_subject *sub, bool with_point)
{
	const char *dev = sub != NULL && sub->device != NULL ? sub->device : "?";

	if (with_point && sub != NULL && sub->point != NULL)
		msg_add(m, "%s.%s", dev, sub->point);
	else
		msg_add(m, "%s", dev);
}

static const char *
unit_of(const struct alert_subject *sub)
{
	return sub != NULL && sub->unit != NULL ? sub->unit : "";
}

/* ---- changes ---- */

/* What a change says, besides from, to and the time. */
struct what {
	bool		 has_value;
	double		 value;
	bool		 has_limit;
	double		 limit;
};

/*
 * Make the change from st->severity to `to` at t: the state takes it, and
 * *out (when not NULL) gets it with an empty message for the caller to write.
 */
static struct msg
change(struct alertrule_state *st, enum alert_severity to, int64_t t, struct what w,
    struct alert_change *out)
{
	struct msg m = { NULL, 0, 0, false };
	enum alert_severity from = st->severity;

	if (!isfinite(w.value))
		w.has_value = false;
	if (!isfinite(w.limit))
		w.has_limit = false;
	st->severity = to;
	st->since_ms = t;
	st->has_value = w.has_value;
	st->value = w.has_value ? w.value : 0;
	st->has_limit = w.has_limit;
	st->limit = w.has_limit ? w.limit : 0;
	st->data_unknown = false;
	st->pending = false;
	if (!active(to))
		st->side = SIDE_NONE;
	if (out != NULL) {
		out->from = from;
		out->to = to;
		out->transition = alert_transition_between(from, to);
		out->time_ms = t;
		out->has_value = st->has_value;
		out->value = st->value;
		out->has_limit = st->has_limit;
		out->limit = st->limit;
		out->message[0] = '\0';
		m.buf = out->message;
		m.cap = sizeof(out->message);
	}
	return m;
}

/* The end of every sentence: the rule's own words, then the clean cut. */
static int
done(struct msg *m, const struct conf_alert *r)
{
	if (m->buf == NULL)
		return 1;
	if (r->message[0] != '\0')
		msg_add(m, " (%.*s)", (int)sizeof(r->message), r->message);
	msg_finish(m);
	return 1;
}

/* Bad data for value, rate and flatline: ok becomes unknown, active is kept. */
static int
bad_data(const struct conf_alert *r, const struct alert_subject *sub, struct alertrule_state *st,
    const struct lw_reading *rd, struct alert_change *out)
{
	struct msg m;

	st->pending = false;
	if (active(st->severity)) {
		st->data_unknown = true;
		return 0;
	}
	if (st->severity != ALERT_OK)
		return 0;
	m = change(st, ALERT_UNKNOWN, rd->time_ms, (struct what){ false, 0, false, 0 }, out);
	msg_subject(&m, sub, true);
	msg_add(&m, ": no data to judge (%s)", bad_reason(rd));
	return done(&m, r);
}

/*
 * The holds: given the level seen at now, whether the severity changes, and
 * to what (*ret).  Ok and unknown count as ok, but unknown -> ok is at once.
 */
static bool
held(const struct conf_alert *r, struct alertrule_state *st, struct level seen, int64_t now,
    struct level *ret)
{
	enum alert_severity base = st->severity == ALERT_UNKNOWN ? ALERT_OK : st->severity;
	int64_t hold;
	bool up;

	if (seen.sev == base) {
		st->pending = false;
		if (st->severity == ALERT_UNKNOWN) {
			*ret = seen;
			return true;
		}
		if (active(seen.sev) && seen.side != SIDE_NONE)
			st->side = seen.side;
		return false;
	}
	up = seen.sev > base;
	hold = up ? r->hold_ms : r->clear_hold_ms;
	if (hold > 0) {
		if (!st->pending || st->pending_up != up || now < st->pending_since_ms) {
			st->pending = true;
			st->pending_up = up;
			st->pending_since_ms = now;
		}
		st->pending_level = seen.sev;
		st->pending_side = seen.side;
		if (sat_sub(now, st->pending_since_ms) < hold)
			return false;
	}
	st->pending = false;
	*ret = seen;
	return true;
}

/* ---- value ---- */

static double
side_limit(const struct conf_alert *r, enum alert_severity sev, int side)
{
	if (side == SIDE_HIGH)
		return sev == ALERT_CRITICAL ? r->crit_high : r->warn_high;
	if (side == SIDE_LOW)
		return sev == ALERT_CRITICAL ? r->crit_low : r->warn_low;
	return NAN;
}

/* The side of an active alert whose side was forgotten (restore, maintenance). */
static int
infer_side(const struct conf_alert *r, const struct alertrule_state *st)
{
	double hi = fmin(r->warn_high, r->crit_high), lo = fmax(r->warn_low, r->crit_low);

	if (isnan(lo) && !isnan(hi))
		return SIDE_HIGH;
	if (isnan(hi) && !isnan(lo))
		return SIDE_LOW;
	if (isnan(hi))
		return SIDE_NONE;
	if (st->has_limit) {
		if (st->limit == r->warn_high || st->limit == r->crit_high)
			return SIDE_HIGH;
		if (st->limit == r->warn_low || st->limit == r->crit_low)
			return SIDE_LOW;
	}
	if (st->has_value)
		return st->value >= hi / 2 + lo / 2 ? SIDE_HIGH : SIDE_LOW;
	return SIDE_NONE;
}

static struct level
value_level(const struct conf_alert *r, enum alert_severity cur, int side, double v)
{
	double h = hysteresis(r);
	double wh = r->warn_high, ch = r->crit_high, wl = r->warn_low, cl = r->crit_low;
	enum alert_severity hi, lo;

	if (active(cur) && side != SIDE_LOW) {
		wh -= h;
		if (cur == ALERT_CRITICAL)
			ch -= h;
	}
	if (active(cur) && side != SIDE_HIGH) {
		wl += h;
		if (cur == ALERT_CRITICAL)
			cl += h;
	}
	hi = v > ch ? ALERT_CRITICAL : v > wh ? ALERT_WARNING : ALERT_OK;
	lo = v < cl ? ALERT_CRITICAL : v < wl ? ALERT_WARNING : ALERT_OK;
	if (hi == ALERT_OK && lo == ALERT_OK)
		return (struct level){ ALERT_OK, SIDE_NONE };
	if (hi > lo || (hi == lo && side != SIDE_LOW))
		return (struct level){ hi, SIDE_HIGH };
	return (struct level){ lo, SIDE_LOW };
}

static int
value_reading(const struct conf_alert *r, const struct alert_subject *sub,
    struct alertrule_state *st, const struct lw_reading *rd, struct alert_change *out)
{
	enum alert_severity from = st->severity;
	const char *unit = unit_of(sub);
	int64_t t = rd->time_ms;
	char q[QTY_MAX], lq[QTY_MAX], wq[QTY_MAX];
	struct level seen, to;
	int old_side;
	double lim;
	bool rise, known;
	struct msg m;

	st->data_unknown = false;
	if (!active(from))
		st->side = SIDE_NONE;
	else if (st->side == SIDE_UNSET)
		st->side = infer_side(r, st);
	old_side = st->side;
	seen = value_level(r, from, old_side, rd->value);
	if (!held(r, st, seen, t, &to))
		return 0;

	qty(q, sizeof(q), rd->value, unit);
	if (from == ALERT_UNKNOWN && to.sev == ALERT_OK) {
		m = change(st, ALERT_OK, t, (struct what){ true, rd->value, false, 0 }, out);
		msg_subject(&m, sub, true);
		msg_add(&m, " %s within the limits again", q);
		return done(&m, r);
	}
	if (old_side == SIDE_NONE)
		old_side = to.side;
	/* A rise, or a drop to the other side: told by the new level's limit. */
	rise = to.sev > (from == ALERT_UNKNOWN ? ALERT_OK : from) ||
	    (to.sev != ALERT_OK && to.side != old_side);
	if (rise) {
		lim = side_limit(r, to.sev, to.side);
		m = change(st, to.sev, t, (struct what){ true, rd->value, true, lim }, out);
		st->side = to.side;
		msg_subject(&m, sub, true);
		msg_add(&m, " %s %s the %s limit %s", q, to.side == SIDE_LOW ? "below" : "above",
		    alert_severity_name(to.sev), qty(lq, sizeof(lq), lim, unit));
		return done(&m, r);
	}
	/* A drop: told by the limit of the level left, when it is known. */
	lim = side_limit(r, from, old_side);
	known = !isnan(lim);
	if (!known && st->has_limit)
		lim = st->limit;
	m = change(st, to.sev, t, (struct what){ true, rd->value, !isnan(lim), lim }, out);
	if (to.sev != ALERT_OK)
		st->side = to.side;
	msg_subject(&m, sub, true);
	if (!known || (from == ALERT_CRITICAL && to.sev == ALERT_OK &&
	    !isnan(side_limit(r, ALERT_WARNING, old_side)))) {
		msg_add(&m, " %s back within the limits", q);
	} else {
		msg_add(&m, " %s back %s the %s limit %s", q,
		    old_side == SIDE_LOW ? "above" : "below", alert_severity_name(from),
		    qty(lq, sizeof(lq), lim, unit));
		if (to.sev == ALERT_WARNING)
			msg_add(&m, ", still %s the warning limit %s",
			    old_side == SIDE_LOW ? "below" : "above",
			    qty(wq, sizeof(wq), side_limit(r, ALERT_WARNING, old_side), unit));
	}
	return done(&m, r);
}

/* ---- rate ---- */

static struct alertrule_slice *
slice_at(struct alertrule_state *st, unsigned i)
{
	return &st->rate[(st->rate_first + i) % ALERTRULE_RATE_SLICES];
}

static void
drop_oldest(struct alertrule_state *st)
{
	st->rate_first = (st->rate_first + 1) % ALERTRULE_RATE_SLICES;
	st->rate_n--;
}

static void
rate_add(const struct conf_alert *r, struct alertrule_state *st, int64_t t, double v)
{
	int64_t w = r->rate_window_ms;
	int64_t width = w / (ALERTRULE_RATE_SLICES - 1) + (w % (ALERTRULE_RATE_SLICES - 1) != 0);
	int64_t oldest = sat_sub(t, w);
	struct alertrule_slice *s;

	if (st->rate_n > 0 && t < st->rate_last_ms)
		st->rate_n = 0;		/* the clock stepped back */
	while (st->rate_n > 0 && slice_at(st, 0)->first_ms < oldest)
		drop_oldest(st);
	st->rate_last_ms = t;
	if (st->rate_n > 0) {
		s = slice_at(st, st->rate_n - 1);
		if (sat_sub(t, s->first_ms) < width && s->n < UINT32_MAX) {
			double x = (double)sat_sub(t, s->first_ms), n1 = (double)s->n + 1;
			double dx = x - s->mean_t, dv = v - s->mean_v;

			s->mean_t += dx / n1;
			s->mean_v += dv / n1;
			s->m_tt += dx * (x - s->mean_t);
			s->c_tv += dx * (v - s->mean_v);
			s->n++;
			return;
		}
	}
	if (st->rate_n == ALERTRULE_RATE_SLICES)
		drop_oldest(st);
	s = slice_at(st, st->rate_n);
	st->rate_n++;
	*s = (struct alertrule_slice){ t, 1, 0, v, 0, 0 };
}

/* The least-squares slope of the window per hour; false when it is not to be judged. */
static bool
rate_of(const struct conf_alert *r, struct alertrule_state *st, double *ret)
{
	int64_t w = r->rate_window_ms, span, origin;
	double n = 0, mt = 0, mv = 0, mtt = 0, ctv = 0, rate;

	if (st->rate_n == 0)
		return false;
	origin = slice_at(st, 0)->first_ms;
	span = sat_sub(st->rate_last_ms, origin);
	if (span < w - w / 2)
		return false;
	for (unsigned i = 0; i < st->rate_n; i++) {
		const struct alertrule_slice *s = slice_at(st, i);
		double nb = s->n, nn = n + nb;
		double tb = (double)sat_sub(s->first_ms, origin) + s->mean_t;
		double dt = tb - mt, dv = s->mean_v - mv;

		mt += dt * nb / nn;
		mv += dv * nb / nn;
		mtt += s->m_tt + dt * dt * n * nb / nn;
		ctv += s->c_tv + dt * dv * n * nb / nn;
		n = nn;
	}
	if (n < 3 || !(mtt > 0))
		return false;
	rate = ctv / mtt * MS_PER_HOUR;
	if (!isfinite(rate))
		return false;
	*ret = rate;
	return true;
}

static double
rate_limit(const struct conf_alert *r, enum alert_severity sev)
{
	return sev == ALERT_CRITICAL ? r->rate_crit : sev == ALERT_WARNING ? r->rate_warn : NAN;
}

/* "rising 0.12 m per hour", "falling ...", "steady". */
static void
msg_motion(struct msg *m, double rate, const char *unit)
{
	char q[QTY_MAX];

	if (rate == 0)
		msg_add(m, " steady");
	else
		msg_add(m, " %s %s per hour", rate > 0 ? "rising" : "falling",
		    qty(q, sizeof(q), fabs(rate), unit));
}

static int
rate_reading(const struct conf_alert *r, const struct alert_subject *sub,
    struct alertrule_state *st, const struct lw_reading *rd, struct alert_change *out)
{
	enum alert_severity from = st->severity;
	const char *unit = unit_of(sub);
	char lq[QTY_MAX];
	struct level seen, to;
	double rate, mag, lim;
	struct msg m;

	st->data_unknown = false;
	rate_add(r, st, rd->time_ms, rd->value);
	if (!rate_of(r, st, &rate))
		return 0;
	mag = r->rate_direction == 0 ? fabs(rate) : r->rate_direction > 0 ? rate : -rate;
	seen.side = SIDE_NONE;
	seen.sev = mag > r->rate_crit ? ALERT_CRITICAL : mag > r->rate_warn ? ALERT_WARNING :
	    ALERT_OK;
	if (!held(r, st, seen, rd->time_ms, &to))
		return 0;
	if (from == ALERT_UNKNOWN && to.sev == ALERT_OK) {
		m = change(st, ALERT_OK, rd->time_ms, (struct what){ true, rate, false, 0 }, out);
		msg_subject(&m, sub, true);
		msg_motion(&m, rate, unit);
		msg_add(&m, ", within the limits again");
		return done(&m, r);
	}
	if (to.sev > (from == ALERT_UNKNOWN ? ALERT_OK : from)) {
		lim = rate_limit(r, to.sev);
		m = change(st, to.sev, rd->time_ms, (struct what){ true, rate, true, lim }, out);
		msg_subject(&m, sub, true);
		msg_motion(&m, rate, unit);
		msg_add(&m, ", faster than %s per hour", qty(lq, sizeof(lq), lim, unit));
		return done(&m, r);
	}
	lim = rate_limit(r, from);
	m = change(st, to.sev, rd->time_ms, (struct what){ true, rate, !isnan(lim), lim }, out);
	msg_subject(&m, sub, true);
	msg_motion(&m, rate, unit);
	if (isnan(lim))
		msg_add(&m, ", within the limits again");
	else
		msg_add(&m, ", no longer faster than %s per hour", qty(lq, sizeof(lq), lim, unit));
	return done(&m, r);
}

/* ---- stale ---- */

static int
stale_check(const struct conf_alert *r, const struct alert_subject *sub,
    struct alertrule_state *st, int64_t now, struct alert_change *out)
{
	enum alert_severity sev = raise_severity(r->stale_severity, ALERT_WARNING);
	char d[32];
	int64_t age;
	struct msg m;

	if (now < st->last_good_ms)
		st->last_good_ms = now;
	age = sat_sub(now, st->last_good_ms);
	if (age < r->stale_ms || st->severity == sev)
		return 0;
	m = change(st, sev, now, (struct what){ true, (double)age / 1000.0, true,
	    (double)r->stale_ms / 1000.0 }, out);
	msg_subject(&m, sub, true);
	msg_add(&m, ": no good reading for %s", duration_format(r->stale_ms, d, sizeof(d)));
	return done(&m, r);
}

static int
stale_reading(const struct conf_alert *r, const struct alert_subject *sub,
    struct alertrule_state *st, const struct lw_reading *rd, bool good, struct alert_change *out)
{
	char q[QTY_MAX];
	int64_t age;
	struct msg m;

	if (!good)
		return stale_check(r, sub, st, rd->time_ms, out);
	age = sat_sub(rd->time_ms, st->last_good_ms);
	st->last_good_ms = rd->time_ms;
	if (st->severity == ALERT_OK)
		return 0;
	m = change(st, ALERT_OK, rd->time_ms, (struct what){ true,
	    age > 0 ? (double)age / 1000.0 : 0, true, (double)r->stale_ms / 1000.0 }, out);
	msg_subject(&m, sub, true);
	msg_add(&m, " %s: good data again", qty(q, sizeof(q), rd->value, unit_of(sub)));
	return done(&m, r);
}

/* ---- flatline ---- */

static void
band_open(struct alertrule_state *st, int64_t t, double v)
{
	st->band = true;
	st->band_min = st->band_max = v;
	st->band_since_ms = t;
	st->band_n = 1;
}

static int
flatline_reading(const struct conf_alert *r, const struct alert_subject *sub,
    struct alertrule_state *st, const struct lw_reading *rd, struct alert_change *out)
{
	enum alert_severity sev = raise_severity(r->flatline_severity, ALERT_WARNING), to;
	const char *unit = unit_of(sub);
	double v = rd->value, tol = tolerance(r), lo, hi;
	int64_t t = rd->time_ms;
	char q[QTY_MAX], tq[QTY_MAX], d[32];
	struct msg m;

	st->data_unknown = false;
	if (!st->band) {
		band_open(st, t, v);
	} else {
		if (t < st->band_since_ms)
			st->band_since_ms = t;
		lo = fmin(st->band_min, v);
		hi = fmax(st->band_max, v);
		if (!(hi - lo <= tol)) {
			band_open(st, t, v);
			if (!active(st->severity))
				goto judge;
			m = change(st, ALERT_OK, t, (struct what){ true, v, true, tol }, out);
			msg_subject(&m, sub, true);
			msg_add(&m, " %s: changing again", qty(q, sizeof(q), v, unit));
			return done(&m, r);
		}
		st->band_min = lo;
		st->band_max = hi;
		if (st->band_n < UINT32_MAX)
			st->band_n++;
	}
judge:
	to = st->band_n >= 3 && sat_sub(t, st->band_since_ms) >= r->flatline_ms ? sev : ALERT_OK;
	if (to == st->severity || (to == ALERT_OK && st->severity != ALERT_UNKNOWN))
		return 0;
	m = change(st, to, t, (struct what){ true, v, true, tol }, out);
	msg_subject(&m, sub, true);
	qty(q, sizeof(q), v, unit);
	if (to == ALERT_OK) {
		msg_add(&m, " %s: good data again", q);
	} else {
		duration_format(r->flatline_ms, d, sizeof(d));
		if (tol == 0)
			msg_add(&m, " stuck at %s (unchanged for %s)", q, d);
		else
			msg_add(&m, " stuck at %s (within %s for %s)", q,
			    qty(tq, sizeof(tq), tol, unit), d);
	}
	return done(&m, r);
}

/* ---- entry points ---- */

/*
 * Judge one reading of the alert's point: maintenance first, then good or
 * bad data for the kind.  *st is updated whether or not the severity changes.
 */
int
alertrule_reading(const struct conf_alert *r, enum alert_kind kind,
    const struct alert_subject *sub, struct alertrule_state *st, const struct lw_reading *rd,
    struct alert_change *out)
{
	bool good;

	if (r == NULL || st == NULL || rd == NULL || kind == ALERT_COMM || !watched(r, kind))
		return 0;
	if (st->maintenance_set)
		return 0;
	if (rd->quality == LW_Q_MAINTENANCE) {
		st->in_maintenance = true;
		st->pending = false;
		return 0;
	}
	if (st->in_maintenance)
		reset_transient(st, rd->time_ms);
	good = alertrule_good(r, rd);
	switch (kind) {
	case ALERT_STALE:
		return stale_reading(r, sub, st, rd, good, out);
	case ALERT_VALUE:
		return good ? value_reading(r, sub, st, rd, out) : bad_data(r, sub, st, rd, out);
	case ALERT_RATE:
		return good ? rate_reading(r, sub, st, rd, out) : bad_data(r, sub, st, rd, out);
	case ALERT_FLATLINE:
		return good ? flatline_reading(r, sub, st, rd, out) : bad_data(r, sub, st, rd, out);
	case ALERT_COMM:
	case ALERT_NKINDS:
		break;
	}
	return 0;
}

/* Let time pass for the alert: only a stale alert has anything to do. */
int
alertrule_tick(const struct conf_alert *r, enum alert_kind kind, const struct alert_subject *sub,
    struct alertrule_state *st, int64_t now_ms, struct alert_change *out)
{
	if (r == NULL || st == NULL || kind != ALERT_STALE || !watched(r, kind))
		return 0;
	if (st->maintenance_set || st->in_maintenance)
		return 0;
	return stale_check(r, sub, st, now_ms, out);
}

int64_t
alertrule_tick_due(const struct conf_alert *r, enum alert_kind kind,
    const struct alertrule_state *st)
{
	if (r == NULL || st == NULL || kind != ALERT_STALE || !watched(r, kind) ||
	    st->maintenance_set || st->in_maintenance ||
	    st->severity == raise_severity(r->stale_severity, ALERT_WARNING))
		return INT64_MAX;
	return st->last_good_ms > INT64_MAX - r->stale_ms ? INT64_MAX :
	    st->last_good_ms + r->stale_ms;
}

/* Judge the outcome of one poll of the device for its comm alert. */
int
alertrule_comm(const struct conf_alert *r, const struct alert_subject *sub,
    struct alertrule_state *st, int64_t time_ms, unsigned failed, struct alert_change *out)
{
	enum alert_severity sev;
	struct msg m;

	if (r == NULL || st == NULL || !watched(r, ALERT_COMM))
		return 0;
	if (st->maintenance_set || st->in_maintenance)
		return 0;
	sev = raise_severity(r->comm_severity, ALERT_CRITICAL);
	if (failed == 0) {
		if (st->severity == ALERT_OK)
			return 0;
		m = change(st, ALERT_OK, time_ms, (struct what){ true, 0, true,
		    (double)r->comm_failures }, out);
		msg_subject(&m, sub, false);
		msg_add(&m, ": answering again");
		return done(&m, r);
	}
	if (failed < r->comm_failures || st->severity == sev)
		return 0;
	m = change(st, sev, time_ms, (struct what){ true, (double)failed, true,
	    (double)r->comm_failures }, out);
	msg_subject(&m, sub, false);
	if (failed == 1)
		msg_add(&m, ": 1 poll failed");
	else
		msg_add(&m, ": %u polls in a row failed", failed);
	return done(&m, r);
}
