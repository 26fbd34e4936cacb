/* SPDX-License-Identifier: MIT */
/*
 * lakewatchd: the station daemon.  Loads and checks the configuration, then
 * runs one thread per bus, the core thread that commits readings to the
 * store, and a thread per forwarder (MQTT, InfluxDB) that sends the store's
 * readings on.  The main thread only waits for signals: SIGTERM and SIGINT
 * stop cleanly (every reading already taken is committed), SIGHUP reloads the
 * configuration (a bad file is rejected and the old one keeps running).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <mosquitto.h>

#include "bus.h"
#include "busset.h"
#include "confref.h"
#include "conf.h"
#include "core.h"
#include "ctl.h"
#include "influxfwd.h"
#include "log.h"
#include "maint.h"
#include "mqttfwd.h"
#include "notify.h"
#include "poll.h"
#include "queue.h"
#include "store.h"
#include "wake.h"
#include "now.h"

#define QUEUE_CAPACITY	16384	/* readings between the bus threads and the store */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lakewatchd [-c FILE] [-n | --once] [-f] [-v] [-V]\n"
	    "  -c FILE   configuration (default " CONF_DEFAULT_PATH ")\n"
	    "  -n        check the configuration, print 'configuration OK' or every error\n"
	    "  --once    poll every device once, print the readings and exit\n"
	    "            (status 0 if every device answered)\n"
	    "  -f        stay in the foreground, log to stderr (always the case)\n"
	    "  -v        more logging (with --once: every Modbus transaction)\n"
	    "  -V        print the version and exit\n");
}

/* Load path, printing every error; NULL on failure. */
static struct conf *
load(const char *path, bool to_log)
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

/* --once: poll every enabled device once and print a table. */
static int
run_once(const struct conf *conf)
{
	modbus_t **ctx = calloc(conf->nbuses, sizeof(*ctx));
	bool all_ok = true;

	if (ctx == NULL)
		return 1;
	printf("%-32s %14s %-10s %s\n", "POINT", "VALUE", "UNIT", "QUALITY");
	for (size_t i = 0; i < conf->ndevices; i++) {
		const struct conf_device *dev = &conf->devices[i];
		struct lw_reading *r;
		struct poll_result res;
		char err[256];
		int rc;

		if (!dev->enabled)
			continue;
		if (ctx[dev->bus] == NULL &&
		    poll_open_bus(&conf->buses[dev->bus], &ctx[dev->bus], err, sizeof(err)) != 0) {
			fprintf(stderr, "lakewatchd: device '%s': %s\n", dev->name, err);
			all_ok = false;
			continue;
		}
		r = calloc(dev->model->npoints, sizeof(*r));
		if (r == NULL)
			break;
		rc = poll_device(ctx[dev->bus], conf, dev, now_wall_ms(), dev->maintenance, r, &res);
		if (rc != 0)
			all_ok = false;
		log_info("%s: %u transaction%s, %u failed, %lld ms", dev->name,
		    res.transactions, res.transactions == 1 ? "" : "s", res.failed,
		    (long long)res.latency_ms);
		for (size_t p = 0; p < dev->model->npoints; p++) {
			char name[2 * LW_NAME_MAX], value[32];

			snprintf(name, sizeof(name), "%s.%s", r[p].device, r[p].point);
			if (r[p].has_value)
				snprintf(value, sizeof(value), "%.6g", r[p].value);
			else
				snprintf(value, sizeof(value), "-");
			printf("%-32s %14s %-10s %s\n", name, value, r[p].unit,
			    lw_quality_name(r[p].quality));
		}
		free(r);
	}
	for (size_t b = 0; b < conf->nbuses; b++) {
		if (ctx[b] != NULL) {
			modbus_close(ctx[b]);
			modbus_free(ctx[b]);
		}
	}
	free(ctx);
	return all_ok ? 0 : 1;
}

/* The forwarders, the notifiers and the wake-ups the core gives them; owned by run(). */
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

/* An acknowledgement from MQTT, carried out by the core thread. */
static int
core_ack_cb(void *arg, const char *target, const char *by, const char *note, char *reply,
    size_t len)
{
	return core_ack(arg, target, by, note, reply, len);
}

/* The control socket's commands, carried out by the core thread. */
static int
ctl_ack(void *arg, const char *target, const char *by, const char *note, char *reply, size_t len)
{
	int rc = core_ack(arg, target, by, note, reply, len);

	return rc < 0 ? rc : 0;
}

static int
ctl_maintenance(void *arg, const char *device, bool on, int64_t for_ms, const char *by,
    char *reply, size_t len)
{
	int rc = core_maintenance(arg, device, on, for_ms, by, reply, len);

	return rc < 0 ? rc : 0;
}

/*
 * SIGHUP: load the file again and swap in a configuration without errors,
 * restarting only what changed: a bus whose settings and devices are the
 * same keeps polling, a forwarder whose group is the same keeps its
 * connection.  Returns the configuration now running.
 */
static struct confref *
reload(struct confref *old, struct busset *buses, struct core *core, struct forwarders *fw)
{
	char reply[256];
	struct conf *conf = load(old->conf->path, true);
	struct confref *ref;
	size_t kept = 0, started = 0;

	if (conf == NULL) {
		log_err("reload: %s has errors; keeping the running configuration", old->conf->path);
		return old;
	}
	if ((ref = confref_new(conf)) == NULL) {
		log_err("reload: out of memory; keeping the running configuration");
		return old;
	}
	if (strcmp(conf->store.path, old->conf->store.path) != 0 ||
	    strcmp(conf->station.id, old->conf->station.id) != 0)
		log_warn("reload: a new store path or station id takes effect at the next restart");
	if (busset_apply(buses, ref, &kept, &started) != 0)
		log_err("reload: not every bus could be started");
	if (core_reconfigure(core, conf, reply, sizeof(reply)) < 0)
		log_err("reload: %s", reply);
	update_forwarders(conf, old->conf, fw);
	restart_notifiers(conf, fw, core);
	set_cursors(core, fw);
	log_notice("reload: %s loaded: %zu buses running (%zu kept polling, %zu started), "
	    "%zu devices", conf->path, kept + started, kept, started, conf->ndevices);
	confref_drop(old);
	return ref;
}

