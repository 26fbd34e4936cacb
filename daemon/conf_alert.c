/* SPDX-License-Identifier: MIT */
/*
 * The alerting lists of the configuration: `alerts` (rules: the conditions
 * watched on the points a pattern names) and `notify` (programs run for
 * alert transitions, SPEC "Notifications"), and the binding of the rules to
 * the station's points.
 *
 * A rule names its points by a pattern, DEVICE.POINT, either part of which
 * may be '*', or "*" for every point.  A pattern without '*' must name a
 * point that exists; one with '*' may match nothing, so that a preset of
 * rules written for the whole network can be @included by a station that
 * lacks some of its parameters.  A rule may also be kept to the points of
 * one unit (`unit`): the same point name comes in different units from
 * different drivers (tds in ppt or mg/L, conductivity in uS/cm or mS/cm),
 * and a limit is only right in one of them.
 *
 * Once every setting is known to be good, each rule is resolved against the
 * points of every device, enabled or not (a disabled device only produces no
 * readings): one bind per point and kind the rule configures, and one per
 * device for the comm kind.  A later rule that gives a point a kind replaces
 * the earlier rule's bind for that kind, so station rules can follow the
 * presets they include.  The work is one pass over the matched points per
 * rule, with a table of every (point, kind) to record the last rule.
 *
 * The programs of `notify` are not looked for: like a bus device, a program
 * need not exist on the machine that checks the file.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"
#include "utf8.h"

#define DAY_MS		86400000LL
#define HOUR_MS		3600000LL
#define MINUTE_MS	60000LL

/* A rule index + 1 fits the binding table's cells (0 is "no rule"). */
_Static_assert(CONF_MAX_ALERTS < UINT16_MAX, "rule indexes must fit in uint16_t");

/* The kinds watched on a point, in the order binds are sorted by; comm is on a device. */
_Static_assert(ALERT_VALUE < ALERT_RATE && ALERT_RATE < ALERT_STALE &&
    ALERT_STALE < ALERT_FLATLINE, "point kinds in enum order");
static const enum alert_kind point_kinds[] = {
	ALERT_VALUE, ALERT_RATE, ALERT_STALE, ALERT_FLATLINE,
};
#define NPOINT_KINDS	(sizeof(point_kinds) / sizeof(point_kinds[0]))

/* The member of g named key, for an error about a key that is present. */
static const config_setting_t *
member(const config_setting_t *g, const char *key)
{
	const config_setting_t *m = config_setting_get_member(g, key);

	return m != NULL ? m : g;
}

/* "warning" or "critical" (the only severities a rule or a program can be given). */
static bool
get_severity(struct conf_loader *L, const struct conf_slot *slot, const char *ctx,
    const char *key, enum alert_severity def, enum alert_severity *ret)
{
	static const char *const names[] = { "warning", "critical" };
	char v[16];
	int i;

	*ret = def;
	if (!conf_get_str(L, slot, ctx, key, sizeof(v), NULL, v))
		return false;
	if (slot->s == NULL)
		return true;
	i = conf_one_of(v, names, 2);
	if (i < 0) {
		conf_err(L, slot->s, "%s: %s '%s' is not 'warning' or 'critical'", ctx, key, v);
		return false;
	}
	*ret = i == 0 ? ALERT_WARNING : ALERT_CRITICAL;
	return true;
}

/* A number above 0 (positive) or at least 0 (!positive); def when absent. */
static bool
get_sign(struct conf_loader *L, const struct conf_slot *slot, const char *ctx, const char *key,
    bool positive, double def, double *ret)
{
	double v;

	*ret = def;
	if (!conf_get_num(L, slot, ctx, key, -DBL_MAX, DBL_MAX, def, &v))
		return false;
	if (slot->s == NULL)
		return true;
	if (positive && !(v > 0)) {
		conf_err(L, slot->s, "%s: %s %g is not above 0", ctx, key, v);
		return false;
	}
	if (!positive && v < 0) {
		conf_err(L, slot->s, "%s: %s %g is below 0", ctx, key, v);
		return false;
	}
	*ret = v;
	return true;
}

/* ---- patterns --------------------------------------------------------- */

/* A pattern taken apart: a name, or any ('*'), for the device and the point. */
struct pattern {
	bool	 any_device;
	bool	 any_point;
	char	 device[LW_NAME_MAX];
	char	 point[LW_NAME_MAX];
};

enum { PAT_OK, PAT_STAR, PAT_FORM };

