/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the alert rule engine.  The input is read as a rule
 * (a kind, limits sorted so that they are valid, some of them not set,
 * hysteresis, holds, rate, stale, flatline and comm settings, a message and
 * the names of the subject, long ones too) and then a sequence of events:
 * readings of every quality with values near the limits or anything,
 * ticks, poll results, maintenance on and off, and restores, at times that
 * go forwards, backwards or anywhere.  Besides the sanitizers' own findings
 * it checks, and aborts on a violation of:
 *
 * - a call returns 1 exactly when the severity changed, and then the change
 *   goes from the previous severity to the new one, with the transition
 *   alert_transition_between gives, at the event's time, which since_ms
 *   takes; the message is not empty, NUL-terminated and UTF-8;
 * - a change to ok never comes from bad data or a tick, a change to
 *   unknown only from ok on bad data for value, rate and flatline, and
 *   nothing changes in maintenance;
 * - the severity is always one of the four, data_unknown only when active,
 *   values and limits finite, the rate window within its slices;
 * - value: a rise is to a level the raw limits give for the reading, and
 *   with no holds the severity after a good reading lies between the level
 *   of the raw limits and that of the limits moved back by the hysteresis
 *   (exactly the raw level when there is none); rate: a finite rate; comm:
 *   ok exactly on 0 failures, the comm severity from comm_failures on.
 *
 *   make build-fuzz/fuzz_alertrule && build-fuzz/fuzz_alertrule -max_total_time=60 \
 *       $(mktemp -d) tests/fuzz/corpus/alertrule
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertdef.h"
#include "alertrule.h"
#include "conf.h"
#include "reading.h"
#include "utf8.h"
#include "fuzz_bytes.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OPS		4096

#define ASSERT(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_alertrule: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* A double: mostly from a table of telling ones, sometimes any bit pattern. */
static double
num(struct fuzz_bytes *in)
{
	static const double table[] = {
		0.0, 1.0, -1.0, 0.05, 0.1, 0.5, 6.0, 6.5, 9.0, 9.2, 9.5, 100.0, 1e-9, 1e300,
		-1e300, 1.7976931348623157e308, -0.0, 5e-324, NAN, INFINITY, -INFINITY, 0.001,
		16.4, 8.4,
	};
	uint8_t b = fz_u8(in);
	uint64_t bits;
	double d;

	if (b < 200)
		return table[b % (sizeof(table) / sizeof(table[0]))];
	bits = fz_u64(in);
	memcpy(&d, &bits, sizeof(d));
	return d;
}

/* A duration in ms: a table of usual and extreme ones, or any int64_t. */
static int64_t
dur(struct fuzz_bytes *in)
{
	static const int64_t table[] = {
		0, 1, 500, 1000, 60000, 300000, 900000, 3600000, 21600000, -1, INT64_MAX,
		INT64_MIN, 127, 254, 90000,
	};
	uint8_t b = fz_u8(in);

	if (b < 240)
		return table[b % (sizeof(table) / sizeof(table[0]))];
	return (int64_t)fz_u64(in);
}

