/* SPDX-License-Identifier: MIT */
/*
 * lakewatch query: the readings of some points from the local store (or the
 * station's InfluxDB), raw or aggregated into buckets of time, as a table,
 * CSV or JSON.  The work is done in SQL (store_query, store_aggregate) or
 * InfluxQL (cli_influx.c); this file checks the arguments and lays out the
 * columns.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "duration.h"
#include "timefmt.h"

enum agg { AGG_MEAN, AGG_MIN, AGG_MAX, AGG_COUNT, AGG_N };

static const char *const agg_names[AGG_N] = { "mean", "min", "max", "count" };

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lakewatch [-c FILE] query [options] POINT...\n"
	    "Readings of points from the station's local store, or with --influxdb from\n"
	    "the InfluxDB the station forwards to.\n"
	    "  POINT         DEVICE.POINT as in the configuration, e.g. sonde.ph\n"
	    "  --from T      start, included (default: 24 hours before --to)\n"
	    "  --to T        end, not included (default: now)\n"
	    "  --every DUR   aggregate into buckets of DUR (15m, 1h, 1d), aligned to\n"
	    "                multiples of DUR since 1970-01-01T00:00Z (hours on the hour,\n"
	    "                days at 00:00 UTC); the first and last are cut to the range\n"
	    "  --agg LIST    with --every: any of mean,min,max,count in the order wanted\n"
	    "                (default mean,min,max,count)\n"
	    "  --quality     with --every: also the number of readings of each quality\n"
	    "  --format F    table (default), csv or json\n"
	    "  --influxdb    from the configuration's InfluxDB (its 1.x query API), not the\n"
	    "                store: what has reached it; there a bucket of only bad,\n"
	    "                missing or maintenance readings is left out, and --quality\n"
	    "                is not available\n"
	    "  -h, --help    this help\n"
	    "Times T are UTC: 2026-11-23T12:00:00Z, 2026-11-23T12:00:00.250Z, a date\n"
	    "2026-11-23 (its midnight UTC), a local time with its offset\n"
	    "2026-11-23T08:00:00-04:00, 'now', or a span before now: -2h, -30m, -7d.\n"
	    "Raw rows show every reading with its quality (good, suspect, bad, missing,\n"
	    "maintenance); a reading without a value shows '-' in a table, an empty field\n"
	    "in CSV and null in JSON, never 0.\n"
	    "Aggregates take only the values of quality good or suspect: bad values are\n"
	    "invalid, missing readings have none, and maintenance values (cleaning,\n"
	    "calibration) do not describe the lake.  Suspect values count because at a\n"
	    "hypersaline lake they are often real.  count is how many values were taken;\n"
	    "a bucket without any shows count 0 and no mean, min or max.  Buckets with no\n"
	    "reading at all are left out.  Readings of one point in two units are kept\n"
	    "apart.\n");
}

struct query {
	struct cli_out	 out;
	bool		 aggregate;
	enum agg	 aggs[AGG_N];
	size_t		 naggs;
	bool		 quality;
};

static int
on_row(void *arg, const struct store_row *row)
{
	struct query *q = arg;
	char time[TIMEFMT_ISO_LEN + 16], name[2 * LW_NAME_MAX];
	const char *quality = lw_quality_name(row->r.quality);
	struct cli_cell cells[5];

	cli_fmt_time(row->r.time_ms, time, sizeof(time));
	snprintf(name, sizeof(name), "%s.%s", row->r.device, row->r.point);
	memset(cells, 0, sizeof(cells));
	cells[0].text = time;
	cells[1].text = name;
	cells[2].missing = !row->r.has_value;
	cells[2].num = row->r.value;
	cells[3].text = row->r.unit;
	cells[4].text = quality != NULL ? quality : "?";
	cli_out_row(&q->out, cells);
	return ferror(q->out.f) ? 1 : 0;	/* stop at a write error: cli_out_end() says it */
}

static int
on_bucket(void *arg, const struct store_bucket *b)
{
	struct query *q = arg;
	char time[TIMEFMT_ISO_LEN + 16], name[2 * LW_NAME_MAX];
	struct cli_cell cells[CLI_MAX_COLS];
	size_t n = 0;

	cli_fmt_time(b->start_ms, time, sizeof(time));
	snprintf(name, sizeof(name), "%s.%s", b->series.device, b->series.point);
	memset(cells, 0, sizeof(cells));
	cells[n++].text = time;
	cells[n++].text = name;
	for (size_t i = 0; i < q->naggs; i++, n++) {
		switch (q->aggs[i]) {
		case AGG_MEAN:
			cells[n].num = b->mean;
			break;
		case AGG_MIN:
			cells[n].num = b->min;
			break;
		case AGG_MAX:
			cells[n].num = b->max;
			break;
		case AGG_COUNT:
		case AGG_N:
			cells[n].num = (double)b->count;
			break;
		}
		cells[n].missing = q->aggs[i] != AGG_COUNT && b->count == 0;
	}
	cells[n++].text = b->series.unit;
	if (q->quality)
		for (int i = 0; i < STORE_NQUALITY; i++)
			cells[n++].num = (double)b->nquality[i];
	cli_out_row(&q->out, cells);
	return ferror(q->out.f) ? 1 : 0;	/* stop at a write error: cli_out_end() says it */
}

