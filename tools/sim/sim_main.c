/* SPDX-License-Identifier: MIT */
/*
 * lakewatch-sim: a simulated Lake Poopó station for tests and demos.  It
 * reads the same station configuration as lakewatchd and serves every
 * enabled device of it on its bus, from the device's driver table, with
 * values from simsignal (or pinned with --set) and faults from --fault and
 * --faults-file.  Once every bus is open it prints one READY line per bus and
 * a final READY on stdout.  SIGUSR1 re-reads the faults file, which then
 * replaces every fault (the --fault ones too; an empty file clears them) and
 * every value it gave (set and ramp lines, see sim_fault.c: a point whose
 * line is gone goes back to its --set value or the simulated one, and every
 * ramp starts again from the time of reading).
 * SIGTERM and SIGINT stop every bus thread and exit 0.
 *
 * The main thread owns the configuration and waits for signals; the bus
 * threads (sim_serve.c) serve.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "sim.h"
#include "now.h"

#define FAULTS_FILE_MAX	(64 * 1024)	/* a faults file is a few lines */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lakewatch-sim -c FILE [--seed N] [--listen BUS=PORT]... [--serial BUS=PATH]...\n"
	    "                     [--set DEVICE.POINT=VALUE]... [--fault DEVICE=KIND[:ARG][@FROM-UNTIL]]...\n"
	    "                     [--faults-file FILE] [-v] [-h] [-V]\n"
	    "  -c FILE          station configuration, as for lakewatchd\n"
	    "  --seed N         seed of the simulated noise (default 1)\n"
	    "  --listen BUS=PORT  serve a TCP or RTU-over-TCP bus on 127.0.0.1:PORT (0: any free port)\n"
	    "  --serial BUS=PATH  serve an RTU bus on PATH (one end of a socat pty pair, say)\n"
	    "  --set DEVICE.POINT=VALUE  serve exactly VALUE for that point\n"
	    "  --fault DEVICE=KIND[:ARG][@FROM-UNTIL]  a fault, from FROM to UNTIL seconds after the start:\n"
	    "                   timeout, down, slow:MS, exception[:CODE], crc, garbage, nan, flag, range\n"
	    "  --faults-file FILE  read at the start and on SIGUSR1, when it replaces every fault\n"
	    "                   and value (an empty file clears them); one a line, '#' comments:\n"
	    "                     DEVICE KIND[:ARG][@FROM-UNTIL]     a fault, as --fault\n"
	    "                     set DEVICE.POINT=VALUE             serve VALUE while the line is there\n"
	    "                     ramp DEVICE.POINT=FROM:TO:SECONDS  FROM when the file is read, TO\n"
	    "                                  SECONDS later (linearly), then TO\n"
	    "                   a point without such a line has its --set value or the simulated one\n"
	    "  -v               log every request and the fault applied to it\n"
	    "  -V               print the version and exit\n"
	    "Once listening it prints 'READY bus NAME tcp 127.0.0.1:PORT' or 'READY bus NAME rtu PATH'\n"
	    "for each bus, then 'READY'.\n");
}

/* Load the configuration, printing every error as FILE:LINE: message. */
static struct conf *
load(const char *path)
{
	struct conf_errors errs = { NULL, 0 };
	struct conf *conf = NULL;
	int rc = conf_load(path, &conf, &errs);

	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.lines[i]);
	if (rc != 0 && errs.n == 0)
		fprintf(stderr, "%s: %s\n", path, strerror(-rc));
	conf_errors_clear(&errs);
	return rc == 0 ? conf : NULL;
}

static struct sim_bus *
find_bus(struct sim *sim, const char *name, size_t len)
{
	for (size_t i = 0; i < sim->conf->nbuses; i++)
		if (strlen(sim->conf->buses[i].name) == len &&
		    strncmp(sim->conf->buses[i].name, name, len) == 0)
			return &sim->buses[i];
	return NULL;
}

