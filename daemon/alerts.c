/* SPDX-License-Identifier: MIT */
/*
 * The station's alerts (see alerts.h).  The alerts are built from the
 * configuration's bindings, which come sorted by device, point and kind, so
 * a point's alerts lie side by side; a reading finds them through a sorted
 * index of "DEVICE\0POINT" keys.  A device's comm alert counts, for each of
 * its points, the readings missing in a row: the device has failed N polls
 * in a row when every point has, judged when a poll's last reading is in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alertrule.h"
#include "alerts.h"
#include "log.h"

#define ALERTS_PENDING_MAX	10000	/* events kept while the store refuses them */

struct inst {
	struct conf_alert	 rule;			/* a copy: the configuration may go */
	enum alert_kind		 kind;
	size_t			 dev;			/* index into devs */
	char			 point[LW_NAME_MAX];	/* "" for comm */
	char			 unit[LW_UNIT_MAX];
	char			 id[STORE_ALERT_ID_MAX];
	struct alertrule_state	 st;
	char			 message[STORE_TEXT_MAX];	/* of its last change */
	bool			 acked;
	char			 acked_by[STORE_WHO_MAX];
	int64_t			 acked_ms;
	char			 note[STORE_TEXT_MAX];
};

struct dev {
	char			 name[LW_NAME_MAX];
	bool			 conf_maintenance;	/* maintenance in the configuration */
	bool			 silent;		/* maintenance as last applied to its alerts */
	size_t			 first, n;		/* its alerts: insts[first .. first+n) */
	char			(*points)[LW_NAME_MAX];	/* its model's points (comm only) */
	unsigned		*missing;		/* per point: readings missing in a row */
	size_t			 npoints;
	int			 comm;			/* index of its comm alert, or -1 */
};

/* A point that has alerts. */
struct key {
	char			 dp[2 * LW_NAME_MAX];	/* "DEVICE\0POINT" */
	size_t			 first, n;		/* its alerts */
	size_t			 dev;
};

struct alerts {
	char			 station[LW_NAME_MAX];
	struct store		*st;
	struct maint		*maint;
	struct inst		*insts;
	size_t			 ninsts;
	struct dev		*devs;
	size_t			 ndevs;
	struct key		*keys;
	size_t			 nkeys;
	struct store_alert_event *pend_ev;		/* journaled at the next flush */
	struct store_alert	*pend_st;
	size_t			 npend;
	size_t			 pend_cap;
	unsigned		 flush_failures;
};

static int
key_cmp(const void *a, const void *b)
{
	return memcmp(((const struct key *)a)->dp, ((const struct key *)b)->dp, 2 * LW_NAME_MAX);
}

static void
make_dp(char *dp, const char *device, const char *point)
{
	memset(dp, 0, 2 * LW_NAME_MAX);
	snprintf(dp, LW_NAME_MAX, "%s", device);
	snprintf(dp + LW_NAME_MAX, LW_NAME_MAX, "%s", point);
}

static const struct key *
find_key(const struct alerts *a, const char *device, const char *point)
{
	struct key k;

	make_dp(k.dp, device, point);
	return bsearch(&k, a->keys, a->nkeys, sizeof(k), key_cmp);
}

static struct dev *
find_dev(struct alerts *a, const char *device)
{
	for (size_t i = 0; i < a->ndevs; i++)
		if (strcmp(a->devs[i].name, device) == 0)
			return &a->devs[i];
	return NULL;
}

/* The state in the store's terms. */
static void
to_store(const struct alerts *a, const struct inst *in, struct store_alert *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", in->id);
	snprintf(s->device, sizeof(s->device), "%s", a->devs[in->dev].name);
	snprintf(s->point, sizeof(s->point), "%s", in->point);
	s->kind = in->kind;
	s->severity = in->st.severity;
	s->since_ms = in->st.since_ms;
	s->has_value = in->st.has_value;
	s->value = in->st.value;
	s->has_limit = in->st.has_limit;
	s->limit = in->st.limit;
	snprintf(s->message, sizeof(s->message), "%s", in->message);
	s->acked = in->acked;
	snprintf(s->acked_by, sizeof(s->acked_by), "%s", in->acked_by);
	s->acked_ms = in->acked_ms;
	snprintf(s->note, sizeof(s->note), "%s", in->note);
}

