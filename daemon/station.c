/* SPDX-License-Identifier: MIT */
/*
 * The running station (see station.h): the threads and who starts, reloads
 * and stops them.  The main thread waits for signals with sigtimedwait until
 * its next task is due.  Then it writes the daemon's own figures into the
 * queue as readings of the device `lakewatchd`, or tells systemd
 * (sdnotify.h) how the station is (STATUS=) and, every half watchdog
 * interval, that it is alive (WATCHDOG=1), but only while every thread's
 * heartbeat is fresh (watchdog.h), so that a wedged bus thread gets the
 * daemon restarted.  READY=1 is sent once the store is open and every bus
 * thread runs; RELOADING=1 and READY=1 around a reload; STOPPING=1 first
 * thing on the way out.  The control thread asks the main thread for a
 * status (under mu, which a reload also holds, since the set of buses and
 * forwarders is the main thread's) and for reloads (by SIGHUP, waiting for
 * the outcome).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mosquitto.h>

#include "busset.h"
#include "conf.h"
#include "confref.h"
#include "core.h"
#include "ctl.h"
#include "influxfwd.h"
#include "log.h"
#include "maint.h"
#include "mqttfwd.h"
#include "notify.h"
#include "now.h"
#include "queue.h"
#include "sdnotify.h"
#include "selfmetrics.h"
#include "station.h"
#include "status.h"
#include "store.h"
#include "wake.h"
#include "watchdog.h"

/*
 * Readings between the bus threads and the store, 152 bytes each: seconds of
 * a busy station's polls while a commit is slow (a failing store keeps its
 * own batch besides).
 */
#define QUEUE_CAPACITY		4096
#define RELOAD_WAIT_MS		30000	/* a reload asked over the control socket */
#define IDLE_WAIT_MS		3600000	/* the main thread's wait with nothing due */
#define SD_STATUS_EVERY_MS	10000	/* STATUS= at most this often (it reads the store) */
/*
 * The longest the other threads go without a heartbeat when healthy: the
 * core waits a second at most, but a commit may wait out the store's busy
 * timeout and an hourly prune or size trim takes a while; a forwarder waits
 * up to a minute when idle, plus one connection attempt or request.
 */
#define WATCH_CORE_MS		120000
#define WATCH_FORWARDER_MS	90000

struct conf *
station_load(const char *path, bool to_log)
{
	struct conf_errors errs = { NULL, 0 };
	struct conf *conf = NULL;
	int rc = conf_load(path, &conf, &errs);

	for (size_t i = 0; i < errs.n; i++) {
		if (to_log)
			log_err("%s", errs.lines[i]);
		else
			fprintf(stderr, "%s\n", errs.lines[i]);
	}
	if (rc != 0 && errs.n == 0) {
		if (to_log)
			log_err("%s: %s", path, strerror(-rc));
		else
			fprintf(stderr, "%s: %s\n", path, strerror(-rc));
	}
	conf_errors_clear(&errs);
	return rc == 0 ? conf : NULL;
}


/* The forwarders, the notifiers and the wake-ups the core gives them. */
#define MAX_NOTIFIERS	64
struct forwarders {
	struct wake		*mqtt_wake;
	struct wake		*influx_wake;
	struct mqttfwd		*mqtt;
	struct influxfwd	*influx;
	struct mqttfwd_cmds	 mqtt_cmds;		/* what MQTT may ask of the core */
	struct notifier		*notifiers[MAX_NOTIFIERS];
	struct wake		*notify_wakes[MAX_NOTIFIERS];
	size_t			 nnotifiers;
};

/*
 * The notifiers of conf, all started afresh (they keep nothing in memory
 * that the store does not), and the core told whom to wake.
 */
