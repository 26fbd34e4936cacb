/* SPDX-License-Identifier: MIT */
/*
 * lakewatchd: the station daemon's command line.  -n checks the configuration,
 * --once polls every device once and prints the readings, and otherwise the
 * station runs (station.c) until SIGTERM or SIGINT.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "log.h"
#include "now.h"
#include "poll.h"
#include "station.h"

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

#ifdef M_ARENA_MAX
	/*
	 * One malloc arena for all threads: glibc would give each thread its
	 * own, each holding its free memory apart (0.7 MB at 100 devices).
	 * The threads allocate little after start-up, so they rarely meet.
	 */
	mallopt(M_ARENA_MAX, 1);
#endif
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

	conf = station_load(path, false);
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
	return station_run(conf);
}