/* Queue an event about in (its state as it is now). */
static void
enqueue(struct alerts *a, struct inst *in, enum alert_severity from, enum alert_transition tr,
    int64_t time_ms, const char *message, const char *by, const char *note)
{
	struct store_alert_event *e;

	if (a->npend == a->pend_cap) {
		size_t cap = a->pend_cap ? a->pend_cap * 2 : 16;
		struct store_alert_event *ev;
		struct store_alert *st;

		if (cap > ALERTS_PENDING_MAX || (ev = realloc(a->pend_ev, cap * sizeof(*ev))) == NULL) {
			log_err("alerts: %zu events wait for the store; dropping '%s'",
			    a->npend, message);
			return;
		}
		a->pend_ev = ev;
		if ((st = realloc(a->pend_st, cap * sizeof(*st))) == NULL) {
			log_err("alerts: out of memory; dropping '%s'", message);
			return;
		}
		a->pend_st = st;
		a->pend_cap = cap;
	}
	e = &a->pend_ev[a->npend];
	memset(e, 0, sizeof(*e));
	e->time_ms = time_ms;
	snprintf(e->station, sizeof(e->station), "%s", a->station);
	snprintf(e->id, sizeof(e->id), "%s", in->id);
	snprintf(e->device, sizeof(e->device), "%s", a->devs[in->dev].name);
	snprintf(e->point, sizeof(e->point), "%s", in->point);
	e->kind = in->kind;
	e->from = from;
	e->to = in->st.severity;
	e->transition = tr;
	e->has_value = in->st.has_value;
	e->value = in->st.value;
	e->has_limit = in->st.has_limit;
	e->limit = in->st.limit;
	snprintf(e->message, sizeof(e->message), "%s", message);
	snprintf(e->by, sizeof(e->by), "%s", by != NULL ? by : "");
	snprintf(e->note, sizeof(e->note), "%s", note != NULL ? note : "");
	to_store(a, in, &a->pend_st[a->npend]);
	a->npend++;
}

/* A change of severity: an acknowledgement lasts until a clear or an escalation. */
static void
changed(struct alerts *a, struct inst *in, const struct alert_change *ch)
{
	if (ch->to == ALERT_OK || ch->to == ALERT_UNKNOWN ||
	    (ch->to > ch->from && ch->from != ALERT_UNKNOWN)) {
		in->acked = false;
		in->acked_by[0] = in->note[0] = '\0';
		in->acked_ms = 0;
	}
	snprintf(in->message, sizeof(in->message), "%s", ch->message);
	log_msg(ch->to == ALERT_CRITICAL ? LOG_LEVEL_WARNING : LOG_LEVEL_NOTICE, "alert %s %s: %s",
	    in->id, alert_transition_name(ch->transition), ch->message);
	enqueue(a, in, ch->from, ch->transition, ch->time_ms, ch->message, NULL, NULL);
}

/* Journal what is pending; how many, or -errno (kept for the next time). */
static int
flush(struct alerts *a)
{
	size_t n = a->npend;
	int rc;

	if (n == 0)
		return 0;
	rc = store_alert_record(a->st, a->pend_ev, a->pend_st, n);
	if (rc != 0) {
		if (a->flush_failures++ == 0)
			log_err("alerts: journaling %zu events failed: %s; they are kept and retried",
			    n, store_errmsg(a->st));
		return rc;
	}
	if (a->flush_failures > 0)
		log_notice("alerts: journaling again after %u failures", a->flush_failures);
	a->flush_failures = 0;
	a->npend = 0;
	return (int)n;
}

static struct alert_subject
subject(const struct alerts *a, const struct inst *in)
{
	return (struct alert_subject){ a->devs[in->dev].name,
		in->kind == ALERT_COMM ? NULL : in->point, in->unit };
}

/* Bring a device's alerts in line with its maintenance, configured or run-time. */
static void
apply_maintenance(struct alerts *a, struct dev *d, int64_t now_ms)
{
	bool on = d->conf_maintenance || maint_active(a->maint, d->name, now_ms);

	if (on == d->silent)
		return;
	d->silent = on;
	for (size_t i = d->first; i < d->first + d->n; i++)
		alertrule_maintenance(&a->insts[i].st, on, now_ms);
	for (size_t p = 0; p < d->npoints; p++)
		d->missing[p] = 0;
}