static int64_t
add_sat(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Text for names and the message: letters, digits, and now and then "é" or "°". */
static void
text(struct fuzz_bytes *in, char *buf, size_t cap, size_t len)
{
	size_t i = 0;

	if (len >= cap)
		len = cap - 1;
	while (i < len) {
		uint8_t c = fz_u8(in);

		if (c >= 0xF0 && i + 2 <= len) {
			memcpy(buf + i, c & 1 ? "\xc3\xa9" : "\xc2\xb0", 2);
			i += 2;
		} else {
			buf[i++] = (char)('a' + c % 26);
		}
	}
	buf[i] = '\0';
}

static void
read_rule(struct fuzz_bytes *in, struct conf_alert *r)
{
	double lim[4], rates[2];
	double *slots[4] = { &r->crit_low, &r->warn_low, &r->warn_high, &r->crit_high };
	uint8_t set = fz_u8(in), used = 0;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	/* Limits: the set ones sorted into crit_low <= warn_low <= warn_high <= crit_high. */
	for (int i = 0; i < 4; i++) {
		double v = num(in);

		*slots[i] = NAN;
		if ((set >> i & 1) && isfinite(v)) {
			lim[n++] = v;
			used |= (uint8_t)(1u << i);
		}
	}
	qsort(lim, n, sizeof(lim[0]), cmp_double);
	for (size_t i = 0, k = 0; i < 4; i++)
		if (used >> i & 1)
			*slots[i] = lim[k++];
	r->hysteresis = num(in);
	r->hold_ms = dur(in);
	r->clear_hold_ms = dur(in);
	rates[0] = num(in);
	rates[1] = num(in);
	if (!isnan(rates[0]) && !isnan(rates[1]) && rates[0] > rates[1]) {
		double t = rates[0];

		rates[0] = rates[1];
		rates[1] = t;
	}
	r->rate_warn = rates[0];
	r->rate_crit = rates[1];
	r->rate_window_ms = dur(in);
	r->rate_direction = fz_u8(in) % 5 - 2;
	r->stale_ms = dur(in);
	r->stale_severity = (enum alert_severity)(fz_u8(in) % 5);
	r->flatline_ms = dur(in);
	r->flatline_tolerance = num(in);
	r->flatline_severity = (enum alert_severity)(fz_u8(in) % 5);
	{
		uint8_t c = fz_u8(in);

		r->comm_failures = c < 250 ? c % 8 : (unsigned)fz_u64(in);
	}
	r->comm_severity = (enum alert_severity)(fz_u8(in) % 5);
	r->use_suspect = fz_u8(in) & 1;
	text(in, r->message, sizeof(r->message), fz_u8(in) % sizeof(r->message));
}

/* A value: near a limit of the rule, from the table, or any bits. */
static double
value(struct fuzz_bytes *in, const struct conf_alert *r)
{
	static const double offs[] = { 0, 1e-9, -1e-9, 0.01, -0.01, 0.049, 0.051, -0.049, -0.051,
		0.5, -0.5 };
	const double lims[] = { r->crit_low, r->warn_low, r->warn_high, r->crit_high };
	uint8_t b = fz_u8(in);

	if (b < 160) {
		double l = lims[b % 4];

		if (isnan(l))
			l = 8;
		return l + offs[(b / 4) % (sizeof(offs) / sizeof(offs[0]))];
	}
	return num(in);
}

/* The level of v by limits moved back toward normal by h (0: the raw ones). */
static enum alert_severity
level_of(const struct conf_alert *r, double v, double h)
{
	if (v > r->crit_high - h || v < r->crit_low + h)
		return ALERT_CRITICAL;
	if (v > r->warn_high - h || v < r->warn_low + h)
		return ALERT_WARNING;
	return ALERT_OK;
}

static bool
is_active(enum alert_severity s)
{
	return s == ALERT_WARNING || s == ALERT_CRITICAL;
}

/* What one call was, for check(). */
struct event {
	int			 op;		/* 0..3 reading, 4 tick, 5 poll */
	int64_t			 t;
	enum alert_severity	 before;
	int			 rc;
	bool			 good;		/* the reading was good */
	bool			 silent;	/* in maintenance: no change allowed */
	unsigned		 failed;	/* of the poll */
	const struct lw_reading	*rd;
};

static bool
value_watched(const struct conf_alert *r)
{
	return !isnan(r->warn_high) || !isnan(r->crit_high) || !isnan(r->warn_low) ||
	    !isnan(r->crit_low);
}

/* The invariants after one call (see the top of the file). */
static void
check(const struct conf_alert *r, enum alert_kind kind, const struct alertrule_state *st,
    const struct alert_change *c, const struct event *e)
{
	double h = r->hysteresis > 0 && isfinite(r->hysteresis) ? r->hysteresis : 0;
	size_t ml;

	ASSERT(e->rc == 0 || e->rc == 1, "returned %d", e->rc);
	ASSERT((unsigned)st->severity <= ALERT_UNKNOWN, "severity %d", st->severity);
	ASSERT((e->rc == 1) == (st->severity != e->before), "returned %d, severity %d -> %d",
	    e->rc, e->before, st->severity);
	ASSERT(!st->data_unknown || is_active(st->severity), "data_unknown while %d",
	    st->severity);
	ASSERT(!st->has_value || isfinite(st->value), "value %g", st->value);
	ASSERT(!st->has_limit || isfinite(st->limit), "limit %g", st->limit);
	ASSERT(st->rate_n <= ALERTRULE_RATE_SLICES && st->rate_first < ALERTRULE_RATE_SLICES,
	    "rate window %u at %u", st->rate_n, st->rate_first);
	if (kind == ALERT_VALUE && e->op < 4 && e->good && !e->silent && value_watched(r) &&
	    r->hold_ms <= 0 && r->clear_hold_ms <= 0) {
		enum alert_severity raw = level_of(r, e->rd->value, 0);
		enum alert_severity wide = level_of(r, e->rd->value, h);

		ASSERT(st->severity >= raw && st->severity <= wide,
		    "severity %d at %.17g: raw level %d, with hysteresis %d", st->severity,
		    e->rd->value, raw, wide);
	}
	if (e->rc != 1)
		return;

	ml = strnlen(c->message, sizeof(c->message));
	ASSERT(!e->silent, "a change in maintenance");
	ASSERT(c->from == e->before && c->to == st->severity && c->from != c->to,
	    "change %d -> %d, state %d -> %d", c->from, c->to, e->before, st->severity);
	ASSERT(c->transition == alert_transition_between(c->from, c->to), "transition %d",
	    c->transition);
	ASSERT(c->time_ms == e->t && st->since_ms == e->t, "time %lld, since %lld, event %lld",
	    (long long)c->time_ms, (long long)st->since_ms, (long long)e->t);
	ASSERT(c->has_value == st->has_value && c->has_limit == st->has_limit &&
	    (!c->has_value || c->value == st->value) &&
	    (!c->has_limit || c->limit == st->limit), "the change and the state disagree");
	ASSERT(ml > 0 && ml < sizeof(c->message), "message length %zu", ml);
	ASSERT(utf8_valid(c->message, ml), "message not UTF-8: %s", c->message);
	ASSERT(c->message[ml - 1] != '.', "message ends in a period: %s", c->message);
	if (c->to == ALERT_OK)
		ASSERT((e->op < 4 && e->good) || (e->op == 5 && e->failed == 0),
		    "cleared by op %d (good %d, failed %u)", e->op, e->good, e->failed);
	if (c->to == ALERT_UNKNOWN)
		ASSERT(c->from == ALERT_OK && e->op < 4 && !e->good && kind != ALERT_STALE &&
		    kind != ALERT_COMM, "unknown from %d by op %d", c->from, e->op);

	switch (kind) {
	case ALERT_VALUE:
		if (e->op >= 4 || !e->good || !value_watched(r))
			break;
		ASSERT(c->has_value && c->value == e->rd->value, "value %g, reading %g", c->value,
		    e->rd->value);
		if (c->to != ALERT_OK &&
		    c->to > (e->before == ALERT_UNKNOWN ? ALERT_OK : e->before))
			ASSERT(c->to == level_of(r, e->rd->value, 0), "rose to %d at %.17g", c->to,
			    e->rd->value);
		break;
	case ALERT_RATE:
		if (c->to != ALERT_UNKNOWN)
			ASSERT(c->has_value && isfinite(c->value), "rate %g", c->value);
		break;
	case ALERT_COMM: {
		enum alert_severity cs = is_active(r->comm_severity) ? r->comm_severity :
		    ALERT_CRITICAL;

		ASSERT(c->to == (e->failed == 0 ? ALERT_OK : cs) &&
		    (e->failed == 0 || e->failed >= r->comm_failures), "comm %u failures gave %d",
		    e->failed, c->to);
		break;
	}
	case ALERT_STALE:
	case ALERT_FLATLINE: {
		enum alert_severity want = kind == ALERT_STALE ? r->stale_severity :
		    r->flatline_severity;

		if (c->to != ALERT_OK && c->to != ALERT_UNKNOWN)
			ASSERT(c->to == (is_active(want) ? want : ALERT_WARNING), "%s raised to %d",
			    alert_kind_name(kind), c->to);
		break;
	}
	case ALERT_NKINDS:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_bytes in = { data, size };
	static struct alertrule_state st;
	struct conf_alert r;
	struct alert_subject sub;
	char dev[LW_NAME_MAX], pt[LW_NAME_MAX], unit[LW_UNIT_MAX];
	enum alert_kind kind = (enum alert_kind)(fz_u8(&in) % ALERT_NKINDS);
	bool explicit_maint = false, reading_maint = false;
	int64_t t = (int64_t)1763941516000;

	read_rule(&in, &r);
	text(&in, dev, sizeof(dev), fz_u8(&in) % sizeof(dev));
	text(&in, pt, sizeof(pt), fz_u8(&in) % sizeof(pt));
	text(&in, unit, sizeof(unit), fz_u8(&in) % sizeof(unit));
	sub.device = dev;
	sub.point = kind == ALERT_COMM ? NULL : pt;
	sub.unit = unit;
	alertrule_init(&st, t);

	for (int ops = 0; in.n > 0 && ops < MAX_OPS; ops++) {
		uint8_t op = fz_u8(&in), d = fz_u8(&in);
		enum alert_severity before = st.severity;
		struct lw_reading rd;
		struct alert_change c;
		bool silent, good = false;
		unsigned failed = 0;
		int rc = 0;

		if (d < 200)
			t = add_sat(t, (int64_t)d * 5000);
		else if (d < 240)
			t = add_sat(t, -(int64_t)(d - 200) * 60000);
		else if (d < 255)
			t = add_sat(t, (int64_t)(d - 239) * 3600000);
		else
			t = (int64_t)fz_u64(&in);
		silent = explicit_maint;
		memset(&c, 0xA5, sizeof(c));
		memset(&rd, 0, sizeof(rd));
		switch (op % 8) {
		case 0: case 1: case 2: case 3:
			rd.time_ms = t;
			rd.quality = (enum lw_quality)(fz_u8(&in) % 6);
			rd.has_value = fz_u8(&in) % 8 != 0;
			rd.value = rd.has_value ? value(&in, &r) : 0;
			good = alertrule_good(&r, &rd);
			/* A comm alert takes no readings, so none puts it in maintenance. */
			if (!explicit_maint && kind != ALERT_COMM) {
				if (rd.quality == LW_Q_MAINTENANCE)
					silent = reading_maint = true;
				else
					reading_maint = false;
			}
			rc = alertrule_reading(&r, kind, &sub, &st, &rd, &c);
			break;
		case 4:
			silent = silent || reading_maint;
			rc = alertrule_tick(&r, kind, &sub, &st, t, &c);
			break;
		case 5: {
			uint8_t f = fz_u8(&in);

			failed = f < 250 ? f % 10 : (unsigned)fz_u64(&in);
			silent = silent || reading_maint;
			/* Polls are for the comm alert only: the call has no kind to check. */
			if (kind == ALERT_COMM)
				rc = alertrule_comm(&r, &sub, &st, t, failed, &c);
			break;
		}
		case 6:
			if (fz_u8(&in) & 1) {
				alertrule_maintenance(&st, true, t);
				explicit_maint = true;
			} else {
				alertrule_maintenance(&st, false, t);
				if (explicit_maint)
					reading_maint = false;
				explicit_maint = false;
			}
			break;
		case 7: {
			enum alert_severity s = (enum alert_severity)(fz_u8(&in) % 5);
			uint8_t f = fz_u8(&in);
			double v = num(&in), l = num(&in);

			alertrule_restore(&st, s, t, f & 1, v, f & 2, l, t);
			ASSERT(st.severity == (s <= ALERT_UNKNOWN ? s : ALERT_UNKNOWN),
			    "restored %d as %d", s, st.severity);
			explicit_maint = reading_maint = false;
			continue;
		}
		}

		check(&r, kind, &st, &c,
		    &(struct event){ op % 8, t, before, rc, good, silent, failed, &rd });
	}
	return 0;
}