/* --listen BUS=PORT and --serial BUS=PATH. */
static int
override_bus(struct sim *sim, const char *opt, const char *arg, bool listen)
{
	const char *eq = strchr(arg, '=');
	struct sim_bus *b;

	if (eq == NULL || eq == arg || eq[1] == '\0') {
		fprintf(stderr, "lakewatch-sim: --%s '%s': expected BUS=%s\n", opt, arg,
		    listen ? "PORT" : "PATH");
		return -EINVAL;
	}
	b = find_bus(sim, arg, (size_t)(eq - arg));
	if (b == NULL) {
		fprintf(stderr, "lakewatch-sim: --%s '%s': no bus '%.*s' in %s\n", opt, arg,
		    (int)(eq - arg), arg, sim->conf->path);
		return -ENOENT;
	}
	if (listen) {
		char *end;
		long port;

		if (b->conf->type == CONF_BUS_RTU) {
			fprintf(stderr, "lakewatch-sim: --listen '%s': bus '%s' is a serial bus "
			    "(use --serial)\n", arg, b->conf->name);
			return -EINVAL;
		}
		errno = 0;
		port = strtol(eq + 1, &end, 10);
		if (errno != 0 || *end != '\0' || port < 0 || port > 65535) {
			fprintf(stderr, "lakewatch-sim: --listen '%s': '%s' is not a port (0 to 65535)\n",
			    arg, eq + 1);
			return -EINVAL;
		}
		b->port = (int)port;
		return 0;
	}
	if (b->conf->type != CONF_BUS_RTU) {
		fprintf(stderr, "lakewatch-sim: --serial '%s': bus '%s' is not a serial bus "
		    "(use --listen)\n", arg, b->conf->name);
		return -EINVAL;
	}
	if (strlen(eq + 1) >= sizeof(b->path)) {
		fprintf(stderr, "lakewatch-sim: --serial '%s': path too long\n", arg);
		return -ENAMETOOLONG;
	}
	strcpy(b->path, eq + 1);
	return 0;
}

/* --set DEVICE.POINT=VALUE */
static int
pin_point(struct sim *sim, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const struct conf_device *dev;
	char name[2 * LW_NAME_MAX], *end;
	size_t point;
	double v;

	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof(name)) {
		fprintf(stderr, "lakewatch-sim: --set '%s': expected DEVICE.POINT=VALUE\n", arg);
		return -EINVAL;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	if (conf_find_point(sim->conf, name, &dev, &point) != 0) {
		fprintf(stderr, "lakewatch-sim: --set '%s': no point '%s' in %s\n", arg, name,
		    sim->conf->path);
		return -ENOENT;
	}
	errno = 0;
	v = strtod(eq + 1, &end);
	if (errno != 0 || end == eq + 1 || *end != '\0') {
		fprintf(stderr, "lakewatch-sim: --set '%s': '%s' is not a number\n", arg, eq + 1);
		return -EINVAL;
	}
	struct sim_device *d = &sim->devices[dev - sim->conf->devices];
	d->pinned[point] = true;
	d->pin[point] = v;
	return 0;
}

/*
 * Every fault of the faults file at path names a device of the
 * configuration, and every value a point, which it is then bound to; msg
 * says which does not.
 */
static int
check_fault_devices(const struct sim *sim, const char *path, struct sim_faults *fs, char *msg,
    size_t len)
{
	for (size_t i = 0; i < fs->n; i++) {
		if (conf_find_device(sim->conf, fs->v[i].device) == NULL) {
			snprintf(msg, len, "%s: no device '%s' in %s", path, fs->v[i].device,
			    sim->conf->path);
			return -ENOENT;
		}
	}
	for (size_t i = 0; i < fs->nvalues; i++) {
		struct sim_value *v = &fs->values[i];

		if (conf_find_point(sim->conf, v->name, &v->dev, &v->point) != 0) {
			snprintf(msg, len, "%s:%d: no point '%s' in %s", path, v->line, v->name,
			    sim->conf->path);
			return -ENOENT;
		}
	}
	return 0;
}

/*
 * Read and parse the faults file into *ret.  A file that does not exist
 * holds no faults.  0, or -errno with a message in msg.
 */