/*
 * "*", "*.*", "DEVICE.*", "*.POINT" or "DEVICE.POINT" with lower snake case
 * names.  PAT_STAR for a '*' that is only part of a name ("son*.ph"),
 * PAT_FORM for anything else that is not a pattern.
 */
static int
pattern_parse(const char *s, struct pattern *p)
{
	const char *dot;
	size_t dn;

	memset(p, 0, sizeof(*p));
	for (const char *q = s; (q = strchr(q, '*')) != NULL; q++)
		if ((q != s && q[-1] != '.') || (q[1] != '\0' && q[1] != '.'))
			return PAT_STAR;
	if (strcmp(s, "*") == 0) {
		p->any_device = p->any_point = true;
		return PAT_OK;
	}
	dot = strchr(s, '.');
	if (dot == NULL || strchr(dot + 1, '.') != NULL)
		return PAT_FORM;
	dn = (size_t)(dot - s);
	if (dn >= sizeof(p->device))
		return PAT_FORM;
	memcpy(p->device, s, dn);
	p->device[dn] = '\0';
	if (strlen(dot + 1) >= sizeof(p->point))
		return PAT_FORM;
	memcpy(p->point, dot + 1, strlen(dot + 1) + 1);
	p->any_device = strcmp(p->device, "*") == 0;
	p->any_point = strcmp(p->point, "*") == 0;
	if ((!p->any_device && !conf_name_ok(p->device, true, sizeof(p->device))) ||
	    (!p->any_point && !conf_name_ok(p->point, true, sizeof(p->point))))
		return PAT_FORM;
	return PAT_OK;
}

/* "a, b, c" of a model's points, cut with ", ..." when they do not fit. */
static const char *
point_names(const struct drv_model *m, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->npoints; i++) {
		const char *name = m->points[i].name;
		size_t need = strlen(name) + (i ? 2 : 0);

		/* Room for this name and for a ", ..." after it. */
		if (at + need + 6 > len) {
			snprintf(buf + at, len - at, "%s...", i ? ", " : "");
			break;
		}
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", name);
	}
	return buf;
}

/* ---- alerts ----------------------------------------------------------- */

enum {
	AL_POINT, AL_UNIT, AL_SUSPECT, AL_MESSAGE, AL_WARN_HIGH, AL_CRIT_HIGH, AL_WARN_LOW,
	AL_CRIT_LOW, AL_HYSTERESIS, AL_HOLD, AL_CLEAR_HOLD, AL_RATE, AL_RATE_CRIT,
	AL_RATE_WINDOW, AL_RATE_DIRECTION, AL_STALE, AL_STALE_SEVERITY, AL_FLATLINE,
	AL_FLATLINE_TOLERANCE, AL_FLATLINE_SEVERITY, AL_COMM_FAILURES, AL_COMM_SEVERITY,
	AL_NKEYS
};
static const struct conf_key alert_keys[AL_NKEYS] = {
	[AL_POINT] = { "point", CK_STRING },
	[AL_UNIT] = { "unit", CK_STRING },
	[AL_SUSPECT] = { "suspect", CK_BOOL },
	[AL_MESSAGE] = { "message", CK_STRING },
	[AL_WARN_HIGH] = { "warn_high", CK_NUMBER },
	[AL_CRIT_HIGH] = { "crit_high", CK_NUMBER },
	[AL_WARN_LOW] = { "warn_low", CK_NUMBER },
	[AL_CRIT_LOW] = { "crit_low", CK_NUMBER },
	[AL_HYSTERESIS] = { "hysteresis", CK_NUMBER },
	[AL_HOLD] = { "hold", CK_DURATION },
	[AL_CLEAR_HOLD] = { "clear_hold", CK_DURATION },
	[AL_RATE] = { "rate", CK_NUMBER },
	[AL_RATE_CRIT] = { "rate_crit", CK_NUMBER },
	[AL_RATE_WINDOW] = { "rate_window", CK_DURATION },
	[AL_RATE_DIRECTION] = { "rate_direction", CK_STRING },
	[AL_STALE] = { "stale", CK_DURATION },
	[AL_STALE_SEVERITY] = { "stale_severity", CK_STRING },
	[AL_FLATLINE] = { "flatline", CK_DURATION },
	[AL_FLATLINE_TOLERANCE] = { "flatline_tolerance", CK_NUMBER },
	[AL_FLATLINE_SEVERITY] = { "flatline_severity", CK_STRING },
	[AL_COMM_FAILURES] = { "comm_failures", CK_INT },
	[AL_COMM_SEVERITY] = { "comm_severity", CK_STRING },
};

