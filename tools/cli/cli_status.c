/* SPDX-License-Identifier: MIT */
/*
 * lakewatch status and reload: both ask the running daemon through its
 * control socket (ctl.h).  status shows the daemon's own view of itself
 * (status.h): per device the last poll and the last good reading, failures
 * in a row and the last error; the store; per forwarder whether it is
 * connected and how far behind it is; the active alerts.  The table is for
 * people and fits 80 columns (what does not fit goes on an indented line
 * below its row); --json prints the daemon's view as it sent it, for
 * programs.  reload asks the daemon to re-read its configuration and says
 * what came of it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ctl.h"
#include "timefmt.h"

#define INDENT		"    "

/* ---- reading the view ------------------------------------------------- */

struct view {
	const struct jp_node	*nodes;
	int64_t			 now_ms;	/* the daemon's clock when it answered */
};

static const char *
str(const struct view *v, const struct jp_node *o, const char *key)
{
	const char *s = NULL;

	return jp_get_string(v->nodes, o, key, &s) == 0 ? s : NULL;
}

static const char *
text_or(const char *s, const char *otherwise)
{
	return s != NULL ? s : otherwise;
}

static double
num(const struct view *v, const struct jp_node *o, const char *key)
{
	double d = 0;

	return jp_get_number(v->nodes, o, key, &d) == 0 ? d : 0;
}

static bool
flag(const struct view *v, const struct jp_node *o, const char *key)
{
	bool b = false;

	return jp_get_bool(v->nodes, o, key, &b) == 0 && b;
}

static const struct jp_node *
array(const struct view *v, const struct jp_node *o, const char *key)
{
	const struct jp_node *a = jp_get(v->nodes, o, key);

	return a != NULL && a->type == JP_ARRAY ? jp_child(v->nodes, a) : NULL;
}

/* A span of time for people: "42 s", "7 min", "3 h", "12 d". */
static void
fmt_span(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, len, "%lld s", (long long)s);
	else if (s < 2 * 3600)
		snprintf(buf, len, "%lld min", (long long)(s / 60));
	else if (s < 2 * 86400)
		snprintf(buf, len, "%lld h", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lld d", (long long)(s / 86400));
}

/* How long ago a time of the view was: "3 s", or "-" when it is null. */
static void
fmt_ago(const struct view *v, const struct jp_node *o, const char *key, char *buf,
    size_t len)
{
	const char *iso = str(v, o, key);
	int64_t ms;

	if (iso == NULL || timefmt_parse_iso8601(iso, &ms, NULL) != 0) {
		snprintf(buf, len, "-");
		return;
	}
	fmt_span((v->now_ms - ms) / 1000, buf, len);
}

/* A byte count for people: "812 KiB", "12.3 MiB". */
static void
fmt_bytes(double b, char *buf, size_t len)
{
	if (b < 1024 * 1024)
		snprintf(buf, len, "%.0f KiB", b / 1024);
	else if (b < 1024.0 * 1024 * 1024)
		snprintf(buf, len, "%.1f MiB", b / (1024 * 1024));
	else
		snprintf(buf, len, "%.2f GiB", b / (1024.0 * 1024 * 1024));
}

/* ---- the table -------------------------------------------------------- */

static void
header(FILE *f, const struct view *v, const struct jp_node *st)
{
	int64_t started;
	char up[32];
	double devices = num(v, st, "devices"), alerts = num(v, st, "alerts_active");
	const char *started_iso = str(v, st, "started");

	if (started_iso != NULL && timefmt_parse_iso8601(started_iso, &started, NULL) == 0)
		fmt_span((v->now_ms - started) / 1000, up, sizeof(up));
	else
		snprintf(up, sizeof(up), "-");
	fprintf(f, "station %s: lakewatchd %s, up %s\n", text_or(str(v, st, "station"), "?"),
	    text_or(str(v, st, "version"), "?"), up);
	fprintf(f, "%.0f of %.0f device%s up, %.0f active alert%s\n", num(v, st, "devices_up"),
	    devices, devices == 1 ? "" : "s", alerts, alerts == 1 ? "" : "s");
	if (!flag(v, st, "clock_ok"))
		fprintf(f, "the clock is not set (it is before this build): readings are marked "
		    "suspect\n");
}