static int
read_faults(const struct sim *sim, const char *path, struct sim_faults *ret, char *msg, size_t len)
{
	struct sim_faults fs = { NULL, 0, NULL, 0, 0 };
	char *text;
	size_t n = 0;
	FILE *f;
	int rc;

	f = fopen(path, "re");
	if (f == NULL) {
		if (errno == ENOENT) {
			sim_faults_clear(ret);
			return 0;
		}
		rc = -errno;
		snprintf(msg, len, "%s: %s", path, strerror(errno));
		return rc;
	}
	text = malloc(FAULTS_FILE_MAX + 1);
	if (text == NULL) {
		fclose(f);
		snprintf(msg, len, "%s: out of memory", path);
		return -ENOMEM;
	}
	n = fread(text, 1, FAULTS_FILE_MAX + 1, f);
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (rc == 0 && n > FAULTS_FILE_MAX) {
		snprintf(msg, len, "%s: larger than %d bytes", path, FAULTS_FILE_MAX);
		rc = -EFBIG;
	} else if (rc != 0) {
		snprintf(msg, len, "%s: read error", path);
	}
	if (rc == 0) {
		text[n] = '\0';
		rc = sim_fault_parse_text(text, path, &fs, msg, len);
	}
	free(text);
	if (rc == 0)
		rc = check_fault_devices(sim, path, &fs, msg, len);
	if (rc != 0) {
		sim_faults_clear(&fs);
		return rc;
	}
	/* Ramps run from now. */
	fs.read_ms = now_mono_ms() - sim->start_ms;
	sim_faults_clear(ret);
	*ret = fs;
	return 0;
}

/* SIGUSR1: the faults file replaces every fault, or nothing changes. */
static void
reload_faults(struct sim *sim, const char *path)
{
	struct sim_faults fs = { NULL, 0, NULL, 0, 0 }, old;
	char msg[512], what[2 * LW_NAME_MAX + 96];

	if (path == NULL) {
		log_warn("SIGUSR1 without --faults-file, ignoring");
		return;
	}
	if (read_faults(sim, path, &fs, msg, sizeof(msg)) != 0) {
		log_err("%s; keeping the faults in force", msg);
		return;
	}
	pthread_mutex_lock(&sim->fault_lock);
	old = sim->faults;
	sim->faults = fs;
	pthread_mutex_unlock(&sim->fault_lock);
	sim_faults_clear(&old);
	log_notice("faults from %s: %zu in force, %zu values", path, fs.n, fs.nvalues);
	for (size_t i = 0; i < fs.n; i++)
		log_info("fault: %s %s%s%u", fs.v[i].device, sim_fault_kind_name(fs.v[i].kind),
		    fs.v[i].arg ? ":" : "", fs.v[i].arg);
	for (size_t i = 0; i < fs.nvalues; i++) {
		sim_value_describe(&fs.values[i], what, sizeof(what));
		log_info("value: %s", what);
	}
}

/* Give every enabled device its place on its bus. */
static int
place_devices(struct sim *sim)
{
	for (size_t i = 0; i < sim->conf->ndevices; i++) {
		const struct conf_device *dev = &sim->conf->devices[i];
		struct sim_bus *b = &sim->buses[dev->bus];

		if (!dev->enabled)
			continue;
		if (dev->unit < 1 || dev->unit > SIM_MAX_UNIT) {
			fprintf(stderr, "lakewatch-sim: device '%s': unit %u is not 1 to %d\n",
			    dev->name, dev->unit, SIM_MAX_UNIT);
			return -EINVAL;
		}
		if (b->units[dev->unit] != NULL) {
			fprintf(stderr, "lakewatch-sim: devices '%s' and '%s' are both unit %u on bus "
			    "'%s'\n", b->units[dev->unit]->conf->name, dev->name, dev->unit,
			    b->conf->name);
			return -EEXIST;
		}
		b->units[dev->unit] = &sim->devices[i];
	}
	return 0;
}

static void
sim_free(struct sim *sim)
{
	if (sim->buses != NULL)
		for (size_t i = 0; i < sim->conf->nbuses; i++)
			sim_bus_close(&sim->buses[i]);
	if (sim->devices != NULL)
		for (size_t i = 0; i < sim->conf->ndevices; i++)
			sim_device_done(&sim->devices[i]);
	free(sim->buses);
	free(sim->devices);
	sim_faults_clear(&sim->faults);
	if (sim->stop_pipe[0] >= 0)
		close(sim->stop_pipe[0]);
	if (sim->stop_pipe[1] >= 0)
		close(sim->stop_pipe[1]);
	pthread_mutex_destroy(&sim->fault_lock);
	conf_free(sim->conf);
}

