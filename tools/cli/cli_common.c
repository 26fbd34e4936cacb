/* SPDX-License-Identifier: MIT */
/*
 * What the lakewatch commands share: the configuration and the store, the
 * wall clock, time arguments, and point names checked against the
 * configuration with a message that says what does exist.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "timefmt.h"

void
cli_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("lakewatch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_option_error(const char *command, int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";
	const char *sep = command != NULL ? ": " : "";

	if (command == NULL)
		command = "";
	if (c == ':')
		cli_err("%s%soption '%s' needs a value", command, sep, arg);
	else if (optopt != 0 && optopt != '?')
		cli_err("%s%sunknown option '-%c'", command, sep, optopt);
	else
		cli_err("%s%sunknown option '%s'", command, sep, arg);
}

int
cli_load_conf(struct cli *cli)
{
	struct conf_errors errs = { NULL, 0 };
	int rc = conf_load(cli->conf_path, &cli->conf, &errs);

	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.lines[i]);
	if (rc != 0 && errs.n == 0)
		cli_err("%s: %s", cli->conf_path, strerror(-rc));
	conf_errors_clear(&errs);
	if (rc != 0) {
		cli->conf = NULL;
		return CLI_FAIL;
	}
	return CLI_OK;
}

int
cli_open_store(const struct cli *cli, struct store **ret)
{
	char err[512];
	int rc = store_open_err(cli->conf->store.path, STORE_READ_ONLY, ret, err, sizeof(err));

	if (rc == 0)
		return CLI_OK;
	if (rc == -ENOENT)
		cli_err("no store yet: %s (has lakewatchd run with %s?)", err, cli->conf_path);
	else
		cli_err("cannot read the store: %s", err[0] ? err : strerror(-rc));
	return CLI_FAIL;
}

int64_t
cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
cli_parse_time(const char *opt, const char *arg, int64_t now_ms, int64_t *ret_ms)
{
	const char *why = "not a time";

	if (timefmt_parse(arg, now_ms, ret_ms, &why) == 0)
		return CLI_OK;
	cli_err("%s '%s': %s (give a UTC time like 2026-11-23T12:00:00Z, a date like "
	    "2026-11-23, an offset like 2026-11-23T08:00:00-04:00, 'now' or '-2h')", opt, arg, why);
	return CLI_FAIL;
}

int
cli_parse_range(const char *from, const char *to, int64_t default_span,
    int64_t *ret_from, int64_t *ret_to)
{
	int64_t now = cli_now_ms();
	char a[TIMEFMT_ISO_LEN + 16], b[TIMEFMT_ISO_LEN + 16];

	*ret_to = now;
	if (to != NULL && cli_parse_time("--to", to, now, ret_to) != CLI_OK)
		return CLI_FAIL;
	if (from != NULL) {
		if (cli_parse_time("--from", from, now, ret_from) != CLI_OK)
			return CLI_FAIL;
	} else {
		*ret_from = default_span > 0 ? *ret_to - default_span : INT64_MIN;
	}
	if (*ret_from >= *ret_to) {
		cli_fmt_time(*ret_from, a, sizeof(a));
		cli_fmt_time(*ret_to, b, sizeof(b));
		cli_err("--from (%s) must be before --to (%s)", a, b);
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* The names of a device's points, ", " between them, into a malloc'd string. */
static char *
point_list(const struct conf_device *dev)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return NULL;
	for (size_t i = 0; i < dev->model->npoints; i++)
		fprintf(f, "%s%s", i ? ", " : "", dev->model->points[i].name);
	fclose(f);
	return text;
}

static char *
device_list(const struct conf *conf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return NULL;
	for (size_t i = 0; i < conf->ndevices; i++)
		fprintf(f, "%s%s", i ? ", " : "", conf->devices[i].name);
	if (conf->ndevices == 0)
		fputs("none", f);
	fclose(f);
	return text;
}

int
cli_check_point(const struct conf *conf, const char *name)
{
	const struct conf_device *dev;
	const char *dot = strchr(name, '.');
	char device[LW_NAME_MAX];
	size_t idx;
	char *list;

	if (conf_find_point(conf, name, &dev, &idx) == 0)
		return CLI_OK;
	if (dot == NULL || dot == name || dot[1] == '\0') {
		cli_err("'%s' is not a point name: write DEVICE.POINT, like sonde.ph", name);
		return CLI_FAIL;
	}
	snprintf(device, sizeof(device), "%.*s", (int)(dot - name), name);
	dev = conf_find_device(conf, device);
	if (dev == NULL) {
		list = device_list(conf);
		cli_err("unknown point '%s': there is no device '%s' (devices: %s)", name, device,
		    list ? list : "?");
	} else {
		list = point_list(dev);
		cli_err("unknown point '%s': device '%s' has %s", name, device, list ? list : "?");
	}
	free(list);
	return CLI_FAIL;
}

static int
ids_add(struct cli_ids *ids, int64_t id)
{
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 16;
		int64_t *p = realloc(ids->ids, cap * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		ids->ids = p;
		ids->cap = cap;
	}
	ids->ids[ids->n++] = id;
	return 0;
}

void
cli_ids_free(struct cli_ids *ids)
{
	free(ids->ids);
	ids->ids = NULL;
	ids->n = ids->cap = 0;
}

struct find {
	const char	*station;
	char *const	*points;
	size_t		 npoints;
	struct cli_ids	*ids;
};

/* Does series s carry one of the DEVICE.POINT names? */
static int
find_one(void *arg, const struct store_series *s)
{
	struct find *f = arg;
	size_t dlen = strlen(s->device);

	if (strcmp(s->station, f->station) != 0)
		return 0;
	for (size_t i = 0; i < f->npoints; i++) {
		const char *p = f->points[i];

		if (strncmp(p, s->device, dlen) == 0 && p[dlen] == '.' &&
		    strcmp(p + dlen + 1, s->point) == 0)
			return ids_add(f->ids, s->id);
	}
	return f->npoints == 0 ? ids_add(f->ids, s->id) : 0;
}

int
cli_find_series(struct store *st, const char *station, char *const *points, size_t npoints,
    struct cli_ids *ret)
{
	struct find f = { station, points, npoints, ret };
	int rc = store_series_each(st, find_one, &f);

	if (rc == -ENOMEM) {
		cli_err("out of memory");
		return CLI_FAIL;
	}
	if (rc != 0) {
		cli_err("cannot read the store: %s", store_errmsg(st));
		return CLI_FAIL;
	}
	return CLI_OK;
}