/* The keys that make a rule watch something: at least one of them is needed. */
static const int watch_keys[] = {
	AL_WARN_HIGH, AL_CRIT_HIGH, AL_WARN_LOW, AL_CRIT_LOW, AL_RATE, AL_RATE_CRIT, AL_STALE,
	AL_FLATLINE, AL_COMM_FAILURES,
};

static const char *const directions[] = { "both", "rising", "falling" };

/* What the devices look like to the alerts: is a missing device worth an error? */
struct alert_env {
	bool	 devices_named;		/* every device has its name: none is in error */
};

/*
 * The points the pattern names must exist when it names them exactly, and
 * so must a device it names.  Silent when the devices themselves are in
 * error: the reference may only be a symptom.
 */
static void
check_pattern(struct conf_loader *L, const config_setting_t *s, const char *ctx,
    const struct pattern *p, const char *unit, const struct conf *c,
    const struct alert_env *env)
{
	const struct conf_device *d;
	char names[256];
	int i;

	if (p->any_device)
		return;
	d = conf_find_device(c, p->device);
	if (d == NULL) {
		if (env->devices_named)
			conf_err(L, s, "%s: no device named '%s'", ctx, p->device);
		return;
	}
	if (p->any_point || d->model == NULL)
		return;
	i = drv_point_index(d->model, p->point);
	if (i < 0 || (size_t)i >= d->model->npoints) {
		conf_err(L, s, "%s: device '%s' has no point '%s' (model '%s': %s)", ctx, d->name,
		    p->point, d->model->name, point_names(d->model, names, sizeof(names)));
		return;
	}
	if (unit[0] != '\0' && strcmp(d->model->points[i].unit, unit) != 0)
		conf_err(L, s, "%s: point '%s' of device '%s' is in '%s', not '%s'", ctx, p->point,
		    d->name, d->model->points[i].unit, unit);
}

/*
 * The limits of the value kind: both of a side in order, every low below
 * every high.  Each error is at the second key it names.
 */
static void
check_limits(struct conf_loader *L, const struct conf_slot *k, const char *ctx,
    const struct conf_alert *a)
{
	const char *lk, *hk;
	double lo, hi;
	int ls, hs;

	if (!isnan(a->warn_high) && !isnan(a->crit_high) && !(a->warn_high < a->crit_high))
		conf_err(L, k[AL_CRIT_HIGH].s, "%s: warn_high %g is not below crit_high %g", ctx,
		    a->warn_high, a->crit_high);
	if (!isnan(a->crit_low) && !isnan(a->warn_low) && !(a->crit_low < a->warn_low))
		conf_err(L, k[AL_WARN_LOW].s, "%s: crit_low %g is not below warn_low %g", ctx,
		    a->crit_low, a->warn_low);
	/* The highest low limit against the lowest high limit. */
	ls = !isnan(a->warn_low) ? AL_WARN_LOW : AL_CRIT_LOW;
	hs = !isnan(a->warn_high) ? AL_WARN_HIGH : AL_CRIT_HIGH;
	lo = ls == AL_WARN_LOW ? a->warn_low : a->crit_low;
	hi = hs == AL_WARN_HIGH ? a->warn_high : a->crit_high;
	lk = alert_keys[ls].name;
	hk = alert_keys[hs].name;
	if (!isnan(lo) && !isnan(hi) && !(lo < hi))
		conf_err(L, k[hs].s, "%s: %s %g is not below %s %g", ctx, lk, lo, hk, hi);
}