/* Everything the command line asked for, kept until the configuration is loaded. */
struct opts {
	const char	*conf_path;
	const char	*faults_path;
	uint64_t	 seed;
	int		 verbose;
	const char	**listen, **serial, **set, **fault;
	size_t		 nlisten, nserial, nset, nfault;
};

static int
parse_args(int argc, char *argv[], struct opts *o)
{
	enum { OPT_SEED = 256, OPT_LISTEN, OPT_SERIAL, OPT_SET, OPT_FAULT, OPT_FAULTS_FILE };
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "serial", required_argument, NULL, OPT_SERIAL },
		{ "set", required_argument, NULL, OPT_SET },
		{ "fault", required_argument, NULL, OPT_FAULT },
		{ "faults-file", required_argument, NULL, OPT_FAULTS_FILE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	o->seed = 1;
	/* No option appears more often than there are arguments. */
	o->listen = calloc((size_t)argc, sizeof(*o->listen));
	o->serial = calloc((size_t)argc, sizeof(*o->serial));
	o->set = calloc((size_t)argc, sizeof(*o->set));
	o->fault = calloc((size_t)argc, sizeof(*o->fault));
	if (!o->listen || !o->serial || !o->set || !o->fault) {
		fprintf(stderr, "lakewatch-sim: out of memory\n");
		return 1;
	}
	while ((ch = getopt_long(argc, argv, "c:vhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->conf_path = optarg; break;
		case 'v': o->verbose++; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("lakewatch-sim %s\n", LW_VERSION); return 0;
		case OPT_SEED:
			errno = 0;
			o->seed = strtoull(optarg, &end, 0);
			if (errno != 0 || *end != '\0' || *optarg == '\0' || *optarg == '-') {
				fprintf(stderr, "lakewatch-sim: --seed '%s': not a number\n", optarg);
				return 2;
			}
			break;
		case OPT_LISTEN: o->listen[o->nlisten++] = optarg; break;
		case OPT_SERIAL: o->serial[o->nserial++] = optarg; break;
		case OPT_SET: o->set[o->nset++] = optarg; break;
		case OPT_FAULT: o->fault[o->nfault++] = optarg; break;
		case OPT_FAULTS_FILE: o->faults_path = optarg; break;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || o->conf_path == NULL) {
		usage(stderr);
		return 2;
	}
	return -1;	/* carry on */
}

/* Apply the command line to a loaded simulation: 0, or the exit status. */
static int
apply_args(struct sim *sim, const struct opts *o)
{
	char msg[512];

	for (size_t i = 0; i < o->nlisten; i++)
		if (override_bus(sim, "listen", o->listen[i], true) != 0)
			return 2;
	for (size_t i = 0; i < o->nserial; i++)
		if (override_bus(sim, "serial", o->serial[i], false) != 0)
			return 2;
	for (size_t i = 0; i < o->nset; i++)
		if (pin_point(sim, o->set[i]) != 0)
			return 2;
	if (o->faults_path != NULL && read_faults(sim, o->faults_path, &sim->faults, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "lakewatch-sim: %s\n", msg);
		return 2;
	}
	for (size_t i = 0; i < o->nfault; i++) {
		struct sim_fault f;

		if (sim_fault_parse(o->fault[i], &f, msg, sizeof(msg)) != 0) {
			fprintf(stderr, "lakewatch-sim: --fault %s\n", msg);
			return 2;
		}
		if (conf_find_device(sim->conf, f.device) == NULL) {
			fprintf(stderr, "lakewatch-sim: --fault '%s': no device '%s' in %s\n",
			    o->fault[i], f.device, sim->conf->path);
			return 2;
		}
		if (sim_faults_add(&sim->faults, &f) != 0) {
			fprintf(stderr, "lakewatch-sim: out of memory\n");
			return 1;
		}
	}
	return place_devices(sim) == 0 ? 0 : 1;
}

/* Build the simulation of a loaded configuration: 0 or the exit status. */
static int
setup(struct sim *sim, struct conf *conf, const struct opts *o)
{
	sim->conf = conf;
	sim->seed = o->seed;
	sim->devices = calloc(conf->ndevices ? conf->ndevices : 1, sizeof(*sim->devices));
	sim->buses = calloc(conf->nbuses ? conf->nbuses : 1, sizeof(*sim->buses));
	if (sim->devices == NULL || sim->buses == NULL)
		return 1;
	for (size_t i = 0; i < conf->ndevices; i++) {
		if (sim_device_init(&sim->devices[i], &conf->devices[i]) != 0) {
			fprintf(stderr, "lakewatch-sim: out of memory\n");
			return 1;
		}
	}
	for (size_t i = 0; i < conf->nbuses; i++) {
		struct sim_bus *b = &sim->buses[i];

		b->sim = sim;
		b->conf = &conf->buses[i];
		b->index = i;
		b->listen_fd = -1;
		b->port = (int)conf->buses[i].port;
		snprintf(b->path, sizeof(b->path), "%s", conf->buses[i].device);
	}
	return apply_args(sim, o);
}

/* Open every bus and say READY: 0 or the exit status. */
static int
open_buses(struct sim *sim)
{
	char err[512], line[CONF_PATH_MAX + LW_NAME_MAX + 32];

	for (size_t i = 0; i < sim->conf->nbuses; i++) {
		if (sim_bus_open(&sim->buses[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "lakewatch-sim: bus '%s': %s\n", sim->conf->buses[i].name, err);
			return 1;
		}
	}
	for (size_t i = 0; i < sim->conf->nbuses; i++) {
		sim_bus_ready_line(&sim->buses[i], line, sizeof(line));
		printf("%s\n", line);
	}
	printf("READY\n");
	fflush(stdout);
	return 0;
}

static void
run(struct sim *sim, const char *faults_path)
{
	sigset_t set;
	int sig, rc;

	for (size_t i = 0; i < sim->conf->nbuses; i++) {
		rc = pthread_create(&sim->buses[i].thread, NULL, sim_serve, &sim->buses[i]);
		if (rc != 0) {
			log_err("bus '%s': cannot start its thread: %s", sim->conf->buses[i].name,
			    strerror(rc));
			break;
		}
		sim->buses[i].running = true;
	}
	log_info("serving %zu devices on %zu buses (seed %llu)", sim->conf->ndevices,
	    sim->conf->nbuses, (unsigned long long)sim->seed);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		sig = sigwaitinfo(&set, NULL);
		if (sig == SIGUSR1)
			reload_faults(sim, faults_path);
		else if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	log_info("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	/* Never read: it stays readable for every bus thread. */
	if (write(sim->stop_pipe[1], "x", 1) != 1)
		log_err("cannot wake the bus threads: %s", strerror(errno));
	for (size_t i = 0; i < sim->conf->nbuses; i++) {
		if (sim->buses[i].running)
			pthread_join(sim->buses[i].thread, NULL);
		sim->buses[i].running = false;
	}
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct sim sim;
	struct conf *conf;
	sigset_t set;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&sim, 0, sizeof(sim));
	sim.stop_pipe[0] = sim.stop_pipe[1] = -1;
	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		goto out_args;
	log_init("lakewatch-sim", o.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);

	/* Signals are taken by sigwaitinfo in the main thread only. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	conf = load(o.conf_path);
	if (conf == NULL) {
		rc = 1;
		goto out_args;
	}
	pthread_mutex_init(&sim.fault_lock, NULL);
	if (pipe(sim.stop_pipe) == -1) {
		fprintf(stderr, "lakewatch-sim: pipe: %s\n", strerror(errno));
		sim.conf = conf;
		rc = 1;
		goto out_sim;
	}
	fcntl(sim.stop_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(sim.stop_pipe[1], F_SETFD, FD_CLOEXEC);
	sim.start_ms = now_mono_ms();
	rc = setup(&sim, conf, &o);
	if (rc == 0)
		rc = open_buses(&sim);
	if (rc == 0)
		run(&sim, o.faults_path);
out_sim:
	sim_free(&sim);
out_args:
	free(o.listen);
	free(o.serial);
	free(o.set);
	free(o.fault);
	return rc;
}