static void
devices_table(FILE *f, const struct view *v, const struct jp_node *st)
{
	bool titled = false;

	for (const struct jp_node *b = array(v, st, "buses"); b != NULL; b = jp_next(v->nodes, b)) {
		const char *bus = text_or(str(v, b, "bus"), "?");

		if (!titled) {
			fprintf(f, "\n%-18s %-12s %-11s %9s %9s %5s %9s\n", "DEVICE", "BUS", "STATE",
			    "LAST POLL", "LAST GOOD", "FAILS", "LATENCY");
			titled = true;
		}
		for (const struct jp_node *d = array(v, b, "devices"); d != NULL;
		    d = jp_next(v->nodes, d)) {
			char last_poll[16], last_good[16], latency[16];
			const char *err = str(v, d, "last_error");
			double polls = num(v, d, "polls");

			fmt_ago(v, d, "last_poll", last_poll, sizeof(last_poll));
			fmt_ago(v, d, "last_good", last_good, sizeof(last_good));
			if (polls > 0 && num(v, d, "failures") == 0)
				snprintf(latency, sizeof(latency), "%.0f ms", num(v, d, "latency_ms"));
			else
				snprintf(latency, sizeof(latency), "-");
			fprintf(f, "%-18.18s %-12.12s %-11s %9s %9s %5.0f %9s\n", text_or(str(v, d, "device"), "?"),
			    bus, text_or(str(v, d, "state"), "?"), last_poll, last_good,
			    num(v, d, "failures"), latency);
			if (strlen(text_or(str(v, d, "device"), "")) > 18 || strlen(bus) > 12)
				fprintf(f, INDENT "device %s on bus %s\n", text_or(str(v, d, "device"), "?"), bus);
			if (err != NULL)
				fprintf(f, INDENT "%s\n", err);
		}
		if (!flag(v, b, "open"))
			fprintf(f, INDENT "bus %s is not open\n", bus);
	}
	if (!titled)
		fprintf(f, "\nno buses\n");
}

static void
store_lines(FILE *f, const struct view *v, const struct jp_node *st)
{
	const struct jp_node *s = jp_get(v->nodes, st, "store");
	char size[32];
	double failed, dropped, lost;

	if (s == NULL || s->type != JP_OBJECT)
		return;
	fmt_bytes(num(v, s, "size_bytes"), size, sizeof(size));
	fprintf(f, "\nstore %s, %s, last reading #%.0f\n", text_or(str(v, s, "path"), "?"), size,
	    num(v, s, "last_seq"));
	fprintf(f, INDENT "%.0f readings committed since the start in %.0f commits\n",
	    num(v, s, "committed"), num(v, s, "commits"));
	failed = num(v, s, "failed_commits");
	dropped = num(v, s, "dropped");
	lost = num(v, s, "pruned_unforwarded");
	if (failed > 0 || dropped > 0)
		fprintf(f, INDENT "%.0f commits failed, %.0f readings dropped\n", failed, dropped);
	if (lost > 0)
		fprintf(f, INDENT "%.0f readings were pruned before every forwarder had them\n",
		    lost);
}

static void
forwarders_table(FILE *f, const struct view *v, const struct jp_node *st)
{
	const struct jp_node *w = array(v, st, "forwarders");

	if (w == NULL) {
		fprintf(f, "\nno forwarders\n");
		return;
	}
	fprintf(f, "\n%-10s %-12s %9s %9s %11s %9s %9s\n", "FORWARDER", "STATE", "BEHIND",
	    "BY", "ACKED", "REJECTED", "LAST ACK");
	for (; w != NULL; w = jp_next(v->nodes, w)) {
		char by[16], last_ack[16];
		const char *err = str(v, w, "error");

		fmt_span((int64_t)num(v, w, "lag_seconds"), by, sizeof(by));
		fmt_ago(v, w, "last_ack", last_ack, sizeof(last_ack));
		fprintf(f, "%-10s %-12s %9.0f %9s %11.0f %9.0f %9s\n", text_or(str(v, w, "forwarder"), "?"),
		    flag(v, w, "connected") ? "connected" : "disconnected",
		    num(v, w, "lag_readings"), num(v, w, "lag_readings") > 0 ? by : "-",
		    num(v, w, "acked"), num(v, w, "rejected"), last_ack);
		if (err != NULL)
			fprintf(f, INDENT "%s\n", err);
	}
}