static void
check_alert(struct conf_loader *L, const config_setting_t *g, size_t index, struct conf *c,
    const struct alert_env *env)
{
	struct conf_alert *a = &c->alerts[index];
	struct conf_slot k[AL_NKEYS];
	char ctx[2 * LW_NAME_MAX + 16], dir[16];
	struct pattern pat;
	bool value, rate, watches = false;
	long long v;

	snprintf(ctx, sizeof(ctx), "alert #%zu", index + 1);
	a->line = (int)config_setting_source_line(g);
	a->warn_high = a->crit_high = a->warn_low = a->crit_low = NAN;
	a->rate_warn = a->rate_crit = NAN;
	a->rate_window_ms = HOUR_MS;
	a->stale_severity = ALERT_WARNING;
	a->flatline_severity = ALERT_WARNING;
	a->comm_severity = ALERT_CRITICAL;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_err(L, g, "%s: must be a group { ... }, not %s", ctx, conf_type_name(g));
		return;
	}
	/* The pattern names the rule in messages when it is one. */
	{
		const config_setting_t *p = config_setting_get_member(g, "point");
		const char *s;

		if (p != NULL && config_setting_type(p) == CONFIG_TYPE_STRING &&
		    (s = config_setting_get_string(p)) != NULL && strlen(s) < sizeof(a->pattern) &&
		    pattern_parse(s, &pat) == PAT_OK)
			snprintf(ctx, sizeof(ctx), "alert '%s'", s);
	}
	conf_walk_group(L, g, ctx, alert_keys, AL_NKEYS, k);

	if (conf_get_str(L, &k[AL_UNIT], ctx, "unit", sizeof(a->unit), NULL, a->unit) &&
	    k[AL_UNIT].s != NULL && a->unit[0] == '\0')
		conf_err(L, k[AL_UNIT].s, "%s: unit must not be empty", ctx);
	if (conf_require(L, g, ctx, &k[AL_POINT], "point") &&
	    conf_get_str(L, &k[AL_POINT], ctx, "point", sizeof(a->pattern), NULL, a->pattern)) {
		switch (pattern_parse(a->pattern, &pat)) {
		case PAT_OK:
			check_pattern(L, k[AL_POINT].s, ctx, &pat, a->unit, c, env);
			break;
		case PAT_STAR:
			conf_err(L, k[AL_POINT].s, "%s: point '%s': a '*' stands for a whole name, as "
			    "in '*.ph' or 'sonde.*', or alone for every point", ctx, a->pattern);
			a->pattern[0] = '\0';
			break;
		default:
			conf_err(L, k[AL_POINT].s, "%s: point '%s' is not DEVICE.POINT (lower snake "
			    "case names, either one may be '*') or '*'", ctx, a->pattern);
			a->pattern[0] = '\0';
			break;
		}
	}
	conf_get_bool(L, &k[AL_SUSPECT], false, &a->use_suspect);
	if (conf_get_str(L, &k[AL_MESSAGE], ctx, "message", sizeof(a->message), "", a->message) &&
	    !utf8_valid(a->message, strlen(a->message))) {
		conf_err(L, k[AL_MESSAGE].s, "%s: message is not valid UTF-8", ctx);
		a->message[0] = '\0';
	}
	for (size_t i = 0; i < sizeof(watch_keys) / sizeof(watch_keys[0]); i++)
		watches = watches || k[watch_keys[i]].present;
	if (!watches)
		conf_err(L, g, "%s: watches nothing: give warn_high, crit_high, warn_low, crit_low, "
		    "rate, rate_crit, stale, flatline or comm_failures", ctx);

	/* value */
	conf_get_num(L, &k[AL_WARN_HIGH], ctx, "warn_high", -DBL_MAX, DBL_MAX, NAN, &a->warn_high);
	conf_get_num(L, &k[AL_CRIT_HIGH], ctx, "crit_high", -DBL_MAX, DBL_MAX, NAN, &a->crit_high);
	conf_get_num(L, &k[AL_WARN_LOW], ctx, "warn_low", -DBL_MAX, DBL_MAX, NAN, &a->warn_low);
	conf_get_num(L, &k[AL_CRIT_LOW], ctx, "crit_low", -DBL_MAX, DBL_MAX, NAN, &a->crit_low);
	check_limits(L, k, ctx, a);
	value = k[AL_WARN_HIGH].present || k[AL_CRIT_HIGH].present || k[AL_WARN_LOW].present ||
	    k[AL_CRIT_LOW].present;
	get_sign(L, &k[AL_HYSTERESIS], ctx, "hysteresis", false, 0, &a->hysteresis);
	if (k[AL_HYSTERESIS].present && !value)
		conf_err(L, member(g, "hysteresis"), "%s: 'hysteresis' needs a limit: warn_high, "
		    "crit_high, warn_low or crit_low", ctx);

	/* rate */
	get_sign(L, &k[AL_RATE], ctx, "rate", true, NAN, &a->rate_warn);
	get_sign(L, &k[AL_RATE_CRIT], ctx, "rate_crit", true, NAN, &a->rate_crit);
	if (!isnan(a->rate_warn) && !isnan(a->rate_crit) && !(a->rate_warn < a->rate_crit))
		conf_err(L, k[AL_RATE_CRIT].s, "%s: rate %g is not below rate_crit %g", ctx,
		    a->rate_warn, a->rate_crit);
	rate = k[AL_RATE].present || k[AL_RATE_CRIT].present;
	conf_get_dur(L, &k[AL_RATE_WINDOW], ctx, "rate_window", MINUTE_MS, 7 * DAY_MS, HOUR_MS,
	    &a->rate_window_ms);
	if (conf_get_str(L, &k[AL_RATE_DIRECTION], ctx, "rate_direction", sizeof(dir), "both",
	    dir)) {
		int i = conf_one_of(dir, directions, 3);

		if (i < 0)
			conf_err(L, k[AL_RATE_DIRECTION].s, "%s: rate_direction '%s' is not 'both', "
			    "'rising' or 'falling'", ctx, dir);
		else
			a->rate_direction = i == 0 ? 0 : i == 1 ? 1 : -1;
	}
	for (int key = AL_RATE_WINDOW; key <= AL_RATE_DIRECTION; key++)
		if (k[key].present && !rate)
			conf_err(L, member(g, alert_keys[key].name), "%s: '%s' needs 'rate' or "
			    "'rate_crit'", ctx, alert_keys[key].name);

	/* Holds delay the changes of value and rate alerts only. */
	conf_get_dur(L, &k[AL_HOLD], ctx, "hold", 0, DAY_MS, 0, &a->hold_ms);
	conf_get_dur(L, &k[AL_CLEAR_HOLD], ctx, "clear_hold", 0, DAY_MS, 0, &a->clear_hold_ms);
	for (int key = AL_HOLD; key <= AL_CLEAR_HOLD; key++)
		if (k[key].present && !value && !rate)
			conf_err(L, member(g, alert_keys[key].name), "%s: '%s' needs a limit: "
			    "warn_high, crit_high, warn_low, crit_low, rate or rate_crit", ctx,
			    alert_keys[key].name);

	/* stale */
	conf_get_dur(L, &k[AL_STALE], ctx, "stale", 1000, 30 * DAY_MS, 0, &a->stale_ms);
	get_severity(L, &k[AL_STALE_SEVERITY], ctx, "stale_severity", ALERT_WARNING,
	    &a->stale_severity);
	if (k[AL_STALE_SEVERITY].present && !k[AL_STALE].present)
		conf_err(L, member(g, "stale_severity"), "%s: 'stale_severity' needs 'stale'", ctx);

	/* flatline */
	conf_get_dur(L, &k[AL_FLATLINE], ctx, "flatline", 1000, 30 * DAY_MS, 0,
	    &a->flatline_ms);
	get_sign(L, &k[AL_FLATLINE_TOLERANCE], ctx, "flatline_tolerance", false, 0,
	    &a->flatline_tolerance);
	get_severity(L, &k[AL_FLATLINE_SEVERITY], ctx, "flatline_severity", ALERT_WARNING,
	    &a->flatline_severity);
	for (int key = AL_FLATLINE_TOLERANCE; key <= AL_FLATLINE_SEVERITY; key++)
		if (k[key].present && !k[AL_FLATLINE].present)
			conf_err(L, member(g, alert_keys[key].name), "%s: '%s' needs 'flatline'", ctx,
			    alert_keys[key].name);

	/* comm */
	if (conf_get_int(L, &k[AL_COMM_FAILURES], ctx, "comm_failures", 1, 10000, 0, &v))
		a->comm_failures = (unsigned)v;
	get_severity(L, &k[AL_COMM_SEVERITY], ctx, "comm_severity", ALERT_CRITICAL,
	    &a->comm_severity);
	if (k[AL_COMM_SEVERITY].present && !k[AL_COMM_FAILURES].present)
		conf_err(L, member(g, "comm_severity"), "%s: 'comm_severity' needs 'comm_failures'",
		    ctx);
}

