/* SPDX-License-Identifier: MIT */
/*
 * lakewatch read: one poll of one device through its driver, exactly as the
 * daemon polls it (poll_open_bus, poll_device), for a technician at the
 * station.  Nothing is stored.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "poll.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lakewatch [-c FILE] read [-v] DEVICE\n"
	    "One poll of DEVICE through its driver, as lakewatchd polls it, printed as a\n"
	    "table of point, value, unit and quality.  Nothing is stored.  The exit\n"
	    "status is 0 when every register block was read, 1 otherwise.\n"
	    "  -v            show every Modbus transaction as well\n"
	    "  -h, --help    this help\n"
	    "A serial line carries one program's requests at a time: stop lakewatchd\n"
	    "before reading a device on an RS-485 bus.\n");
}

static char *
device_names(const struct conf *conf)
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
cmd_read(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct conf_device *dev;
	struct poll_result res;
	struct lw_reading *r;
	struct cli_out out;
	bool verbose = false;
	modbus_t *ctx;
	struct cli_col cols[4];
	char err[256];
	int c, rc, werr;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': verbose = true; break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			cli_option_error("read", c, argv);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_err(argc == optind ? "read: name a DEVICE" : "read: one DEVICE at a time");
		usage(stderr);
		return CLI_USAGE;
	}
	log_init("lakewatch", verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARNING);
	if (cli_load_conf(cli) != CLI_OK)
		return CLI_FAIL;
	dev = conf_find_device(cli->conf, argv[optind]);
	if (dev == NULL) {
		char *list = device_names(cli->conf);

		cli_err("read: no device '%s' (devices: %s)", argv[optind], list ? list : "?");
		free(list);
		return CLI_FAIL;
	}
	if (!dev->enabled)
		cli_err("read: note: device '%s' is disabled in the configuration; reading it anyway",
		    dev->name);
	rc = poll_open_bus(conf_device_bus(cli->conf, dev), &ctx, err, sizeof(err));
	if (rc != 0) {
		cli_err("read: device '%s': %s", dev->name, err);
		return CLI_FAIL;
	}
	r = calloc(dev->model->npoints ? dev->model->npoints : 1, sizeof(*r));
	if (r == NULL) {
		modbus_close(ctx);
		modbus_free(ctx);
		cli_err("out of memory");
		return CLI_FAIL;
	}
	memset(&res, 0, sizeof(res));
	rc = poll_device(ctx, cli->conf, dev, cli_now_ms(), dev->maintenance, r, &res);
	modbus_close(ctx);
	modbus_free(ctx);

	/* Columns as wide as this device's names and units. */
	cols[0] = (struct cli_col){ "point", "POINT", 5, false, CLI_TEXT };
	cols[1] = (struct cli_col){ "value", "VALUE", 12, true, CLI_NUMBER };
	cols[2] = (struct cli_col){ "unit", "UNIT", 4, false, CLI_TEXT };
	cols[3] = (struct cli_col){ "quality", "QUALITY", 11, false, CLI_TEXT };
	for (size_t i = 0; i < dev->model->npoints; i++) {
		int pw = (int)(strlen(dev->name) + 1 + strlen(dev->model->points[i].name));
		int uw = (int)strlen(dev->model->points[i].unit);

		cols[0].width = pw > cols[0].width ? pw : cols[0].width;
		cols[2].width = uw > cols[2].width ? uw : cols[2].width;
	}
	cli_out_begin(&out, stdout, CLI_FMT_TABLE, cols, 4);
	for (size_t i = 0; i < dev->model->npoints; i++) {
		char name[2 * LW_NAME_MAX];
		const char *quality = lw_quality_name(r[i].quality);
		struct cli_cell cells[4];

		memset(cells, 0, sizeof(cells));
		snprintf(name, sizeof(name), "%s.%s", r[i].device, r[i].point);
		cells[0].text = name;
		cells[1].missing = !r[i].has_value;
		cells[1].num = r[i].value;
		cells[2].text = r[i].unit;
		cells[3].text = quality != NULL ? quality : "?";
		cli_out_row(&out, cells);
	}
	free(r);
	if ((werr = cli_out_end(&out)) != 0)
		cli_err("read: writing the output: %s", strerror(-werr));
	if (rc != 0)
		cli_err("read: %s: %u of %u reads failed%s%s", dev->name, res.failed,
		    res.transactions, res.last_errno ? ": " : "",
		    res.last_errno ? modbus_strerror(res.last_errno) : "");
	else if (verbose)
		cli_err("read: %s: %u reads, %lld ms", dev->name, res.transactions,
		    (long long)res.latency_ms);
	return rc == 0 && werr == 0 ? CLI_OK : CLI_FAIL;
}
