/* SPDX-License-Identifier: MIT */
/*
 * A notifier (see notify.h): each round it takes the new alert events (told
 * at once when notifyrule says so), then looks at every alert's state for
 * what was held back and for reminders, then sleeps until the journal grows
 * or something falls due.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backoff.h"
#include "fwdstore.h"
#include "hook.h"
#include "json.h"
#include "log.h"
#include "notify.h"
#include "notifyrule.h"
#include "now.h"
#include "numfmt.h"
#include "store.h"
#include "strbuf.h"
#include "threadname.h"
#include "timefmt.h"

#define NOTIFY_EVENTS		16		/* events read at a time */
#define NOTIFY_IDLE_MS		60000		/* longest sleep */
#define NOTIFY_RETRY_MIN_MS	2000
#define NOTIFY_RETRY_MAX_MS	300000
#define NOTIFY_ATTEMPTS		20		/* a notification given up after this many */
#define NOTIFY_ENV_MAX		24

/* A point's unit, for LAKEWATCH_UNIT. */
struct unit_of {
	char	 device[LW_NAME_MAX];
	char	 point[LW_NAME_MAX];
	char	 unit[LW_UNIT_MAX];
};

struct notifier {
	struct conf_notify	 cfg;		/* args point into argv_store */
	char			**argv;		/* exec, args..., NULL: owned */
	char			 station[LW_NAME_MAX];
	char			 store_path[CONF_PATH_MAX];
	char			 cursor_name[LW_NAME_MAX + 8];
	struct unit_of		*units;
	size_t			 nunits;
	struct wake		*journal;	/* borrowed */
	struct wake		*stop_wake;
	atomic_bool		 stop;
	pthread_t		 thread;

	struct store		*st;
	int64_t			 cursor;
	struct backoff		 backoff;
	unsigned		 attempts;	/* of the notification being retried */
	int64_t			 retry_at_ms;	/* monotonic; 0: none waiting */
};

/* What one notification tells: from an event, or from an alert's state. */
struct notice {
	const char		*id;
	const char		*device;
	const char		*point;		/* "" for a device's */
	enum alert_kind		 kind;
	enum alert_severity	 severity;
	enum alert_severity	 previous;
	const char		*transition;	/* raised ... acknowledged, or reminder */
	bool			 has_value;
	double			 value;
	bool			 has_limit;
	double			 limit;
	int64_t			 time_ms;
	const char		*message;
	const char		*by;
	const char		*note;
};

static const char *
unit_of(const struct notifier *n, const char *device, const char *point)
{
	for (size_t i = 0; i < n->nunits; i++)
		if (strcmp(n->units[i].device, device) == 0 && strcmp(n->units[i].point, point) == 0)
			return n->units[i].unit;
	return "";
}

static void
number_text(char *buf, size_t len, bool has, double v)
{
	if (!has || numfmt_double(buf, len, v) < 0)
		buf[0] = '\0';
}

/* The JSON on the program's standard input. */
static int
notice_json(const struct notifier *n, const struct notice *x, const char *unit, struct strbuf *sb)
{
	struct json_obj o;

	json_obj_begin(&o, sb);
	json_obj_str(&o, "station", n->station);
	json_obj_str(&o, "alert", x->id);
	json_obj_str(&o, "device", x->device);
	json_obj_str(&o, "point", x->point[0] ? x->point : NULL);
	json_obj_str(&o, "kind", alert_kind_name(x->kind));
	json_obj_str(&o, "severity", alert_severity_name(x->severity));
	json_obj_str(&o, "previous", alert_severity_name(x->previous));
	json_obj_str(&o, "transition", x->transition);
	json_obj_num(&o, "value", x->has_value, x->value);
	json_obj_num(&o, "limit", x->has_limit, x->limit);
	json_obj_str(&o, "unit", unit);
	json_obj_time(&o, "time", x->time_ms);
	json_obj_str(&o, "message", x->message);
	json_obj_str(&o, "acknowledged_by", x->by[0] ? x->by : NULL);
	json_obj_str(&o, "note", x->note[0] ? x->note : NULL);
	return json_obj_end(&o);
}