void
conf_check_alerts(struct conf_loader *L, const config_setting_t *list, struct conf *c)
{
	int n = config_setting_length(list);
	struct alert_env env;

	if (n <= 0)
		return;
	if (n > CONF_MAX_ALERTS) {
		conf_err(L, list, "'alerts' lists %d alerts, more than %d", n, CONF_MAX_ALERTS);
		return;
	}
	c->alerts = calloc((size_t)n, sizeof(*c->alerts));
	if (c->alerts == NULL) {
		L->oom = true;
		return;
	}
	c->nalerts = (size_t)n;
	env.devices_named = c->ndevices > 0;
	for (size_t i = 0; i < c->ndevices; i++)
		if (c->devices[i].name[0] == '\0')
			env.devices_named = false;
	for (int i = 0; i < n; i++)
		check_alert(L, config_setting_get_elem(list, (unsigned)i), (size_t)i, c, &env);
}

/* ---- binding ---------------------------------------------------------- */

/* Whether rule a watches the point kind point_kinds[j]. */
static bool
watches_kind(const struct conf_alert *a, size_t j)
{
	switch (point_kinds[j]) {
	case ALERT_VALUE:
		return !isnan(a->warn_high) || !isnan(a->crit_high) || !isnan(a->warn_low) ||
		    !isnan(a->crit_low);
	case ALERT_RATE:
		return !isnan(a->rate_warn) || !isnan(a->rate_crit);
	case ALERT_STALE:
		return a->stale_ms > 0;
	case ALERT_FLATLINE:
		return a->flatline_ms > 0;
	case ALERT_COMM:
	case ALERT_NKINDS:
		break;
	}
	return false;
}