static void
alerts_table(FILE *f, const struct view *v, const struct jp_node *st)
{
	const struct jp_node *a = array(v, st, "alerts");

	if (a == NULL) {
		fprintf(f, "\nno active alerts\n");
		return;
	}
	fprintf(f, "\n%-8s %-40s %9s %9s %9s\n", "SEVERITY", "ALERT", "FOR", "VALUE", "LIMIT");
	for (; a != NULL; a = jp_next(v->nodes, a)) {
		char since[16], value[24] = "-", limit[24] = "-";
		const char *id = text_or(str(v, a, "alert"), "?"), *by = str(v, a, "acknowledged_by");
		double d;

		fmt_ago(v, a, "since", since, sizeof(since));
		if (jp_get_number(v->nodes, a, "value", &d) == 0)
			snprintf(value, sizeof(value), "%.7g", d);
		if (jp_get_number(v->nodes, a, "limit", &d) == 0)
			snprintf(limit, sizeof(limit), "%.7g", d);
		fprintf(f, "%-8s %-40s %9s %9s %9s\n", text_or(str(v, a, "severity"), "?"),
		    strlen(id) > 40 ? "" : id, since, value, limit);
		if (strlen(id) > 40)
			fprintf(f, INDENT "%s\n", id);
		if (str(v, a, "message") != NULL)
			fprintf(f, INDENT "%s\n", str(v, a, "message"));
		if (by != NULL)
			fprintf(f, INDENT "acknowledged by %s\n", by);
	}
}

/* ---- the commands ----------------------------------------------------- */

static void
status_usage(FILE *f)
{
	fprintf(f,
	    "usage: lakewatch [-c FILE] status [--json]\n"
	    "The running daemon's view of the station: per device its state, last poll,\n"
	    "last good reading, failures in a row and last error; the store; per\n"
	    "forwarder (MQTT, InfluxDB) whether it is connected and how many readings it\n"
	    "is behind, and by how long; the active alerts.  Asks the daemon through the\n"
	    "control socket of the configuration.\n"
	    "  --json   the view as one JSON object, for programs\n");
}

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct jp_node *st;
	struct cli_reply r;
	struct view v;
	bool json = false;
	const char *now;
	int c, status = CLI_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'h':
			status_usage(stdout);
			return CLI_OK;
		default:
			cli_option_error("status", c, argv);
			status_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("status: no arguments are taken ('%s')", argv[optind]);
		status_usage(stderr);
		return CLI_USAGE;
	}
	if (cli_load_conf(cli) != CLI_OK ||
	    cli_control_reply(cli, "status", "{\"cmd\":\"status\"}", CTL_REPLY_MAX, &r) != CLI_OK)
		return CLI_FAIL;
	st = jp_get(r.nodes, &r.nodes[0], "status");
	if (st == NULL || st->type != JP_OBJECT) {
		cli_err("status: the daemon's reply holds no status");
		cli_reply_free(&r);
		return CLI_FAIL;
	}
	if (json) {
		struct strbuf sb;

		sb_init(&sb);
		if (cli_json_node(&sb, r.nodes, st) != 0 || sb_appendc(&sb, '\n') != 0) {
			cli_err("status: out of memory");
			status = CLI_FAIL;
		} else {
			fwrite(sb.data, 1, sb.len, stdout);
		}
		sb_free(&sb);
	} else {
		v.nodes = r.nodes;
		v.now_ms = cli_now_ms();
		if (jp_get_string(r.nodes, st, "time", &now) == 0)
			timefmt_parse_iso8601(now, &v.now_ms, NULL);
		header(stdout, &v, st);
		devices_table(stdout, &v, st);
		store_lines(stdout, &v, st);
		forwarders_table(stdout, &v, st);
		alerts_table(stdout, &v, st);
	}
	cli_reply_free(&r);
	if (fflush(stdout) != 0) {
		cli_err("status: cannot write: %s", strerror(errno));
		status = CLI_FAIL;
	}
	return status;
}

static void
reload_usage(FILE *f)
{
	fprintf(f,
	    "usage: lakewatch [-c FILE] reload\n"
	    "Ask the running daemon to re-read its configuration (as SIGHUP does) and say\n"
	    "what came of it.  Buses whose settings did not change keep polling; a file\n"
	    "with errors is refused, the daemon keeps running as it was and its log names\n"
	    "every error with file and line ('lakewatchd -n' shows them too).\n");
}

int
cmd_reload(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			reload_usage(stdout);
			return CLI_OK;
		default:
			cli_option_error("reload", c, argv);
			reload_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("reload: no arguments are taken ('%s')", argv[optind]);
		reload_usage(stderr);
		return CLI_USAGE;
	}
	if (cli_load_conf(cli) != CLI_OK) {
		cli_err("reload: %s has errors (above); the daemon was not asked, and keeps "
		    "running as it was", cli->conf_path);
		return CLI_FAIL;
	}
	return cli_control(cli, "reload", "{\"cmd\":\"reload\"}");
}