/* Run the program for x; true when it succeeded. */
static bool
tell(struct notifier *n, const struct notice *x)
{
	static const char path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char env[NOTIFY_ENV_MAX][STORE_TEXT_MAX + 32];
	char *envp[NOTIFY_ENV_MAX + 1];
	char value[32], limit[32], when[32];
	const char *unit = unit_of(n, x->device, x->point);
	struct hook_result res;
	struct strbuf input;
	size_t ne = 0;
	int rc;

	number_text(value, sizeof(value), x->has_value, x->value);
	number_text(limit, sizeof(limit), x->has_limit, x->limit);
	if (timefmt_iso8601(x->time_ms, when, sizeof(when)) < 0)
		when[0] = '\0';
#define ENV(...) snprintf(env[ne], sizeof(env[ne]), __VA_ARGS__), envp[ne] = env[ne], ne++
	ENV("%s", path);
	ENV("LANG=C.UTF-8");
	ENV("LAKEWATCH_STATION=%s", n->station);
	ENV("LAKEWATCH_ALERT=%s", x->id);
	ENV("LAKEWATCH_DEVICE=%s", x->device);
	ENV("LAKEWATCH_POINT=%s", x->point);
	ENV("LAKEWATCH_KIND=%s", alert_kind_name(x->kind));
	ENV("LAKEWATCH_SEVERITY=%s", alert_severity_name(x->severity));
	ENV("LAKEWATCH_PREVIOUS=%s", alert_severity_name(x->previous));
	ENV("LAKEWATCH_TRANSITION=%s", x->transition);
	ENV("LAKEWATCH_VALUE=%s", value);
	ENV("LAKEWATCH_LIMIT=%s", limit);
	ENV("LAKEWATCH_UNIT=%s", unit);
	ENV("LAKEWATCH_TIME=%s", when);
	ENV("LAKEWATCH_MESSAGE=%s", x->message);
	ENV("LAKEWATCH_ACKNOWLEDGED_BY=%s", x->by);
	ENV("LAKEWATCH_NOTE=%s", x->note);
#undef ENV
	envp[ne] = NULL;

	sb_init(&input);
	if (notice_json(n, x, unit, &input) != 0 || sb_appendc(&input, '\n') != 0) {
		sb_free(&input);
		log_err("notify %s: cannot describe %s: out of memory", n->cfg.name, x->id);
		return false;
	}
	rc = hook_run(n->cfg.exec, n->argv, envp, input.data, input.len, n->cfg.timeout_ms, &res);
	sb_free(&input);
	if (rc == 0 && res.status == 0 && res.signal == 0 && !res.timed_out) {
		log_info("notify %s: %s %s told (%lld ms)", n->cfg.name, x->id, x->transition,
		    (long long)res.elapsed_ms);
		return true;
	}
	if (rc != 0)
		log_warn("notify %s: %s", n->cfg.name, res.output);
	else if (res.timed_out)
		log_warn("notify %s: %s %s: %s did not finish within %lld ms and was killed%s%s",
		    n->cfg.name, x->id, x->transition, n->cfg.exec, (long long)n->cfg.timeout_ms,
		    res.output[0] ? ": " : "", res.output);
	else if (res.signal != 0)
		log_warn("notify %s: %s %s: %s was killed by signal %d%s%s", n->cfg.name, x->id,
		    x->transition, n->cfg.exec, res.signal, res.output[0] ? ": " : "", res.output);
	else
		log_warn("notify %s: %s %s: %s exited with status %d%s%s", n->cfg.name, x->id,
		    x->transition, n->cfg.exec, res.status, res.output[0] ? ": " : "", res.output);
	return false;
}

/* A notification failed: wait and try again, or give up after NOTIFY_ATTEMPTS. */
static bool
failed(struct notifier *n, const char *id)
{
	if (++n->attempts >= NOTIFY_ATTEMPTS) {
		log_err("notify %s: giving up on %s after %u attempts", n->cfg.name, id, n->attempts);
		n->attempts = 0;
		backoff_reset(&n->backoff);
		return true;	/* passed over */
	}
	n->retry_at_ms = now_mono_ms() + backoff_next(&n->backoff);
	return false;
}