/* Record rule r in the table for every point of device d its pattern and unit match. */
static void
bind_device(const struct conf *c, size_t d, size_t r, const struct pattern *p,
    const bool *kinds, uint16_t *cells, uint16_t *comm)
{
	const struct conf_alert *a = &c->alerts[r];
	const struct drv_model *m = c->devices[d].model;
	size_t first = 0, end = m->npoints;
	bool matched = false;

	if (!p->any_point) {
		int i = drv_point_index(m, p->point);

		if (i < 0 || (size_t)i >= m->npoints)
			return;
		first = (size_t)i;
		end = first + 1;
	}
	for (size_t i = first; i < end; i++) {
		if (a->unit[0] != '\0' && strcmp(m->points[i].unit, a->unit) != 0)
			continue;
		matched = true;
		for (size_t j = 0; j < NPOINT_KINDS; j++)
			if (kinds[j])
				cells[i * NPOINT_KINDS + j] = (uint16_t)(r + 1);
	}
	if (matched && a->comm_failures > 0)
		comm[d] = (uint16_t)(r + 1);
}

void
conf_bind_alerts(struct conf_loader *L, struct conf *c)
{
	size_t *base, total = 0, n = 0, at = 0;
	uint16_t *cells, *comm;

	/* Only a configuration that loads is bound: every rule and device is then good. */
	if (L->nerrs > 0 || L->oom || c->nalerts == 0 || c->ndevices == 0)
		return;
	base = calloc(c->ndevices, sizeof(*base));
	comm = calloc(c->ndevices, sizeof(*comm));
	for (size_t d = 0; base != NULL && d < c->ndevices; d++) {
		base[d] = total;
		total += c->devices[d].model != NULL ? c->devices[d].model->npoints : 0;
	}
	cells = calloc(total * NPOINT_KINDS + 1, sizeof(*cells));
	if (base == NULL || comm == NULL || cells == NULL)
		goto oom;
	for (size_t r = 0; r < c->nalerts; r++) {
		const struct conf_alert *a = &c->alerts[r];
		bool kinds[NPOINT_KINDS];
		struct pattern p;
		size_t d0 = 0, d1 = c->ndevices;

		if (pattern_parse(a->pattern, &p) != PAT_OK)
			continue;
		for (size_t j = 0; j < NPOINT_KINDS; j++)
			kinds[j] = watches_kind(a, j);
		if (!p.any_device) {
			const struct conf_device *dev = conf_find_device(c, p.device);

			if (dev == NULL)
				continue;
			d0 = (size_t)(dev - c->devices);
			d1 = d0 + 1;
		}
		for (size_t d = d0; d < d1; d++)
			if (c->devices[d].model != NULL)
				bind_device(c, d, r, &p, kinds, cells + base[d] * NPOINT_KINDS, comm);
	}
	for (size_t d = 0; d < c->ndevices; d++)
		n += comm[d] != 0;
	for (size_t i = 0; i < total * NPOINT_KINDS; i++)
		n += cells[i] != 0;
	if (n > 0 && (c->binds = calloc(n, sizeof(*c->binds))) == NULL)
		goto oom;
	/* In order: by device, its comm bind (point -1) first, then by point and kind. */
	for (size_t d = 0; d < c->ndevices; d++) {
		size_t np = c->devices[d].model != NULL ? c->devices[d].model->npoints : 0;

		if (comm[d] != 0)
			c->binds[at++] = (struct conf_alert_bind){ d, -1, ALERT_COMM, comm[d] - 1u };
		for (size_t i = 0; i < np; i++)
			for (size_t j = 0; j < NPOINT_KINDS; j++) {
				uint16_t r = cells[(base[d] + i) * NPOINT_KINDS + j];

				if (r != 0)
					c->binds[at++] = (struct conf_alert_bind){ d, (int)i,
					    point_kinds[j], r - 1u };
			}
	}
	c->nbinds = at;
	free(base);
	free(comm);
	free(cells);
	return;
oom:
	L->oom = true;
	free(base);
	free(comm);
	free(cells);
}

/* ---- notify ----------------------------------------------------------- */