static void
restart_notifiers(const struct conf *conf, struct forwarders *fw, struct core *core)
{
	struct wake *wakes[2 + MAX_NOTIFIERS] = { fw->mqtt_wake, fw->influx_wake };
	size_t n = conf->nnotify < MAX_NOTIFIERS ? conf->nnotify : MAX_NOTIFIERS;
	int rc;

	for (size_t i = 0; i < fw->nnotifiers; i++) {
		notifier_stop(fw->notifiers[i]);
		fw->notifiers[i] = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (fw->notify_wakes[i] == NULL && wake_new(&fw->notify_wakes[i]) != 0)
			break;
		wakes[2 + i] = fw->notify_wakes[i];
		if ((rc = notifier_start(conf, i, fw->notify_wakes[i], &fw->notifiers[i])) != 0)
			log_err("notify %s: cannot start: %s", conf->notify[i].name, strerror(-rc));
	}
	fw->nnotifiers = n;
	if (core != NULL)
		core_set_wakes(core, wakes, 2 + n);
}

/* Tell the core which cursors the running forwarders keep. */
static void
set_cursors(struct core *core, const struct forwarders *fw)
{
	const char *names[2];
	size_t n = 0;

	if (fw->mqtt != NULL)
		names[n++] = MQTTFWD_CURSOR;
	if (fw->influx != NULL)
		names[n++] = INFLUXFWD_CURSOR;
	core_set_cursors(core, names, n);
}

/*
 * Start the forwarders conf enables, and stop those it does not; with old
 * given (a reload), one whose configuration did not change keeps running.
 * The groups are compared whole: struct conf is zeroed before loading.
 */
static void
update_forwarders(const struct conf *conf, const struct conf *old, struct forwarders *fw)
{
	bool same_station = old != NULL && strcmp(old->station.id, conf->station.id) == 0 &&
	    strcmp(old->store.path, conf->store.path) == 0;
	int rc;

	if (fw->mqtt != NULL && !(same_station && conf->mqtt.enabled &&
	    memcmp(&old->mqtt, &conf->mqtt, sizeof(conf->mqtt)) == 0)) {
		mqttfwd_stop(fw->mqtt);
		fw->mqtt = NULL;
	}
	if (fw->mqtt == NULL && conf->mqtt.enabled &&
	    (rc = mqttfwd_start(conf, fw->mqtt_wake, &fw->mqtt_cmds, &fw->mqtt)) != 0)
		log_err("mqtt: cannot start the forwarder: %s", strerror(-rc));
	if (fw->influx != NULL && !(same_station && conf->influx.enabled &&
	    memcmp(&old->influx, &conf->influx, sizeof(conf->influx)) == 0)) {
		influxfwd_stop(fw->influx);
		fw->influx = NULL;
	}
	if (fw->influx == NULL && conf->influx.enabled &&
	    (rc = influxfwd_start(conf, fw->influx_wake, &fw->influx)) != 0)
		log_err("influxdb: cannot start the forwarder: %s", strerror(-rc));
}

static void
stop_forwarders(struct forwarders *fw)
{
	mqttfwd_stop(fw->mqtt);
	influxfwd_stop(fw->influx);
	fw->mqtt = NULL;
	fw->influx = NULL;
	for (size_t i = 0; i < fw->nnotifiers; i++) {
		notifier_stop(fw->notifiers[i]);
		fw->notifiers[i] = NULL;
	}
	fw->nnotifiers = 0;
}

struct station {
	struct confref		*cref;		/* the running configuration */
	struct busset		*buses;
	struct core		*core;
	struct queue		*q;
	struct maint		*maint;
	struct forwarders	 fw;
	struct ctl		*ctl;
	int64_t			 started_ms;
	/* Self-metrics: the figures at the last readings, and when the next are due. */
	struct selfmetrics	 last;
	bool			 have_last;
	int64_t			 next_metrics_ms;
	/* systemd: the watchdog interval (0: not asked for), the last WATCHDOG=1. */
	int64_t			 watchdog_ms;
	int64_t			 last_ping_ms;
	bool			 stale_logged;
	int64_t			 next_sd_status_ms;
	char			 sd_status[128];
	/* Under mu: the running set against status requests, and reload requests. */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	uint64_t		 reloads_asked;
	uint64_t		 reloads_done;
	int			 reload_rc;
	char			 reload_msg[256];
};