static void
told(struct notifier *n, const char *id, enum alert_severity s)
{
	struct store_notified nf = { now_wall_ms(), s };

	n->attempts = 0;
	n->retry_at_ms = 0;
	backoff_reset(&n->backoff);
	if (store_notified_set(n->st, n->cfg.name, id, &nf) != 0)
		log_warn("notify %s: cannot remember telling %s: %s", n->cfg.name, id,
		    store_errmsg(n->st));
}

/* What was last told about an alert: NULL for nothing (or unreadable). */
static const struct store_notified *
last_told(struct notifier *n, const char *id, struct store_notified *buf)
{
	return store_notified_get(n->st, n->cfg.name, id, buf) == 0 ? buf : NULL;
}

/* The new events; false when one is waiting to be retried. */
static bool
take_events(struct notifier *n, bool *any)
{
	struct store_alert_event ev[NOTIFY_EVENTS];
	int count;

	while ((count = store_alert_read_after(n->st, n->cursor, ev, NOTIFY_EVENTS)) > 0) {
		for (int i = 0; i < count; i++) {
			const struct store_alert_event *e = &ev[i];
			struct store_notified buf;
			const struct store_notified *last = last_told(n, e->id, &buf);
			int64_t due;

			*any = true;
			if (notifyrule_event(&n->cfg, e, last, now_wall_ms(), &due) == NOTIFY_NOW) {
				struct notice x = { e->id, e->device, e->point, e->kind, e->to, e->from,
					alert_transition_name(e->transition), e->has_value, e->value,
					e->has_limit, e->limit, e->time_ms, e->message, e->by, e->note };

				if (tell(n, &x))
					told(n, e->id, e->to);
				else if (!failed(n, e->id))
					return false;
			}
			n->cursor = e->seq;
			if (store_cursor_set(n->st, n->cursor_name, n->cursor) != 0)
				log_warn("notify %s: saving the cursor: %s", n->cfg.name,
				    store_errmsg(n->st));
		}
	}
	if (count < 0)
		log_warn("notify %s: reading the alert journal: %s", n->cfg.name, store_errmsg(n->st));
	return true;
}

struct state_pass {
	struct notifier	*n;
	int64_t		 due;		/* wall clock: the next thing due */
	bool		 retry;		/* one failed: stop the pass */
};

static int
check_state(void *arg, const struct store_alert *a)
{
	struct state_pass *p = arg;
	struct notifier *n = p->n;
	struct store_notified buf;
	const struct store_notified *last = last_told(n, a->id, &buf);
	bool reminder;
	int64_t due;
	enum notify_action act = notifyrule_state(&n->cfg, a, last, now_wall_ms(), &reminder, &due);

	if (act == NOTIFY_LATER && due < p->due)
		p->due = due;
	if (act != NOTIFY_NOW)
		return 0;
	enum alert_severity prev = last != NULL ? last->severity : ALERT_OK;
	struct notice x = { a->id, a->device, a->point, a->kind, a->severity, prev,
		reminder ? "reminder" : alert_transition_name(alert_transition_between(prev,
		a->severity)), a->has_value, a->value, a->has_limit, a->limit,
		reminder ? now_wall_ms() : a->since_ms, a->message, a->acked ? a->acked_by : "",
		a->acked ? a->note : "" };

	if (tell(n, &x)) {
		told(n, a->id, a->severity);
		if (reminder && n->cfg.repeat_ms > 0 && now_wall_ms() + n->cfg.repeat_ms < p->due)
			p->due = now_wall_ms() + n->cfg.repeat_ms;
		return 0;
	}
	if (failed(n, a->id))
		return 0;
	p->retry = true;
	return 1;	/* stop the pass; retried after the backoff */
}