enum {
	NO_NAME, NO_EXEC, NO_ARGS, NO_MIN_SEVERITY, NO_TIMEOUT, NO_REPEAT, NO_MIN_INTERVAL,
	NO_NKEYS
};
static const struct conf_key notify_keys[NO_NKEYS] = {
	[NO_NAME] = { "name", CK_STRING },
	[NO_EXEC] = { "exec", CK_STRING },
	[NO_ARGS] = { "args", CK_STRINGS },
	[NO_MIN_SEVERITY] = { "min_severity", CK_STRING },
	[NO_TIMEOUT] = { "timeout", CK_DURATION },
	[NO_REPEAT] = { "repeat", CK_DURATION },
	[NO_MIN_INTERVAL] = { "min_interval", CK_DURATION },
};

/*
 * The name a program gets by default: the base name of exec, upper-case
 * letters made lower-case and anything else but [a-z0-9_-] left out, at
 * most max - 1 bytes.  "" when nothing is left.
 */
static void
default_name(const char *exec, char *buf, size_t max)
{
	const char *base = strrchr(exec, '/');
	size_t n = 0;

	for (base = base != NULL ? base + 1 : exec; *base != '\0' && n + 1 < max; base++) {
		char ch = *base;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')
			buf[n++] = ch;
	}
	buf[n] = '\0';
}

/* The name that entry g goes by in messages, before its keys are checked; or NULL. */
static const char *
notify_name(const config_setting_t *g, char *buf, size_t max)
{
	const config_setting_t *e;
	const char *s;

	if ((s = conf_group_name(g, false, max)) != NULL)
		return s;
	if (config_setting_get_member(g, "name") != NULL)
		return NULL;
	e = config_setting_get_member(g, "exec");
	if (e == NULL || config_setting_type(e) != CONFIG_TYPE_STRING ||
	    (s = config_setting_get_string(e)) == NULL || s[0] != '/')
		return NULL;
	default_name(s, buf, max);
	return buf[0] != '\0' ? buf : NULL;
}

/* args: the program's arguments after argv[0], as a NULL-ended array it owns. */
static void
check_args(struct conf_loader *L, const config_setting_t *list, const char *ctx,
    struct conf_notify *nt)
{
	int n = list != NULL ? config_setting_length(list) : 0;

	if (n > CONF_NOTIFY_ARGS) {
		conf_err(L, list, "%s: 'args' lists %d arguments, more than %d", ctx, n,
		    CONF_NOTIFY_ARGS);
		n = 0;
	}
	nt->args = calloc((size_t)n + 1, sizeof(*nt->args));
	if (nt->args == NULL) {
		L->oom = true;
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, (unsigned)i);
		const char *v;
		size_t len;

		if (s == NULL)
			continue;
		if (config_setting_type(s) != CONFIG_TYPE_STRING) {
			conf_err(L, s, "%s: args #%d must be a string, not %s", ctx, i + 1,
			    conf_type_name(s));
			continue;
		}
		v = config_setting_get_string(s);
		len = strlen(v);
		if (len >= CONF_ARG_MAX) {
			conf_err(L, s, "%s: args #%d is longer than %d characters", ctx, i + 1,
			    CONF_ARG_MAX - 1);
			continue;
		}
		for (size_t j = 0; j < len; j++)
			if ((unsigned char)v[j] < 0x20 || v[j] == 0x7f) {
				conf_err(L, s, "%s: args #%d contains a control character", ctx, i + 1);
				len = SIZE_MAX;
				break;
			}
		if (len == SIZE_MAX)
			continue;
		if ((nt->args[nt->nargs] = strdup(v)) == NULL) {
			L->oom = true;
			return;
		}
		nt->nargs++;
	}
}

/* What the notify pass remembers of each entry: where its name was given. */
struct notifyinfo {
	const config_setting_t	*name;	/* the name or, for a default name, the exec setting */
};

static void
check_notify(struct conf_loader *L, const config_setting_t *g, size_t index, struct conf *c,
    struct notifyinfo *info)
{
	struct conf_notify *nt = &c->notify[index];
	struct conf_slot k[NO_NKEYS];
	char ctx[LW_NAME_MAX + 16], name[LW_NAME_MAX];
	const char *shown;
	const config_setting_t *where = NULL;
	bool given = false;