static int
run(struct conf *first)
{
	struct confref *cref = confref_new(first);
	struct conf *conf = first;
	struct busset *buses = NULL;
	struct forwarders fw = { 0 };
	struct maint *maint = NULL;
	struct store *st;
	struct queue *q;
	struct core *core;
	struct core_stats stats;
	sigset_t set;
	int rc, sig;

	if (cref == NULL) {
		log_err("out of memory");
		return 1;
	}
	/* Not thread-safe: before any thread starts. */
	mosquitto_lib_init();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (wake_new(&fw.mqtt_wake) != 0 || wake_new(&fw.influx_wake) != 0) {
		log_err("cannot create the forwarders' wake-ups: %s", strerror(errno));
		return 1;
	}
	struct wake *wakes[2] = { fw.mqtt_wake, fw.influx_wake };
	if (maint_new(&maint) != 0) {
		log_err("out of memory");
		return 1;
	}

	rc = store_open(conf->store.path, STORE_READ_WRITE, &st);
	if (rc != 0) {
		log_err("store '%s': cannot open: %s", conf->store.path, strerror(-rc));
		return 1;
	}
	rc = queue_new(QUEUE_CAPACITY, &q);
	struct core_params cp = {
		.conf = conf,
		.station = conf->station.id,
		.maint = maint,
		.retention_ms = conf->store.retention_ms,
		.commit_interval_ms = conf->store.commit_interval_ms,
		.max_size_bytes = conf->store.max_size_bytes,
		.wakes = wakes,
		.nwakes = 2,
	};
	if (rc == 0)
		rc = core_start(st, q, &cp, &core);
	if (rc != 0) {
		log_err("cannot start the core thread: %s", strerror(-rc));
		store_close(st);
		queue_free(q);
		return 1;
	}
	fw.mqtt_cmds = (struct mqttfwd_cmds){ core, core_ack_cb };
	update_forwarders(conf, NULL, &fw);
	restart_notifiers(conf, &fw, core);
	set_cursors(core, &fw);
	if (busset_new(q, maint, &buses) != 0 || busset_apply(buses, cref, NULL, NULL) != 0) {
		busset_free(buses);
		core_stop(core, NULL);
		stop_forwarders(&fw);
		queue_free(q);
		confref_drop(cref);
		return 1;
	}
	struct ctl_handlers handlers = { core, ctl_ack, ctl_maintenance };
	struct ctl *ctl = NULL;
	char ctl_err[256];
	if (ctl_start(conf->control_socket, conf->station.id, &handlers, &ctl, ctl_err,
	    sizeof(ctl_err)) != 0)
		log_err("control socket: %s; `lakewatch ack` and `maintenance` cannot reach this "
		    "daemon", ctl_err);
	log_notice("started: station '%s', %zu buses, %zu devices, store %s%s%s",
	    conf->station.id, conf->nbuses, conf->ndevices, conf->store.path,
	    fw.mqtt != NULL ? ", MQTT" : "", fw.influx != NULL ? ", InfluxDB" : "");

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	for (;;) {
		struct timespec tick = { 1, 0 };

		sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGHUP) {
			log_notice("SIGHUP: reloading %s", conf->path);
			cref = reload(cref, buses, core, &fw);
			conf = cref->conf;
		} else if (sig == SIGTERM || sig == SIGINT) {
			log_notice("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
			break;
		}
	}
	ctl_stop(ctl);
	busset_free(buses);
	/* The core commits what is queued; then the forwarders stop. */
	core_stop(core, &stats);
	stop_forwarders(&fw);
	log_notice("stopped: %llu readings committed in %llu transactions, %llu dropped",
	    (unsigned long long)stats.committed, (unsigned long long)stats.commits,
	    (unsigned long long)stats.dropped);
	queue_free(q);
	wake_free(fw.mqtt_wake);
	wake_free(fw.influx_wake);
	for (size_t i = 0; i < MAX_NOTIFIERS; i++)
		wake_free(fw.notify_wakes[i]);
	maint_free(maint);
	confref_drop(cref);
	curl_global_cleanup();
	mosquitto_lib_cleanup();
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = CONF_DEFAULT_PATH;
	bool check = false, once = false;
	int verbose = 0, ch;
	struct conf *conf;
	sigset_t set;

	while ((ch = getopt_long(argc, argv, "c:nfvVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'n': check = true; break;
		case 'o': once = true; break;
		case 'f': break;
		case 'v': verbose++; break;
		case 'V': printf("lakewatchd %s\n", LW_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || (check && once)) {
		usage(stderr);
		return 2;
	}
	log_init("lakewatchd", verbose ? LOG_LEVEL_DEBUG : (once ? LOG_LEVEL_WARNING : LOG_LEVEL_INFO));

	/* Signals are taken by sigtimedwait in the main thread only. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	conf = load(path, false);
	if (conf == NULL)
		return 1;
	if (check) {
		printf("configuration OK\n");
		conf_free(conf);
		return 0;
	}
	if (once) {
		int rc = run_once(conf);

		conf_free(conf);
		return rc;
	}
	return run(conf);
}