/* Build the alerts from the bindings; names and rules copied. */
static int
build(struct alerts *a, const struct conf *conf, int64_t now_ms)
{
	a->insts = calloc(conf->nbinds ? conf->nbinds : 1, sizeof(*a->insts));
	a->devs = calloc(conf->ndevices ? conf->ndevices : 1, sizeof(*a->devs));
	a->keys = calloc(conf->nbinds ? conf->nbinds : 1, sizeof(*a->keys));
	if (a->insts == NULL || a->devs == NULL || a->keys == NULL)
		return -ENOMEM;
	for (size_t d = 0; d < conf->ndevices; d++) {
		snprintf(a->devs[d].name, sizeof(a->devs[d].name), "%s", conf->devices[d].name);
		a->devs[d].conf_maintenance = conf->devices[d].maintenance;
		a->devs[d].comm = -1;
	}
	a->ndevs = conf->ndevices;
	for (size_t b = 0; b < conf->nbinds; b++) {
		const struct conf_alert_bind *bind = &conf->binds[b];
		const struct conf_device *cd = &conf->devices[bind->device];
		struct inst *in = &a->insts[a->ninsts];
		struct dev *d = &a->devs[bind->device];

		in->rule = conf->alerts[bind->rule];
		in->kind = bind->kind;
		in->dev = bind->device;
		if (bind->point >= 0) {
			const struct drv_point *p = &cd->model->points[bind->point];

			snprintf(in->point, sizeof(in->point), "%s", p->name);
			snprintf(in->unit, sizeof(in->unit), "%s", p->unit);
		}
		if (store_alert_id(in->id, sizeof(in->id), d->name, in->point, in->kind) != 0)
			continue;
		alertrule_init(&in->st, now_ms);
		if (d->n == 0)
			d->first = a->ninsts;
		d->n++;
		if (in->kind == ALERT_COMM) {
			d->comm = (int)a->ninsts;
			d->npoints = cd->model->npoints;
			d->points = calloc(d->npoints ? d->npoints : 1, sizeof(*d->points));
			d->missing = calloc(d->npoints ? d->npoints : 1, sizeof(*d->missing));
			if (d->points == NULL || d->missing == NULL)
				return -ENOMEM;
			for (size_t p = 0; p < d->npoints; p++)
				snprintf(d->points[p], LW_NAME_MAX, "%s", cd->model->points[p].name);
		} else if (a->nkeys > 0 && a->keys[a->nkeys - 1].dev == in->dev &&
		    strcmp(a->keys[a->nkeys - 1].dp + LW_NAME_MAX, in->point) == 0) {
			a->keys[a->nkeys - 1].n++;
		} else {
			struct key *k = &a->keys[a->nkeys++];

			make_dp(k->dp, d->name, in->point);
			k->first = a->ninsts;
			k->n = 1;
			k->dev = in->dev;
		}
		a->ninsts++;
	}
	qsort(a->keys, a->nkeys, sizeof(*a->keys), key_cmp);
	return 0;
}

/* Known ids, for dropping the states of alerts no longer configured. */
struct forget_ctx {
	const struct alerts	*a;
	char			(*ids)[STORE_ALERT_ID_MAX];
	size_t			 n, cap;
	int			 rc;
};

static int
collect_unknown(void *arg, const struct store_alert *s)
{
	struct forget_ctx *f = arg;

	for (size_t i = 0; i < f->a->ninsts; i++)
		if (strcmp(f->a->insts[i].id, s->id) == 0)
			return 0;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		char (*p)[STORE_ALERT_ID_MAX] = realloc(f->ids, cap * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		f->ids = p;
		f->cap = cap;
	}
	snprintf(f->ids[f->n++], STORE_ALERT_ID_MAX, "%s", s->id);
	return 0;
}

