/* SPDX-License-Identifier: MIT */
/*
 * lakewatchd: the station daemon.  Loads and checks the configuration, then
 * runs one thread per bus and the core thread that commits readings to the
 * store.  The main thread only waits for signals: SIGTERM and SIGINT stop
 * cleanly (every reading already taken is committed), SIGHUP reloads the
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

#include "bus.h"
#include "conf.h"
#include "core.h"
#include "log.h"
#include "poll.h"
#include "queue.h"
#include "store.h"

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

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
		rc = poll_device(ctx[dev->bus], conf, dev, wall_ms(), r, &res);
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

/* Start a thread for every bus that has an enabled device. */
static int
start_buses(const struct conf *conf, struct queue *q, struct bus **buses)
{
	for (size_t b = 0; b < conf->nbuses; b++) {
		bool used = false;

		for (size_t d = 0; d < conf->ndevices; d++)
			used |= conf->devices[d].bus == b && conf->devices[d].enabled;
		buses[b] = NULL;
		if (!used)
			continue;
		int rc = bus_start(conf, b, q, &buses[b]);
		if (rc != 0) {
			log_err("bus '%s': cannot start its thread: %s", conf->buses[b].name, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static void
stop_buses(const struct conf *conf, struct bus **buses)
{
	for (size_t b = 0; b < conf->nbuses; b++) {
		bus_stop(buses[b]);
		buses[b] = NULL;
	}
}

/* SIGHUP: load the file again; swap only a configuration without errors. */
static struct conf *
reload(struct conf *old, struct queue *q, struct bus ***buses)
{
	struct conf *conf = load(old->path, true);
	struct bus **nb;

	if (conf == NULL) {
		log_err("reload: %s has errors; keeping the running configuration", old->path);
		return old;
	}
	nb = calloc(conf->nbuses ? conf->nbuses : 1, sizeof(*nb));
	if (nb == NULL) {
		conf_free(conf);
		return old;
	}
	if (strcmp(conf->store.path, old->store.path) != 0 || strcmp(conf->station.id, old->station.id) != 0)
		log_warn("reload: a new store path or station id takes effect at the next restart");
	stop_buses(old, *buses);
	free(*buses);
	*buses = nb;
	if (start_buses(conf, q, nb) != 0)
		log_err("reload: not every bus could be started");
	log_notice("reload: %s loaded: %zu buses, %zu devices", conf->path, conf->nbuses, conf->ndevices);
	conf_free(old);
	return conf;
}

static int
run(struct conf *conf)
{
	struct store *st;
	struct queue *q;
	struct core *core;
	struct bus **buses;
	struct core_stats stats;
	sigset_t set;
	int rc, sig;

	rc = store_open(conf->store.path, STORE_READ_WRITE, &st);
	if (rc != 0) {
		log_err("store '%s': cannot open: %s", conf->store.path, strerror(-rc));
		return 1;
	}
	rc = queue_new(QUEUE_CAPACITY, &q);
	if (rc == 0)
		rc = core_start(st, q, conf->station.id, conf->store.retention_ms,
		    conf->store.commit_interval_ms, &core);
	if (rc != 0) {
		log_err("cannot start the core thread: %s", strerror(-rc));
		store_close(st);
		queue_free(q);
		return 1;
	}
	buses = calloc(conf->nbuses ? conf->nbuses : 1, sizeof(*buses));
	if (buses == NULL || start_buses(conf, q, buses) != 0) {
		if (buses != NULL)
			stop_buses(conf, buses);
		free(buses);
		core_stop(core);
		queue_free(q);
		return 1;
	}
	log_notice("started: station '%s', %zu buses, %zu devices, store %s",
	    conf->station.id, conf->nbuses, conf->ndevices, conf->store.path);

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	for (;;) {
		struct timespec tick = { 1, 0 };

		sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGHUP) {
			log_notice("SIGHUP: reloading %s", conf->path);
			conf = reload(conf, q, &buses);
		} else if (sig == SIGTERM || sig == SIGINT) {
			log_notice("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
			break;
		}
	}
	stop_buses(conf, buses);
	free(buses);
	core_get_stats(core, &stats);
	core_stop(core);
	log_notice("stopped: %llu readings committed in %llu transactions, %llu dropped",
	    (unsigned long long)stats.committed, (unsigned long long)stats.commits,
	    (unsigned long long)stats.dropped);
	queue_free(q);
	conf_free(conf);
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