/* "mean,max" into q->aggs; CLI_FAIL (said why) on an unknown or repeated name. */
static int
parse_aggs(const char *list, struct query *q)
{
	const char *p = list;

	q->naggs = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		int found = -1;

		for (int a = 0; a < AGG_N; a++)
			if (strlen(agg_names[a]) == len && strncmp(p, agg_names[a], len) == 0)
				found = a;
		if (found < 0) {
			cli_err("query: --agg: unknown aggregate '%.*s' (use mean, min, max, count)",
			    (int)len, p);
			return CLI_FAIL;
		}
		for (size_t i = 0; i < q->naggs; i++) {
			if (q->aggs[i] == (enum agg)found) {
				cli_err("query: --agg: '%s' is given twice", agg_names[found]);
				return CLI_FAIL;
			}
		}
		q->aggs[q->naggs++] = (enum agg)found;
		if (p[len] == '\0')
			return CLI_OK;
		p += len + 1;
	}
}

/* The columns of the output, sized for the points asked for. */
static size_t
columns(const struct cli *cli, char *const *points, size_t npoints, const struct query *q,
    struct cli_col *cols)
{
	static const char *const qnames[STORE_NQUALITY][2] = {
		{ "n_good", "GOOD" }, { "n_suspect", "SUSP" }, { "n_bad", "BAD" },
		{ "n_missing", "MISS" }, { "n_maintenance", "MAINT" },
	};
	static const char *const agg_titles[AGG_N] = { "MEAN", "MIN", "MAX", "COUNT" };
	int pw = 5, uw = 4;
	size_t n = 0;

	for (size_t i = 0; i < npoints; i++) {
		const struct conf_device *dev;
		size_t idx;

		if ((int)strlen(points[i]) > pw)
			pw = (int)strlen(points[i]);
		if (conf_find_point(cli->conf, points[i], &dev, &idx) == 0 &&
		    (int)strlen(dev->model->points[idx].unit) > uw)
			uw = (int)strlen(dev->model->points[idx].unit);
	}
	cols[n++] = (struct cli_col){ "time", "TIME", TIMEFMT_ISO_LEN - 1, false, CLI_TEXT };
	cols[n++] = (struct cli_col){ "point", "POINT", pw, false, CLI_TEXT };
	if (!q->aggregate) {
		cols[n++] = (struct cli_col){ "value", "VALUE", 12, true, CLI_NUMBER };
		cols[n++] = (struct cli_col){ "unit", "UNIT", uw, false, CLI_TEXT };
		cols[n++] = (struct cli_col){ "quality", "QUALITY", 11, false, CLI_TEXT };
		return n;
	}
	for (size_t i = 0; i < q->naggs; i++)
		cols[n++] = (struct cli_col){ agg_names[q->aggs[i]], agg_titles[q->aggs[i]],
		    q->aggs[i] == AGG_COUNT ? 6 : 12, true,
		    q->aggs[i] == AGG_COUNT ? CLI_INTEGER : CLI_NUMBER };
	cols[n++] = (struct cli_col){ "unit", "UNIT", uw, false, CLI_TEXT };
	if (q->quality)
		for (int i = 0; i < STORE_NQUALITY; i++)
			cols[n++] = (struct cli_col){ qnames[i][0], qnames[i][1], 5, true, CLI_INTEGER };
	return n;
}

/* Say so when a table has no row: an empty table would look like a hang. */
static void
say_if_empty(const struct query *q, enum cli_format fmt, const struct store_range *range)
{
	char a[TIMEFMT_ISO_LEN + 16], b[TIMEFMT_ISO_LEN + 16];

	if (q->out.rows != 0 || fmt != CLI_FMT_TABLE)
		return;
	cli_fmt_time(range->from_ms, a, sizeof(a));
	cli_fmt_time(range->to_ms, b, sizeof(b));
	cli_err("no readings from %s to %s", a, b);
}

/* The query answered from InfluxDB, laid out as from the store. */
static int
from_influx(const struct cli *cli, char *const *points, size_t npoints, struct query *q,
    enum cli_format fmt, const struct store_range *range, int64_t every_ms)
{
	struct cli_col cols[CLI_MAX_COLS];
	struct store_bucket *buckets = NULL;
	struct store_row *rows = NULL;
	size_t n = 0, ncols = columns(cli, points, npoints, q, cols);
	int status, rc;