static struct status_view
view(struct station *s)
{
	return (struct status_view){ s->cref->conf, s->buses, s->core, s->fw.mqtt, s->fw.influx,
		s->started_ms };
}

/* An acknowledgement from MQTT, carried out by the core thread. */
static int
mqtt_ack(void *arg, const char *target, const char *by, const char *note, char *reply,
    size_t len)
{
	struct station *s = arg;

	return core_ack(s->core, target, by, note, reply, len);
}

/* The control socket's commands. */
static int
ctl_ack(void *arg, const char *target, const char *by, const char *note, char *reply, size_t len)
{
	struct station *s = arg;
	int rc = core_ack(s->core, target, by, note, reply, len);

	return rc < 0 ? rc : 0;
}

static int
ctl_maintenance(void *arg, const char *device, bool on, int64_t for_ms, const char *by,
    char *reply, size_t len)
{
	struct station *s = arg;
	int rc = core_maintenance(s->core, device, on, for_ms, by, reply, len);

	return rc < 0 ? rc : 0;
}

static int
ctl_status(void *arg, struct strbuf *out, char *reply, size_t len)
{
	struct station *s = arg;
	struct status_view v;
	int rc;

	pthread_mutex_lock(&s->mu);
	v = view(s);
	rc = status_json(&v, out);
	pthread_mutex_unlock(&s->mu);
	if (rc != 0)
		snprintf(reply, len, "the status could not be made: %s", strerror(-rc));
	return rc;
}

