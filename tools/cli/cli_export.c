/* SPDX-License-Identifier: MIT */
/*
 * lakewatch export: the station's readings from the local store as CSV, one
 * reading a line with its quality, for archives and spreadsheets.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "timefmt.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lakewatch [-c FILE] export [--from T] [--to T] [--point P]... [-o FILE]\n"
	    "The station's readings from the local store as CSV with the columns\n"
	    "time,station,device,point,value,unit,quality, ordered by time, then device\n"
	    "and point.  A reading without a value has an empty value field, never 0.\n"
	    "  --from T      start, included (default: the first reading)\n"
	    "  --to T        end, not included (default: now)\n"
	    "  --point P     only DEVICE.POINT P; repeat for more (default: every point of\n"
	    "                the station, also those no longer configured)\n"
	    "  -o FILE       write to FILE instead of standard output; on an error FILE\n"
	    "                is removed rather than left half-written\n"
	    "  -h, --help    this help\n"
	    "Times T are as for 'lakewatch query': 2026-11-23T12:00:00Z, 2026-11-23,\n"
	    "2026-11-23T08:00:00-04:00, now, -7d.  Values are exact: the shortest decimal\n"
	    "that reads back as the stored number.\n");
}

struct export {
	struct cli_out	 out;
};

static int
on_row(void *arg, const struct store_row *row)
{
	struct export *e = arg;
	char time[TIMEFMT_ISO_LEN + 16];
	const char *quality = lw_quality_name(row->r.quality);
	struct cli_cell cells[7];

	cli_fmt_time(row->r.time_ms, time, sizeof(time));
	memset(cells, 0, sizeof(cells));
	cells[0].text = time;
	cells[1].text = row->station;
	cells[2].text = row->r.device;
	cells[3].text = row->r.point;
	cells[4].missing = !row->r.has_value;
	cells[4].num = row->r.value;
	cells[5].text = row->r.unit;
	cells[6].text = quality != NULL ? quality : "?";
	cli_out_row(&e->out, cells);
	return ferror(e->out.f) ? 1 : 0;	/* stop at a write error: cli_out_end() says it */
}

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "point", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_col cols[] = {
		{ "time", "TIME", 0, false, CLI_TEXT },
		{ "station", "STATION", 0, false, CLI_TEXT },
		{ "device", "DEVICE", 0, false, CLI_TEXT },
		{ "point", "POINT", 0, false, CLI_TEXT },
		{ "value", "VALUE", 0, false, CLI_NUMBER },
		{ "unit", "UNIT", 0, false, CLI_TEXT },
		{ "quality", "QUALITY", 0, false, CLI_TEXT },
	};
	const char *from = NULL, *to = NULL, *outpath = NULL;
	struct cli_ids ids = { NULL, 0, 0 };
	struct store_range range;
	struct export e;
	struct store *st;
	char **points;
	size_t npoints = 0;
	FILE *f = stdout;
	int c, rc, status = CLI_OK;

	/* No more --point values than arguments. */
	points = calloc((size_t)argc + 1, sizeof(*points));
	if (points == NULL) {
		cli_err("out of memory");
		return CLI_FAIL;
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'p': points[npoints++] = optarg; break;
		case 'o': outpath = optarg; break;
		case 'h':
			usage(stdout);
			free(points);
			return CLI_OK;
		default:
			cli_option_error("export", c, argv);
			usage(stderr);
			free(points);
			return CLI_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("export: unexpected argument '%s' (points go with --point)", argv[optind]);
		usage(stderr);
		free(points);
		return CLI_USAGE;
	}
	if (cli_parse_range(from, to, 0, &range.from_ms, &range.to_ms) != CLI_OK ||
	    cli_load_conf(cli) != CLI_OK) {
		free(points);
		return CLI_FAIL;
	}
	for (size_t i = 0; i < npoints; i++)
		if (cli_check_point(cli->conf, points[i]) != CLI_OK)
			status = CLI_FAIL;
	if (status != CLI_OK || cli_open_store(cli, &st) != CLI_OK) {
		free(points);
		return CLI_FAIL;
	}
	if (cli_find_series(st, cli->conf->station.id, points, npoints, &ids) != CLI_OK) {
		store_close(st);
		free(points);
		return CLI_FAIL;
	}
	if (outpath != NULL && strcmp(outpath, "-") != 0 && (f = fopen(outpath, "w")) == NULL) {
		cli_err("export: %s: %s", outpath, strerror(errno));
		status = CLI_FAIL;
	}
	if (status == CLI_OK) {
		range.series = ids.ids;
		range.nseries = ids.n;
		cli_out_begin(&e.out, f, CLI_FMT_CSV, cols, sizeof(cols) / sizeof(cols[0]));
		rc = store_query(st, &range, on_row, &e);
		if (rc < 0) {
			cli_err("export: %s", store_errmsg(st));
			status = CLI_FAIL;
		}
		if ((rc = cli_out_end(&e.out)) != 0) {
			cli_err("export: writing %s: %s", f == stdout ? "the output" : outpath,
			    strerror(-rc));
			status = CLI_FAIL;
		}
		if (f != stdout && fclose(f) != 0 && status == CLI_OK) {
			cli_err("export: writing %s: %s", outpath, strerror(errno));
			status = CLI_FAIL;
		}
		if (f != stdout && status != CLI_OK)
			unlink(outpath);
	}
	cli_ids_free(&ids);
	store_close(st);
	free(points);
	return status;
}