/* Take the states the store kept; forget those of alerts that are gone. */
static void
restore(struct alerts *a, int64_t now_ms)
{
	struct forget_ctx f = { a, NULL, 0, 0, 0 };
	size_t active = 0;

	for (size_t i = 0; i < a->ninsts; i++) {
		struct inst *in = &a->insts[i];
		struct store_alert s;
		int rc = store_alert_get(a->st, in->id, &s);

		if (rc == -ENOENT)
			continue;
		if (rc != 0) {
			log_warn("alerts: %s: cannot read its state: %s; starting from ok", in->id,
			    store_errmsg(a->st));
			continue;
		}
		alertrule_restore(&in->st, s.severity, s.since_ms, s.has_value, s.value,
		    s.has_limit, s.limit, now_ms);
		snprintf(in->message, sizeof(in->message), "%s", s.message);
		in->acked = s.acked;
		snprintf(in->acked_by, sizeof(in->acked_by), "%s", s.acked_by);
		in->acked_ms = s.acked_ms;
		snprintf(in->note, sizeof(in->note), "%s", s.note);
		active += s.severity == ALERT_WARNING || s.severity == ALERT_CRITICAL;
	}
	if (active > 0)
		log_notice("alerts: %zu active alerts restored", active);
	if (store_alert_each(a->st, collect_unknown, &f) == 0) {
		for (size_t i = 0; i < f.n; i++) {
			if (store_alert_forget(a->st, f.ids[i]) == 0)
				log_info("alerts: %s is no longer configured; its state is dropped",
				    f.ids[i]);
		}
	}
	free(f.ids);
}

int
alerts_new(const struct conf *conf, struct store *st, struct maint *maint, int64_t now_ms,
    struct alerts **ret)
{
	struct alerts *a = calloc(1, sizeof(*a));
	int rc;

	if (a == NULL)
		return -ENOMEM;
	snprintf(a->station, sizeof(a->station), "%s", conf->station.id);
	a->st = st;
	a->maint = maint;
	if ((rc = build(a, conf, now_ms)) != 0) {
		alerts_free(a);
		return rc;
	}
	restore(a, now_ms);
	for (size_t d = 0; d < a->ndevs; d++)
		apply_maintenance(a, &a->devs[d], now_ms);
	*ret = a;
	return 0;
}

void
alerts_free(struct alerts *a)
{
	if (a == NULL)
		return;
	if (a->npend > 0 && flush(a) < 0)
		log_err("alerts: %zu events could not be journaled", a->npend);
	for (size_t d = 0; d < a->ndevs; d++) {
		free(a->devs[d].points);
		free(a->devs[d].missing);
	}
	free(a->insts);
	free(a->devs);
	free(a->keys);
	free(a->pend_ev);
	free(a->pend_st);
	free(a);
}

/* A device's comm alert after a reading of one of its points. */
static void
comm_reading(struct alerts *a, struct dev *d, const struct lw_reading *r)
{
	struct inst *in = &a->insts[d->comm];
	unsigned fewest = UINT32_MAX;
	struct alert_subject sub = subject(a, in);
	struct alert_change ch;

	for (size_t p = 0; p < d->npoints; p++) {
		if (strcmp(d->points[p], r->point) == 0) {
			if (r->quality != LW_Q_MISSING)
				d->missing[p] = 0;
			else if (d->missing[p] < UINT32_MAX)
				d->missing[p]++;
		}
		if (d->missing[p] < fewest)
			fewest = d->missing[p];
	}
	/*
	 * A poll's readings come in the model's order: its last point ends the
	 * poll, and only then does the count of every point say what it did.
	 */
	if (d->npoints == 0 || strcmp(r->point, d->points[d->npoints - 1]) != 0)
		return;
	if (alertrule_comm(&in->rule, &sub, &in->st, r->time_ms, fewest, &ch) == 1)
		changed(a, in, &ch);
}

int
alerts_readings(struct alerts *a, const struct lw_reading *r, size_t n, int64_t now_ms)
{
	for (size_t i = 0; i < n; i++) {
		struct dev *d = find_dev(a, r[i].device);
		const struct key *k;
		struct alert_change ch;

		if (d == NULL || d->n == 0)
			continue;
		apply_maintenance(a, d, now_ms);
		if (d->comm >= 0)
			comm_reading(a, d, &r[i]);
		if ((k = find_key(a, r[i].device, r[i].point)) == NULL)
			continue;
		for (size_t j = k->first; j < k->first + k->n; j++) {
			struct inst *in = &a->insts[j];
			struct alert_subject sub = subject(a, in);

			if (alertrule_reading(&in->rule, in->kind, &sub, &in->st, &r[i], &ch) == 1)
				changed(a, in, &ch);
		}
	}
	return flush(a);
}