	status = q->aggregate ?
	    cli_influx_buckets(cli, points, npoints, range->from_ms, range->to_ms, every_ms,
	    &buckets, &n) :
	    cli_influx_rows(cli, points, npoints, range->from_ms, range->to_ms, &rows, &n);
	if (status == CLI_OK) {
		cli_out_begin(&q->out, stdout, fmt, cols, ncols);
		for (size_t i = 0; i < n; i++)
			if ((q->aggregate ? on_bucket(q, &buckets[i]) : on_row(q, &rows[i])) != 0)
				break;
		if ((rc = cli_out_end(&q->out)) != 0) {
			cli_err("query: writing the output: %s", strerror(-rc));
			status = CLI_FAIL;
		}
		if (status == CLI_OK)
			say_if_empty(q, fmt, range);
	}
	free(rows);
	free(buckets);
	return status;
}

int
cmd_query(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "every", required_argument, NULL, 'e' },
		{ "agg", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'F' },
		{ "quality", no_argument, NULL, 'q' },
		{ "influxdb", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL, *every = NULL, *agg = NULL, *format = "table";
	struct query q = { .aggs = { AGG_MEAN, AGG_MIN, AGG_MAX, AGG_COUNT }, .naggs = AGG_N };
	struct cli_col cols[CLI_MAX_COLS];
	struct cli_ids ids = { NULL, 0, 0 };
	enum cli_format fmt;
	struct store_range range;
	struct store *st;
	int64_t every_ms = 0;
	bool influx = false;
	int c, rc, status = CLI_OK;
	char *const *points;
	size_t npoints, ncols;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'e': every = optarg; break;
		case 'a': agg = optarg; break;
		case 'F': format = optarg; break;
		case 'q': q.quality = true; break;
		case 'i': influx = true; break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			cli_option_error("query", c, argv);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	points = argv + optind;
	npoints = (size_t)(argc - optind);
	if (npoints == 0 || (agg != NULL && every == NULL) || (q.quality && every == NULL)) {
		cli_err(npoints == 0 ? "query: name at least one POINT" :
		    "query: --agg and --quality go with --every");
		usage(stderr);
		return CLI_USAGE;
	}
	if (influx && q.quality) {
		cli_err("query: --quality is not available with --influxdb");
		return CLI_USAGE;
	}
	if (cli_format_parse(format, &fmt) != 0) {
		cli_err("query: --format '%s': use table, csv or json", format);
		return CLI_FAIL;
	}
	if (every != NULL) {
		q.aggregate = true;
		if (duration_parse(every, &every_ms) != 0 || every_ms <= 0) {
			cli_err("query: --every '%s': not a duration greater than 0 (like 15m, 1h, 1d)",
			    every);
			return CLI_FAIL;
		}
		if (agg != NULL && parse_aggs(agg, &q) != CLI_OK)
			return CLI_FAIL;
	}
	if (cli_parse_range(from, to, CLI_DAY_MS, &range.from_ms, &range.to_ms) != CLI_OK)
		return CLI_FAIL;
	if (cli_load_conf(cli) != CLI_OK)
		return CLI_FAIL;
	for (size_t i = 0; i < npoints; i++)
		if (cli_check_point(cli->conf, points[i]) != CLI_OK)
			status = CLI_FAIL;
	if (status != CLI_OK)
		return status;
	if (influx)
		return from_influx(cli, points, npoints, &q, fmt, &range, every_ms);
	if (cli_open_store(cli, &st) != CLI_OK)
		return CLI_FAIL;
	if (cli_find_series(st, cli->conf->station.id, points, npoints, &ids) != CLI_OK) {
		store_close(st);
		return CLI_FAIL;
	}
	range.series = ids.ids;
	range.nseries = ids.n;
	ncols = columns(cli, points, npoints, &q, cols);
	cli_out_begin(&q.out, stdout, fmt, cols, ncols);
	if (q.aggregate)
		rc = store_aggregate(st, &range, every_ms, on_bucket, &q);
	else
		rc = store_query(st, &range, on_row, &q);
	if (rc < 0) {
		cli_err("query: %s", store_errmsg(st));
		status = CLI_FAIL;
	}
	if ((rc = cli_out_end(&q.out)) != 0) {
		cli_err("query: writing the output: %s", strerror(-rc));
		status = CLI_FAIL;
	}
	if (status == CLI_OK)
		say_if_empty(&q, fmt, &range);
	cli_ids_free(&ids);
	store_close(st);
	return status;
}