/* A reload asked over the control socket: SIGHUP, and wait for the main thread to say. */
static int
ctl_reload(void *arg, const char *by, char *reply, size_t len)
{
	struct station *s = arg;
	int64_t deadline = queue_now_ms() + RELOAD_WAIT_MS;
	uint64_t mine;
	int rc = -ETIMEDOUT;

	pthread_mutex_lock(&s->mu);
	mine = ++s->reloads_asked;
	pthread_mutex_unlock(&s->mu);
	log_notice("reload asked by %s", by);
	kill(getpid(), SIGHUP);
	pthread_mutex_lock(&s->mu);
	while (s->reloads_done < mine) {
		struct timespec ts = { deadline / 1000, (deadline % 1000) * 1000000 };

		if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) == ETIMEDOUT)
			break;
	}
	if (s->reloads_done >= mine) {
		rc = s->reload_rc;
		snprintf(reply, len, "%s", s->reload_msg);
	} else {
		snprintf(reply, len, "the daemon did not reload within %d s", RELOAD_WAIT_MS / 1000);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/*
 * SIGHUP: load the file again and swap in a configuration without errors,
 * restarting only what changed: a bus whose settings and devices are the
 * same keeps polling, a forwarder whose group is the same keeps its
 * connection.  Under mu; the outcome for whoever asked in reload_msg.
 */
static void
reload(struct station *s)
{
	struct confref *old = s->cref, *ref;
	struct conf *conf = station_load(old->conf->path, true);
	size_t kept = 0, started = 0;
	char reply[256];

	s->reload_rc = -EINVAL;
	if (conf == NULL) {
		snprintf(s->reload_msg, sizeof(s->reload_msg),
		    "%s has errors (in the daemon's log); keeping the running configuration",
		    old->conf->path);
		log_err("reload: %s", s->reload_msg);
		return;
	}
	if ((ref = confref_new(conf)) == NULL) {
		s->reload_rc = -ENOMEM;
		snprintf(s->reload_msg, sizeof(s->reload_msg),
		    "out of memory; keeping the running configuration");
		log_err("reload: %s", s->reload_msg);
		return;
	}
	if (strcmp(conf->store.path, old->conf->store.path) != 0 ||
	    strcmp(conf->station.id, old->conf->station.id) != 0)
		log_warn("reload: a new store path or station id takes effect at the next restart");
	if (busset_apply(s->buses, ref, &kept, &started) != 0)
		log_err("reload: not every bus could be started");
	if (core_reconfigure(s->core, conf, reply, sizeof(reply)) < 0)
		log_err("reload: %s", reply);
	update_forwarders(conf, old->conf, &s->fw);
	restart_notifiers(conf, &s->fw, s->core);
	set_cursors(s->core, &s->fw);
	s->cref = ref;
	confref_drop(old);
	s->reload_rc = 0;
	snprintf(s->reload_msg, sizeof(s->reload_msg),
	    "%s loaded: %zu buses running (%zu kept polling, %zu started), %zu devices",
	    conf->path, kept + started, kept, started, conf->ndevices);
	log_notice("reload: %s", s->reload_msg);
}

/* The daemon's own figures, as readings of SELFMETRICS_DEVICE, when due. */
static void
self_metrics(struct station *s)
{
	int64_t every = s->cref->conf->station.metrics_interval_ms, now = now_wall_ms();
	struct lw_reading r[SELFMETRICS_MAX];
	struct selfmetrics m;
	struct status_view v;

	if (every <= 0 || queue_now_ms() < s->next_metrics_ms)
		return;
	s->next_metrics_ms = queue_now_ms() + every;
	v = view(s);
	status_figures(&v, &m);
	size_t n = selfmetrics_readings(&m, s->have_last ? &s->last : NULL, now, r);
	if (queue_push(s->q, r, n) > 0)
		log_warn("self-metrics: the store queue is full");
	s->last = m;
	s->have_last = true;
}

/* Whether every thread's heartbeat is fresh; a stale one is logged once per stretch. */
static bool
threads_fresh(struct station *s, int64_t now)
{
	const struct conf *conf = s->cref->conf;
	struct watchdog_thread *t;
	struct watchdog_verdict v;
	char (*names)[80];
	size_t n = 0, nbuses = 0, idx;

	while (busset_bus(s->buses, nbuses) != NULL)
		nbuses++;
	t = calloc(nbuses + 3, sizeof(*t));
	names = calloc(nbuses + 1, sizeof(*names));
	if (t == NULL || names == NULL) {
		free(t);
		free(names);
		return true;	/* no memory to judge with is no proof of a wedge */
	}
	for (size_t i = 0; i < nbuses; i++) {
		struct bus *b = busset_bus(s->buses, i);
		const struct conf *bc = busset_conf(s->buses, i, &idx);

		snprintf(names[i], sizeof(names[i]), "bus '%s'", bus_name(b));
		t[n++] = (struct watchdog_thread){ names[i], bus_heartbeat(b),
			watchdog_bus_limit_ms(bc, idx) };
	}
	t[n++] = (struct watchdog_thread){ "core", core_heartbeat(s->core), WATCH_CORE_MS };
	if (s->fw.mqtt != NULL)
		t[n++] = (struct watchdog_thread){ "mqtt", mqttfwd_heartbeat(s->fw.mqtt),
			WATCH_FORWARDER_MS + conf->mqtt.connect_timeout_ms };
	if (s->fw.influx != NULL)
		t[n++] = (struct watchdog_thread){ "influxdb", influxfwd_heartbeat(s->fw.influx),
			WATCH_FORWARDER_MS + conf->influx.timeout_ms };
	watchdog_check(t, n, now, &v);
	if (!v.healthy && !s->stale_logged)
		log_err("watchdog: thread %s silent for %lld ms (its limit %lld ms): systemd is "
		    "no longer told the daemon is alive, and will restart it", v.stale_name,
		    (long long)v.stale_ms, (long long)v.stale_limit_ms);
	else if (v.healthy && s->stale_logged)
		log_notice("watchdog: every thread is alive again");
	s->stale_logged = !v.healthy;
	free(t);
	free(names);
	return v.healthy;
}

/* WATCHDOG=1 when half the interval is over and every thread is fresh. */
static void
watchdog_ping(struct station *s, bool now_anyway)
{
	int64_t now = queue_now_ms();

	if (s->watchdog_ms <= 0 || (!now_anyway && now - s->last_ping_ms < s->watchdog_ms / 2))
		return;
	if (threads_fresh(s, now)) {
		sdnotify_send("WATCHDOG=1");
		s->last_ping_ms = now;
	}
}

/*
 * How long the main thread may wait for a signal: until the next thing it
 * has to do (self-metrics, WATCHDOG=1, STATUS=), so an idle station does not
 * wake it for nothing.
 */
static int64_t
wait_ms(const struct station *s)
{
	int64_t now = queue_now_ms(), until = now + IDLE_WAIT_MS;

	if (s->cref->conf->station.metrics_interval_ms > 0 && s->next_metrics_ms < until)
		until = s->next_metrics_ms;
	if (s->watchdog_ms > 0 && s->last_ping_ms + s->watchdog_ms / 2 < until)
		until = s->last_ping_ms + s->watchdog_ms / 2;
	if (sdnotify_enabled() && s->next_sd_status_ms < until)
		until = s->next_sd_status_ms;
	return until > now ? until - now : 1;
}

/* STATUS= for systemctl status, when it changed, at most every SD_STATUS_EVERY_MS. */
static void
tell_status(struct station *s, bool now_anyway)
{
	struct selfmetrics m;
	struct status_view v;
	char line[sizeof(s->sd_status)];

	if (!sdnotify_enabled() || (!now_anyway && queue_now_ms() < s->next_sd_status_ms))
		return;
	s->next_sd_status_ms = queue_now_ms() + SD_STATUS_EVERY_MS;
	v = view(s);
	status_figures(&v, &m);
	status_line(&m, line, sizeof(line));
	if (now_anyway || strcmp(line, s->sd_status) != 0) {
		sdnotify_status("%s", line);
		snprintf(s->sd_status, sizeof(s->sd_status), "%s", line);
	}
}

/* Start everything but the signal loop; false (logged) on failure. */
static bool
start(struct station *s)
{
	struct conf *conf = s->cref->conf;
	struct store *st;
	char err[256];
	int rc;

	if (wake_new(&s->fw.mqtt_wake) != 0 || wake_new(&s->fw.influx_wake) != 0 ||
	    maint_new(&s->maint) != 0 || queue_new(QUEUE_CAPACITY, &s->q) != 0) {
		log_err("out of memory");
		return false;
	}
	struct wake *wakes[2] = { s->fw.mqtt_wake, s->fw.influx_wake };
	if ((rc = store_open(conf->store.path, STORE_READ_WRITE, &st)) != 0) {
		log_err("store '%s': cannot open: %s", conf->store.path, strerror(-rc));
		return false;
	}
	struct core_params cp = {
		.conf = conf,
		.station = conf->station.id,
		.maint = s->maint,
		.retention_ms = conf->store.retention_ms,
		.commit_interval_ms = conf->store.commit_interval_ms,
		.max_size_bytes = conf->store.max_size_bytes,
		.wakes = wakes,
		.nwakes = 2,
	};
	if ((rc = core_start(st, s->q, &cp, &s->core)) != 0) {
		log_err("cannot start the core thread: %s", strerror(-rc));
		store_close(st);
		return false;
	}
	s->fw.mqtt_cmds = (struct mqttfwd_cmds){ s, mqtt_ack };
	update_forwarders(conf, NULL, &s->fw);
	restart_notifiers(conf, &s->fw, s->core);
	set_cursors(s->core, &s->fw);
	if (busset_new(s->q, s->maint, &s->buses) != 0 ||
	    busset_apply(s->buses, s->cref, NULL, NULL) != 0)
		return false;
	struct ctl_handlers handlers = { s, ctl_ack, ctl_maintenance, ctl_status, ctl_reload };
	if (ctl_start(conf->control_socket, conf->station.id, &handlers, &s->ctl, err,
	    sizeof(err)) != 0)
		log_err("control socket: %s; `lakewatch status`, `ack`, `maintenance` and `reload` "
		    "cannot reach this daemon", err);
	return true;
}

/* Stop everything that runs, in order: what is polled is committed, then forwarded. */
static void
stop(struct station *s)
{
	struct core_stats stats;

	ctl_stop(s->ctl);
	busset_free(s->buses);
	if (s->core != NULL) {
		core_stop(s->core, &stats);
		log_notice("stopped: %llu readings committed in %llu transactions, %llu dropped",
		    (unsigned long long)stats.committed, (unsigned long long)stats.commits,
		    (unsigned long long)stats.dropped);
	}
	stop_forwarders(&s->fw);
	queue_free(s->q);
	wake_free(s->fw.mqtt_wake);
	wake_free(s->fw.influx_wake);
	for (size_t i = 0; i < MAX_NOTIFIERS; i++)
		wake_free(s->fw.notify_wakes[i]);
	maint_free(s->maint);
	confref_drop(s->cref);
}

int
station_run(struct conf *conf)
{
	struct station s = { .started_ms = now_wall_ms() };
	char err[256];
	sigset_t set;
	bool ok;

	if ((s.cref = confref_new(conf)) == NULL) {
		log_err("out of memory");
		return 1;
	}
	pthread_mutex_init(&s.mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s.cv, &ca);
	pthread_condattr_destroy(&ca);
	if (sdnotify_open(err, sizeof(err)) < 0)
		log_warn("systemd notification: %s; not telling the service manager anything", err);
	if ((s.watchdog_ms = sdnotify_watchdog_ms()) < 0) {
		log_warn("systemd notification: WATCHDOG_USEC or WATCHDOG_PID is not a number; "
		    "no watchdog");
		s.watchdog_ms = 0;
	}
	/* Not thread-safe: before any thread starts. */
	mosquitto_lib_init();
	ok = start(&s);
	if (ok) {
		conf = s.cref->conf;
		log_notice("started: station '%s', %zu buses, %zu devices, store %s%s%s",
		    conf->station.id, conf->nbuses, conf->ndevices, conf->store.path,
		    s.fw.mqtt != NULL ? ", MQTT" : "", s.fw.influx != NULL ? ", InfluxDB" : "");
		s.next_metrics_ms = queue_now_ms() + conf->station.metrics_interval_ms;
		tell_status(&s, true);
		sdnotify_send("READY=1");
		watchdog_ping(&s, true);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	while (ok) {
		int64_t wait = wait_ms(&s);
		struct timespec tick = { wait / 1000, (wait % 1000) * 1000000 };
		int sig = sigtimedwait(&set, NULL, &tick);

		if (sig == SIGHUP) {
			log_notice("SIGHUP: reloading %s", s.cref->conf->path);
			sdnotify_send("RELOADING=1");
			/* A reload must not cost the watchdog its window. */
			watchdog_ping(&s, true);
			pthread_mutex_lock(&s.mu);
			reload(&s);
			s.reloads_done = s.reloads_asked;
			pthread_cond_broadcast(&s.cv);
			pthread_mutex_unlock(&s.mu);
			tell_status(&s, true);
			sdnotify_send("READY=1");
		} else if (sig == SIGTERM || sig == SIGINT) {
			sdnotify_send("STOPPING=1");
			log_notice("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
			break;
		}
		self_metrics(&s);
		watchdog_ping(&s, false);
		tell_status(&s, false);
	}
	if (!ok)
		sdnotify_send("STOPPING=1");
	stop(&s);
	sdnotify_close();
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.mu);
	mosquitto_lib_cleanup();
	return ok ? 0 : 1;
}