	snprintf(ctx, sizeof(ctx), "notify #%zu", index + 1);
	nt->line = (int)config_setting_source_line(g);
	nt->min_severity = ALERT_WARNING;
	nt->timeout_ms = 10000;
	nt->min_interval_ms = 5 * MINUTE_MS;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_err(L, g, "%s: must be a group { ... }, not %s", ctx, conf_type_name(g));
		return;
	}
	if ((shown = notify_name(g, name, sizeof(name))) != NULL)
		snprintf(ctx, sizeof(ctx), "notify '%s'", shown);
	conf_walk_group(L, g, ctx, notify_keys, NO_NKEYS, k);

	if (conf_require(L, g, ctx, &k[NO_EXEC], "exec") &&
	    conf_get_str(L, &k[NO_EXEC], ctx, "exec", sizeof(nt->exec), NULL, nt->exec)) {
		size_t n = strlen(nt->exec);

		if (n == 0) {
			conf_err(L, k[NO_EXEC].s, "%s: exec must not be empty", ctx);
		} else if (nt->exec[0] != '/') {
			conf_err(L, k[NO_EXEC].s, "%s: exec '%s' must be an absolute path", ctx,
			    nt->exec);
			nt->exec[0] = '\0';
		} else if (nt->exec[n - 1] == '/') {
			conf_err(L, k[NO_EXEC].s, "%s: exec '%s' must name a file, not a directory",
			    ctx, nt->exec);
			nt->exec[0] = '\0';
		}
	}
	if (k[NO_NAME].present) {
		if (conf_get_str(L, &k[NO_NAME], ctx, "name", sizeof(name), NULL, name)) {
			if (conf_name_ok(name, false, sizeof(name))) {
				given = true;
				where = k[NO_NAME].s;
			} else {
				conf_err(L, k[NO_NAME].s, "%s: name '%s' must be lower-case letters, "
				    "digits, '-' and '_'", ctx, name);
			}
		}
	} else if (nt->exec[0] != '\0') {
		default_name(nt->exec, name, sizeof(name));
		if (name[0] != '\0')
			where = k[NO_EXEC].s;
		else
			conf_err(L, k[NO_EXEC].s, "%s: exec '%s' gives no name to go by: set 'name'",
			    ctx, nt->exec);
	}
	if (where != NULL) {
		size_t i;

		snprintf(ctx, sizeof(ctx), "notify '%s'", name);
		for (i = 0; i < index; i++)
			if (info[i].name != NULL && strcmp(c->notify[i].name, name) == 0)
				break;
		if (i < index) {
			char at[CONF_PATH_MAX + 32];

			conf_where(L, info[i].name, where, at, sizeof(at));
			if (given)
				conf_err(L, where, "%s: name already used by the notify entry at %s", ctx,
				    at);
			else
				conf_err(L, where, "%s: the name from exec is already used by the notify "
				    "entry at %s: set 'name'", ctx, at);
		} else {
			memcpy(nt->name, name, sizeof(nt->name));
			info[index].name = where;
		}
	}

	check_args(L, k[NO_ARGS].s, ctx, nt);
	get_severity(L, &k[NO_MIN_SEVERITY], ctx, "min_severity", ALERT_WARNING,
	    &nt->min_severity);
	conf_get_dur(L, &k[NO_TIMEOUT], ctx, "timeout", 1000, 10 * MINUTE_MS, 10000,
	    &nt->timeout_ms);
	/* Repeating more often than once a minute would be a flood, not a reminder. */
	if (conf_get_dur(L, &k[NO_REPEAT], ctx, "repeat", 0, 30 * DAY_MS, 0, &nt->repeat_ms) &&
	    nt->repeat_ms > 0 && nt->repeat_ms < MINUTE_MS) {
		conf_err(L, k[NO_REPEAT].s, "%s: repeat '%s' must be 0s (never) or at least 60s",
		    ctx, config_setting_get_string(k[NO_REPEAT].s));
		nt->repeat_ms = 0;
	}
	conf_get_dur(L, &k[NO_MIN_INTERVAL], ctx, "min_interval", 0, DAY_MS, 5 * MINUTE_MS,
	    &nt->min_interval_ms);
}

void
conf_check_notify(struct conf_loader *L, const config_setting_t *list, struct conf *c)
{
	int n = config_setting_length(list);
	struct notifyinfo *info;

	if (n <= 0)
		return;
	if (n > CONF_MAX_NOTIFY) {
		conf_err(L, list, "'notify' lists %d programs, more than %d", n, CONF_MAX_NOTIFY);
		return;
	}
	c->notify = calloc((size_t)n, sizeof(*c->notify));
	info = calloc((size_t)n, sizeof(*info));
	if (c->notify == NULL || info == NULL) {
		free(info);
		L->oom = true;
		return;
	}
	c->nnotify = (size_t)n;
	for (int i = 0; i < n && !L->oom; i++)
		check_notify(L, config_setting_get_elem(list, (unsigned)i), (size_t)i, c, info);
	free(info);
}