static void *
notifier_main(void *arg)
{
	struct notifier *n = arg;
	int64_t next_pass = 0;	/* wall clock */

	thread_name("notify %s", n->cfg.name);
	if (fwdstore_open(n->store_path, n->cursor_name, n->cursor_name, wake_fd(n->stop_wake),
	    &n->stop, &n->st, &n->cursor) != 0)
		return NULL;
	while (!atomic_load(&n->stop)) {
		bool any = false;
		int64_t sleep_ms = NOTIFY_IDLE_MS;

		if (n->retry_at_ms == 0 || now_mono_ms() >= n->retry_at_ms) {
			n->retry_at_ms = 0;
			if (take_events(n, &any) && (any || now_wall_ms() >= next_pass)) {
				struct state_pass p = { n, INT64_MAX, false };

				store_alert_each(n->st, check_state, &p);
				next_pass = p.retry ? 0 : p.due;
			}
		}
		if (n->retry_at_ms != 0)
			sleep_ms = n->retry_at_ms - now_mono_ms();
		else if (next_pass != INT64_MAX && next_pass - now_wall_ms() < sleep_ms)
			sleep_ms = next_pass - now_wall_ms();
		if (sleep_ms < 0)
			sleep_ms = 0;

		struct pollfd p[2] = {
			{ .fd = wake_fd(n->stop_wake), .events = POLLIN },
			{ .fd = wake_fd(n->journal), .events = POLLIN },
		};
		if (poll(p, 2, (int)(sleep_ms > NOTIFY_IDLE_MS ? NOTIFY_IDLE_MS : sleep_ms)) > 0 &&
		    (p[1].revents & POLLIN))
			wake_clear(n->journal);
	}
	store_close(n->st);
	n->st = NULL;
	return NULL;
}

static void
notifier_free(struct notifier *n)
{
	for (size_t i = 1; n->argv != NULL && n->argv[i] != NULL; i++)
		free(n->argv[i]);
	free(n->argv);
	free(n->units);
	wake_free(n->stop_wake);
	free(n);
}

int
notifier_start(const struct conf *conf, size_t index, struct wake *journal,
    struct notifier **ret)
{
	const struct conf_notify *c = &conf->notify[index];
	struct notifier *n = calloc(1, sizeof(*n));
	size_t np = 0;
	int rc;

	if (n == NULL)
		return -ENOMEM;
	n->cfg = *c;
	n->cfg.args = NULL;	/* the configuration's; ours are in argv */
	for (size_t d = 0; d < conf->ndevices; d++)
		np += conf->devices[d].model->npoints;
	n->argv = calloc(c->nargs + 2, sizeof(*n->argv));
	n->units = calloc(np ? np : 1, sizeof(*n->units));
	if (n->argv == NULL || n->units == NULL || wake_new(&n->stop_wake) != 0) {
		notifier_free(n);
		return -ENOMEM;
	}
	n->argv[0] = n->cfg.exec;
	for (size_t i = 0; i < c->nargs; i++) {
		if ((n->argv[i + 1] = strdup(c->args[i])) == NULL) {
			notifier_free(n);
			return -ENOMEM;
		}
	}
	for (size_t d = 0; d < conf->ndevices; d++) {
		const struct drv_model *m = conf->devices[d].model;

		for (size_t p = 0; p < m->npoints; p++) {
			struct unit_of *u = &n->units[n->nunits++];

			snprintf(u->device, sizeof(u->device), "%s", conf->devices[d].name);
			snprintf(u->point, sizeof(u->point), "%s", m->points[p].name);
			snprintf(u->unit, sizeof(u->unit), "%s", m->points[p].unit);
		}
	}
	snprintf(n->station, sizeof(n->station), "%s", conf->station.id);
	snprintf(n->store_path, sizeof(n->store_path), "%s", conf->store.path);
	snprintf(n->cursor_name, sizeof(n->cursor_name), "notify:%s", c->name);
	n->journal = journal;
	atomic_init(&n->stop, false);
	backoff_init(&n->backoff, NOTIFY_RETRY_MIN_MS, NOTIFY_RETRY_MAX_MS,
	    (uint64_t)now_wall_ms() ^ ((uint64_t)getpid() << 32) ^ index);
	rc = pthread_create(&n->thread, NULL, notifier_main, n);
	if (rc != 0) {
		notifier_free(n);
		return -rc;
	}
	*ret = n;
	return 0;
}

void
notifier_stop(struct notifier *n)
{
	if (n == NULL)
		return;
	atomic_store(&n->stop, true);
	wake_signal(n->stop_wake);
	pthread_join(n->thread, NULL);
	notifier_free(n);
}