int
alerts_tick(struct alerts *a, int64_t now_ms)
{
	char ended[16][LW_NAME_MAX];
	size_t n;

	while ((n = maint_expire(a->maint, now_ms, ended, 16)) > 0) {
		for (size_t i = 0; i < n; i++) {
			struct dev *d = find_dev(a, ended[i]);

			log_notice("device '%s': maintenance ended", ended[i]);
			if (store_maint_set(a->st, ended[i], 0, NULL) != 0)
				log_warn("device '%s': cannot record the end of maintenance: %s",
				    ended[i], store_errmsg(a->st));
			if (d != NULL)
				apply_maintenance(a, d, now_ms);
		}
	}
	for (size_t i = 0; i < a->ninsts; i++) {
		struct inst *in = &a->insts[i];
		struct alert_subject sub = subject(a, in);
		struct alert_change ch;

		if (in->kind == ALERT_STALE &&
		    alertrule_tick(&in->rule, in->kind, &sub, &in->st, now_ms, &ch) == 1)
			changed(a, in, &ch);
	}
	return flush(a);
}

int64_t
alerts_next_tick(struct alerts *a)
{
	int64_t due = maint_next_end(a->maint);

	for (size_t i = 0; i < a->ninsts; i++) {
		const struct inst *in = &a->insts[i];
		int64_t t = alertrule_tick_due(&in->rule, in->kind, &in->st);

		if (t < due)
			due = t;
	}
	return due;
}

/* Does target name this alert: its id, its point or its device? */
static bool
names(const struct alerts *a, const struct inst *in, const char *target)
{
	const char *dev = a->devs[in->dev].name;
	size_t dl = strlen(dev);

	if (strcmp(target, in->id) == 0 || strcmp(target, dev) == 0)
		return true;
	return in->point[0] != '\0' && strncmp(target, dev, dl) == 0 && target[dl] == '.' &&
	    strcmp(target + dl + 1, in->point) == 0;
}

int
alerts_ack(struct alerts *a, const char *target, const char *by, const char *note,
    int64_t now_ms, char *reply, size_t len)
{
	size_t matched = 0, active = 0, acked = 0;
	int rc;

	for (size_t i = 0; i < a->ninsts; i++) {
		struct inst *in = &a->insts[i];
		char msg[STORE_TEXT_MAX];

		if (!names(a, in, target))
			continue;
		matched++;
		if (in->st.severity != ALERT_WARNING && in->st.severity != ALERT_CRITICAL)
			continue;
		active++;
		if (in->acked)
			continue;
		in->acked = true;
		snprintf(in->acked_by, sizeof(in->acked_by), "%s", by);
		in->acked_ms = now_ms;
		snprintf(in->note, sizeof(in->note), "%s", note != NULL ? note : "");
		snprintf(msg, sizeof(msg), "%s acknowledged by %s%s%s", in->id, by,
		    note != NULL && note[0] ? ": " : "", note != NULL ? note : "");
		log_notice("alert %s", msg);
		enqueue(a, in, in->st.severity, ALERT_ACKNOWLEDGED, now_ms, msg, by, note);
		acked++;
	}
	if (matched == 0 && find_dev(a, target) == NULL) {
		snprintf(reply, len, "no alert, point or device '%s' has alerts", target);
		return -EINVAL;
	}
	if (active == 0) {
		snprintf(reply, len, "no active alert on '%s'", target);
		return -ENOENT;
	}
	rc = flush(a);
	if (rc < 0) {
		snprintf(reply, len, "acknowledged, but not yet journaled: %s", store_errmsg(a->st));
		return (int)acked;
	}
	if (acked == 0)
		snprintf(reply, len, "the %zu active alert%s on '%s' %s already acknowledged",
		    active, active == 1 ? "" : "s", target, active == 1 ? "was" : "were");
	else
		snprintf(reply, len, "%zu alert%s acknowledged", acked, acked == 1 ? "" : "s");
	return (int)acked;
}

int
alerts_maintenance(struct alerts *a, const char *device, int64_t now_ms)
{
	struct dev *d = find_dev(a, device);

	if (d == NULL)
		return -ENOENT;
	apply_maintenance(a, d, now_ms);
	return 0;
}

size_t
alerts_active(const struct alerts *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->ninsts; i++)
		n += a->insts[i].st.severity == ALERT_WARNING ||
		    a->insts[i].st.severity == ALERT_CRITICAL;
	return n;
}
