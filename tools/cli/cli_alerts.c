/* SPDX-License-Identifier: MIT */
/*
 * lakewatch alerts, events, ack and maintenance.  alerts and events read the
 * local store: the current state of every alert (alert_state) and the alert
 * journal (alert_event), so they work whether the daemon runs or not.  ack
 * and maintenance ask the running daemon through its control socket (ctl.h),
 * which carries them out and records who asked; names are checked against
 * the configuration first, so a typo is caught here with the list of what
 * exists.
 *
 * Tables are for people and fit 80 columns: a column that would not fit is
 * left out and what it says goes on an indented line below the row, as do
 * messages that do not fit beside it.  CSV and JSON are for programs: every
 * field in every row, values exact, times with milliseconds.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ctl.h"
#include "duration.h"
#include "json.h"
#include "strbuf.h"
#include "timefmt.h"
#include "utf8.h"

#define TABLE_WIDTH	80
#define INDENT		"    "
#define TIME_S_LEN	21		/* "2026-11-23T23:45:16Z" and its NUL */
#define EVENT_BATCH	256

/* ---- shared ----------------------------------------------------------- */

/* A time to the second for tables: "2026-11-23T23:45:16Z". */
static void
fmt_time_s(int64_t ms, char *buf, size_t len)
{
	char iso[TIMEFMT_ISO_LEN];

	if (timefmt_iso8601(ms - ((ms % 1000) + 1000) % 1000, iso, sizeof(iso)) != 0) {
		snprintf(buf, len, "%lld", (long long)ms);
		return;
	}
	snprintf(buf, len, "%.19sZ", iso);
}

/* A value for tables: 7 significant digits, "-" when there is none. */
static void
fmt_value(bool has, double v, char *buf, size_t len)
{
	if (has)
		snprintf(buf, len, "%.7g", v);
	else
		snprintf(buf, len, "-");
}

static int
imax(int a, int b)
{
	return a > b ? a : b;
}

static int
slen(const char *s)
{
	return (int)strlen(s);
}

/* Critical first, then warning, unknown, ok. */
static int
severity_rank(enum alert_severity s)
{
	switch (s) {
	case ALERT_CRITICAL: return 0;
	case ALERT_WARNING: return 1;
	case ALERT_UNKNOWN: return 2;
	case ALERT_OK: return 3;
	}
	return 4;
}

static const char *
name_or(const char *name, const char *otherwise)
{
	return name != NULL ? name : otherwise;
}

static int
parse_format(const char *command, const char *name, enum cli_format *ret)
{
	if (cli_format_parse(name, ret) == 0)
		return CLI_OK;
	cli_err("%s: --format '%s': use table, csv or json", command, name);
	return CLI_FAIL;
}

/* ---- lakewatch alerts ------------------------------------------------- */

static void
alerts_usage(FILE *f)
{
	fprintf(f,
	    "usage: lakewatch [-c FILE] alerts [--all] [--format table|csv|json]\n"
	    "The station's alerts from the local store: those that are active (warning,\n"
	    "critical, or unknown: no data to judge), critical first.\n"
	    "  --all         every alert the station watches, ok ones too\n"
	    "  --format F    table (default), csv or json\n"
	    "  -h, --help    this help\n"
	    "An alert is DEVICE.POINT/KIND (sonde.ph/value) or DEVICE/comm; KIND is value,\n"
	    "rate, stale, flatline or comm.  The table shows since when each alert has had\n"
	    "its severity (UTC), the value and the limit it was judged by, and who\n"
	    "acknowledged it, when and why ('lakewatch ack').  Devices in maintenance\n"
	    "('lakewatch maintenance') are listed below the table.\n");
}

struct alert_list {
	struct store_alert	*a;
	size_t			 n;
	size_t			 cap;
	bool			 all;
};

static int
collect_alert(void *arg, const struct store_alert *a)
{
	struct alert_list *l = arg;

	if (!l->all && a->severity == ALERT_OK)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct store_alert *p = realloc(l->a, cap * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		l->a = p;
		l->cap = cap;
	}
	l->a[l->n++] = *a;
	return 0;
}

static int
cmp_alert(const void *x, const void *y)
{
	const struct store_alert *a = x, *b = y;
	int ra = severity_rank(a->severity), rb = severity_rank(b->severity);

	if (ra != rb)
		return ra - rb;
	return strcmp(a->id, b->id);
}

struct maint_entry {
	char			 device[LW_NAME_MAX];
	int64_t			 until_ms;
	char			 by[STORE_WHO_MAX];
};

struct maint_list {
	struct maint_entry	 e[64];
	size_t			 n;
	size_t			 more;		/* past the 64 shown */
	int64_t			 now_ms;
};

static int
collect_maint(void *arg, const char *device, int64_t until_ms, const char *by)
{
	struct maint_list *m = arg;

	if (until_ms <= m->now_ms)
		return 0;		/* over; the daemon removes it */
	if (m->n == sizeof(m->e) / sizeof(m->e[0])) {
		m->more++;
		return 0;
	}
	snprintf(m->e[m->n].device, sizeof(m->e[m->n].device), "%s", device);
	snprintf(m->e[m->n].by, sizeof(m->e[m->n].by), "%s", by != NULL ? by : "");
	m->e[m->n++].until_ms = until_ms;
	return 0;
}

static void
alerts_table(FILE *f, const struct alert_list *l, const struct maint_list *m)
{
	int wa = 5, wv = 5, wl = 5, wk = 12, wm = 7, mainw;
	bool ack_col, msg_col = true;
	char v[32], lim[32], since[TIME_S_LEN], at[TIME_S_LEN];

	for (size_t i = 0; i < l->n; i++) {
		const struct store_alert *a = &l->a[i];

		wa = imax(wa, slen(a->id));
		fmt_value(a->has_value, a->value, v, sizeof(v));
		fmt_value(a->has_limit, a->limit, lim, sizeof(lim));
		wv = imax(wv, slen(v));
		wl = imax(wl, slen(lim));
		wk = imax(wk, a->acked ? slen(a->acked_by) : 1);
		wm = imax(wm, slen(a->message));
	}
	mainw = wa + 1 + 8 + 1 + (TIME_S_LEN - 1) + 1 + wv + 1 + wl + 1 + wk;
	ack_col = mainw <= TABLE_WIDTH;
	if (!ack_col)
		mainw -= 1 + wk;
	if (mainw + 1 + wm > TABLE_WIDTH)
		msg_col = false;
	if (l->n == 0) {
		fprintf(f, "%s\n", l->all ? "no alerts" : "no active alerts");
	} else {
		fprintf(f, "%-*s %-8s %-*s %*s %*s", wa, "ALERT", "SEVERITY", TIME_S_LEN - 1, "SINCE",
		    wv, "VALUE", wl, "LIMIT");
		if (ack_col)
			fprintf(f, " %-*s", msg_col ? wk : 0, "ACKNOWLEDGED");
		fprintf(f, "%s\n", msg_col ? " MESSAGE" : "");
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct store_alert *a = &l->a[i];
		bool last_empty = !msg_col || a->message[0] == '\0';

		fmt_value(a->has_value, a->value, v, sizeof(v));
		fmt_value(a->has_limit, a->limit, lim, sizeof(lim));
		fmt_time_s(a->since_ms, since, sizeof(since));
		fprintf(f, "%-*s %-8s %-*s %*s %*s", wa, a->id,
		    name_or(alert_severity_name(a->severity), "?"), TIME_S_LEN - 1, since, wv, v,
		    wl, lim);
		if (ack_col)
			fprintf(f, " %-*s", last_empty ? 0 : wk, a->acked ? a->acked_by : "-");
		if (msg_col && a->message[0] != '\0')
			fprintf(f, " %s", a->message);
		fputc('\n', f);
		if (!msg_col && a->message[0] != '\0')
			fprintf(f, INDENT "%s\n", a->message);
		if (a->acked) {
			fmt_time_s(a->acked_ms, at, sizeof(at));
			if (ack_col)
				fprintf(f, INDENT "acknowledged at %s%s%s\n", at,
				    a->note[0] ? ": " : "", a->note);
			else
				fprintf(f, INDENT "acknowledged by %s at %s%s%s\n", a->acked_by, at,
				    a->note[0] ? ": " : "", a->note);
		}
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct maint_entry *e = &m->e[i];

		if (e->until_ms == STORE_MAINT_FOREVER) {
			fprintf(f, "%smaintenance: %s until turned off", i == 0 ? "\n" : "", e->device);
		} else {
			fmt_time_s(e->until_ms, at, sizeof(at));
			fprintf(f, "%smaintenance: %s until %s", i == 0 ? "\n" : "", e->device, at);
		}
		fprintf(f, e->by[0] ? " (set by %s)\n" : "\n", e->by);
	}
	if (m->more > 0)
		fprintf(f, "maintenance: %zu devices more\n", m->more);
}

static void
alerts_rows(FILE *f, enum cli_format fmt, const struct alert_list *l)
{
	static const struct cli_col cols[] = {
		{ "alert", "ALERT", 0, false, CLI_TEXT },
		{ "device", "DEVICE", 0, false, CLI_TEXT },
		{ "point", "POINT", 0, false, CLI_TEXT },
		{ "kind", "KIND", 0, false, CLI_TEXT },
		{ "severity", "SEVERITY", 0, false, CLI_TEXT },
		{ "since", "SINCE", 0, false, CLI_TEXT },
		{ "value", "VALUE", 0, false, CLI_NUMBER },
		{ "limit", "LIMIT", 0, false, CLI_NUMBER },
		{ "acknowledged_by", "ACKNOWLEDGED_BY", 0, false, CLI_TEXT },
		{ "acknowledged_at", "ACKNOWLEDGED_AT", 0, false, CLI_TEXT },
		{ "note", "NOTE", 0, false, CLI_TEXT },
		{ "message", "MESSAGE", 0, false, CLI_TEXT },
	};
	struct cli_out out;

	cli_out_begin(&out, f, fmt, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < l->n; i++) {
		const struct store_alert *a = &l->a[i];
		char since[TIMEFMT_ISO_LEN + 16], at[TIMEFMT_ISO_LEN + 16];
		struct cli_cell c[12];

		memset(c, 0, sizeof(c));
		cli_fmt_time(a->since_ms, since, sizeof(since));
		cli_fmt_time(a->acked_ms, at, sizeof(at));
		c[0].text = a->id;
		c[1].text = a->device;
		c[2].text = a->point;
		c[2].missing = a->point[0] == '\0';
		c[3].text = name_or(alert_kind_name(a->kind), "?");
		c[4].text = name_or(alert_severity_name(a->severity), "?");
		c[5].text = since;
		c[6].missing = !a->has_value;
		c[6].num = a->value;
		c[7].missing = !a->has_limit;
		c[7].num = a->limit;
		c[8].text = a->acked_by;
		c[8].missing = !a->acked;
		c[9].text = at;
		c[9].missing = !a->acked;
		c[10].text = a->note;
		c[10].missing = a->note[0] == '\0';
		c[11].text = a->message;
		cli_out_row(&out, c);
	}
	/* A write error shows in ferror(), which the caller checks. */
	(void)cli_out_end(&out);
}

int
cmd_alerts(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct alert_list l = { NULL, 0, 0, false };
	struct maint_list *m;
	const char *format = "table";
	enum cli_format fmt;
	struct store *st;
	int c, rc, status = CLI_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ah", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': l.all = true; break;
		case 'F': format = optarg; break;
		case 'h':
			alerts_usage(stdout);
			return CLI_OK;
		default:
			cli_option_error("alerts", c, argv);
			alerts_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("alerts: unexpected argument '%s'", argv[optind]);
		alerts_usage(stderr);
		return CLI_USAGE;
	}
	if (parse_format("alerts", format, &fmt) != CLI_OK || cli_load_conf(cli) != CLI_OK ||
	    cli_open_store(cli, &st) != CLI_OK)
		return CLI_FAIL;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		store_close(st);
		cli_err("out of memory");
		return CLI_FAIL;
	}
	m->now_ms = cli_now_ms();
	rc = store_alert_each(st, collect_alert, &l);
	if (rc == 0 && fmt == CLI_FMT_TABLE)
		rc = store_maint_each(st, collect_maint, m);
	if (rc != 0) {
		cli_err("alerts: %s", rc == -ENOMEM ? "out of memory" : store_errmsg(st));
		status = CLI_FAIL;
	} else {
		if (l.n > 1)
			qsort(l.a, l.n, sizeof(*l.a), cmp_alert);
		if (fmt == CLI_FMT_TABLE)
			alerts_table(stdout, &l, m);
		else
			alerts_rows(stdout, fmt, &l);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			cli_err("alerts: writing the output: %s", strerror(errno));
			status = CLI_FAIL;
		}
	}
	free(l.a);
	free(m);
	store_close(st);
	return status;
}

/* ---- lakewatch events ------------------------------------------------- */

static void
events_usage(FILE *f)
{
	fprintf(f,
	    "usage: lakewatch [-c FILE] events [--from T] [--to T] [--format table|csv|json]\n"
	    "The station's alert history from the local store: every transition of every\n"
	    "alert (raised, escalated, deescalated, cleared, acknowledged, unknown), in the\n"
	    "order they happened.\n"
	    "  --from T      start, included (default: 24 hours before --to)\n"
	    "  --to T        end, not included (default: now)\n"
	    "  --format F    table (default), csv or json\n"
	    "  -h, --help    this help\n"
	    "Times T are as for 'lakewatch query': 2026-11-23T12:00:00Z, 2026-11-23,\n"
	    "2026-11-23T08:00:00-04:00, now, -7d.  SEVERITY is the one the transition\n"
	    "left the alert in (CSV and JSON also give the one before, as \"from\").\n");
}

struct events {
	const char		*station;
	int64_t			 from_ms;
	int64_t			 to_ms;
	enum cli_format		 fmt;
	struct cli_out		 out;		/* csv, json */
	struct store_alert_event *kept;		/* table: the rows, to size the columns */
	size_t			 n;
	size_t			 cap;
};

static int
event_row(struct events *e, const struct store_alert_event *ev)
{
	char time[TIMEFMT_ISO_LEN + 16];
	struct cli_cell c[13];

	if (e->fmt == CLI_FMT_TABLE) {
		if (e->n == e->cap) {
			size_t cap = e->cap ? e->cap * 2 : 64;
			struct store_alert_event *p = realloc(e->kept, cap * sizeof(*p));

			if (p == NULL)
				return -ENOMEM;
			e->kept = p;
			e->cap = cap;
		}
		e->kept[e->n++] = *ev;
		return 0;
	}
	memset(c, 0, sizeof(c));
	cli_fmt_time(ev->time_ms, time, sizeof(time));
	c[0].text = time;
	c[1].text = ev->id;
	c[2].text = ev->device;
	c[3].text = ev->point;
	c[3].missing = ev->point[0] == '\0';
	c[4].text = name_or(alert_kind_name(ev->kind), "?");
	c[5].text = name_or(alert_transition_name(ev->transition), "?");
	c[6].text = name_or(alert_severity_name(ev->from), "?");
	c[7].text = name_or(alert_severity_name(ev->to), "?");
	c[8].missing = !ev->has_value;
	c[8].num = ev->value;
	c[9].missing = !ev->has_limit;
	c[9].num = ev->limit;
	c[10].text = ev->message;
	c[11].text = ev->by;
	c[11].missing = ev->by[0] == '\0';
	c[12].text = ev->note;
	c[12].missing = ev->note[0] == '\0';
	cli_out_row(&e->out, c);
	return ferror(e->out.f) ? -EIO : 0;
}

static void
events_table(FILE *f, const struct events *e)
{
	int wa = 5, wt = 10, wv = 5, wl = 5, wm = 7, mainw;
	bool vl_col, msg_col = true;
	char v[32], lim[32], time[TIME_S_LEN], ft[TIMEFMT_ISO_LEN + 16], tt[TIMEFMT_ISO_LEN + 16];

	if (e->n == 0) {
		cli_fmt_time(e->from_ms, ft, sizeof(ft));
		cli_fmt_time(e->to_ms, tt, sizeof(tt));
		fprintf(f, "no alert events from %s to %s\n", ft, tt);
		return;
	}
	for (size_t i = 0; i < e->n; i++) {
		const struct store_alert_event *ev = &e->kept[i];

		wa = imax(wa, slen(ev->id));
		wt = imax(wt, slen(name_or(alert_transition_name(ev->transition), "?")));
		fmt_value(ev->has_value, ev->value, v, sizeof(v));
		fmt_value(ev->has_limit, ev->limit, lim, sizeof(lim));
		wv = imax(wv, slen(v));
		wl = imax(wl, slen(lim));
		wm = imax(wm, slen(ev->message));
	}
	mainw = (TIME_S_LEN - 1) + 1 + wa + 1 + wt + 1 + 8 + 1 + wv + 1 + wl;
	vl_col = mainw <= TABLE_WIDTH;
	if (!vl_col)
		mainw -= 2 + wv + wl;
	if (mainw + 1 + wm > TABLE_WIDTH)
		msg_col = false;
	fprintf(f, "%-*s %-*s %-*s %-*s", TIME_S_LEN - 1, "TIME", wa, "ALERT", wt, "TRANSITION",
	    vl_col || msg_col ? 8 : 0, "SEVERITY");
	if (vl_col)
		fprintf(f, " %*s %*s", wv, "VALUE", wl, "LIMIT");
	fprintf(f, "%s\n", msg_col ? " MESSAGE" : "");
	for (size_t i = 0; i < e->n; i++) {
		const struct store_alert_event *ev = &e->kept[i];
		bool msg_here = msg_col && ev->message[0] != '\0';

		fmt_time_s(ev->time_ms, time, sizeof(time));
		fmt_value(ev->has_value, ev->value, v, sizeof(v));
		fmt_value(ev->has_limit, ev->limit, lim, sizeof(lim));
		fprintf(f, "%-*s %-*s %-*s %-*s", TIME_S_LEN - 1, time, wa, ev->id, wt,
		    name_or(alert_transition_name(ev->transition), "?"), vl_col || msg_here ? 8 : 0,
		    name_or(alert_severity_name(ev->to), "?"));
		if (vl_col)
			fprintf(f, " %*s %*s", wv, v, wl, lim);
		if (msg_here)
			fprintf(f, " %s", ev->message);
		fputc('\n', f);
		if (!vl_col && (ev->has_value || ev->has_limit))
			fprintf(f, INDENT "value %s, limit %s\n", v, lim);
		if (!msg_col && ev->message[0] != '\0')
			fprintf(f, INDENT "%s\n", ev->message);
		if (ev->by[0] != '\0')
			fprintf(f, INDENT "by %s%s%s\n", ev->by, ev->note[0] ? ": " : "", ev->note);
		else if (ev->note[0] != '\0')
			fprintf(f, INDENT "note: %s\n", ev->note);
	}
}

int
cmd_events(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_col cols[] = {
		{ "time", "TIME", 0, false, CLI_TEXT },
		{ "alert", "ALERT", 0, false, CLI_TEXT },
		{ "device", "DEVICE", 0, false, CLI_TEXT },
		{ "point", "POINT", 0, false, CLI_TEXT },
		{ "kind", "KIND", 0, false, CLI_TEXT },
		{ "transition", "TRANSITION", 0, false, CLI_TEXT },
		{ "from", "FROM", 0, false, CLI_TEXT },
		{ "severity", "SEVERITY", 0, false, CLI_TEXT },
		{ "value", "VALUE", 0, false, CLI_NUMBER },
		{ "limit", "LIMIT", 0, false, CLI_NUMBER },
		{ "message", "MESSAGE", 0, false, CLI_TEXT },
		{ "by", "BY", 0, false, CLI_TEXT },
		{ "note", "NOTE", 0, false, CLI_TEXT },
	};
	const char *from = NULL, *to = NULL, *format = "table";
	struct events e;
	struct store_alert_event *batch;
	struct store *st;
	int64_t after = 0;
	int c, n = 0, rc = 0, status = CLI_OK;

	memset(&e, 0, sizeof(e));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'F': format = optarg; break;
		case 'h':
			events_usage(stdout);
			return CLI_OK;
		default:
			cli_option_error("events", c, argv);
			events_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("events: unexpected argument '%s'", argv[optind]);
		events_usage(stderr);
		return CLI_USAGE;
	}
	if (parse_format("events", format, &e.fmt) != CLI_OK ||
	    cli_parse_range(from, to, CLI_DAY_MS, &e.from_ms, &e.to_ms) != CLI_OK ||
	    cli_load_conf(cli) != CLI_OK || cli_open_store(cli, &st) != CLI_OK)
		return CLI_FAIL;
	if ((batch = calloc(EVENT_BATCH, sizeof(*batch))) == NULL) {
		store_close(st);
		cli_err("out of memory");
		return CLI_FAIL;
	}
	e.station = cli->conf->station.id;
	if (e.fmt != CLI_FMT_TABLE)
		cli_out_begin(&e.out, stdout, e.fmt, cols, sizeof(cols) / sizeof(cols[0]));
	/* The journal in order, a batch at a time; the rows of the range kept. */
	while (rc == 0 && (n = store_alert_read_after(st, after, batch, EVENT_BATCH)) > 0) {
		for (int i = 0; i < n && rc == 0; i++) {
			after = batch[i].seq;
			if (batch[i].time_ms >= e.from_ms && batch[i].time_ms < e.to_ms &&
			    strcmp(batch[i].station, e.station) == 0)
				rc = event_row(&e, &batch[i]);
		}
		if (n < EVENT_BATCH)
			break;
	}
	if (rc == 0 && n < 0)
		rc = n;
	if (rc == -ENOMEM) {
		cli_err("events: out of memory");
		status = CLI_FAIL;
	} else if (rc < 0 && rc != -EIO) {
		cli_err("events: %s", store_errmsg(st));
		status = CLI_FAIL;
	}
	if (e.fmt == CLI_FMT_TABLE) {
		if (status == CLI_OK)
			events_table(stdout, &e);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			cli_err("events: writing the output: %s", strerror(errno));
			status = CLI_FAIL;
		}
	} else if ((rc = cli_out_end(&e.out)) != 0) {
		cli_err("events: writing the output: %s", strerror(-rc));
		status = CLI_FAIL;
	}
	free(e.kept);
	free(batch);
	store_close(st);
	return status;
}

/* ---- lakewatch ack, maintenance ----------------------------------------- */

/* The configuration's devices, ", " between them, into buf. */
static const char *
device_list(const struct conf *conf, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < conf->ndevices && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
		    conf->devices[i].name);
	if (conf->ndevices == 0)
		snprintf(buf, len, "none");
	return buf;
}

static int
check_device(const struct conf *conf, const char *command, const char *name)
{
	char list[1024];

	if (conf_find_device(conf, name) != NULL)
		return CLI_OK;
	cli_err("%s: unknown device '%s' (devices: %s)", command, name,
	    device_list(conf, list, sizeof(list)));
	return CLI_FAIL;
}

/*
 * An acknowledgement's target: DEVICE.POINT/KIND, DEVICE/comm, DEVICE.POINT
 * (its every kind) or DEVICE (its every alert), the names configured.
 */
static int
check_target(const struct conf *conf, const char *target)
{
	const char *slash = strchr(target, '/');
	char name[2 * LW_NAME_MAX];
	enum alert_kind kind = ALERT_VALUE;
	bool point;

	if (target[0] == '\0' || slash == target || (slash != NULL && strchr(slash + 1, '/')) ||
	    (slash ? (size_t)(slash - target) : strlen(target)) >= sizeof(name)) {
		cli_err("ack: '%s' is not an alert: write DEVICE.POINT/KIND (sonde.ph/value), "
		    "DEVICE/comm, DEVICE.POINT (its every alert) or DEVICE", target);
		return CLI_FAIL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(slash ? slash - target : (long)strlen(target)),
	    target);
	point = strchr(name, '.') != NULL;
	if (slash != NULL && alert_kind_parse(slash + 1, &kind) != 0) {
		cli_err("ack: '%s': no kind of alert '%s' (kinds: value, rate, stale, flatline, comm)",
		    target, slash + 1);
		return CLI_FAIL;
	}
	if (slash != NULL && point && kind == ALERT_COMM) {
		cli_err("ack: '%s': comm alerts are a device's: write %.*s/comm", target,
		    (int)strcspn(name, "."), name);
		return CLI_FAIL;
	}
	if (slash != NULL && !point && kind != ALERT_COMM) {
		cli_err("ack: '%s': %s alerts are a point's: write DEVICE.POINT/%s", target,
		    slash + 1, slash + 1);
		return CLI_FAIL;
	}
	if (point) {
		if (cli_check_point(conf, name) != CLI_OK)
			return CLI_FAIL;
		return CLI_OK;
	}
	return check_device(conf, "ack", name);
}

/* A note: one line of UTF-8, short enough to be kept whole. */
static int
check_note(const char *note)
{
	size_t n = strlen(note);

	if (n >= CTL_NOTE_MAX) {
		cli_err("ack: --note is %zu bytes; at most %d are kept", n, CTL_NOTE_MAX - 1);
		return CLI_FAIL;
	}
	if (!utf8_valid(note, n)) {
		cli_err("ack: --note is not valid UTF-8");
		return CLI_FAIL;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)note[i] < 0x20 || note[i] == 0x7f) {
			cli_err("ack: --note must be one line of text, without control characters");
			return CLI_FAIL;
		}
	return CLI_OK;
}

static void
ack_usage(FILE *f)
{
	fprintf(f,
	    "usage: lakewatch [-c FILE] ack ALERT [--note TEXT]\n"
	    "Acknowledge an alert: the daemon records that you saw it (your user name, as\n"
	    "the system knows it, and the time), publishes the acknowledgement and stops\n"
	    "repeating its notifications.  Its severity stays until the condition clears.\n"
	    "  ALERT         DEVICE.POINT/KIND, like sonde.ph/value, or DEVICE/comm;\n"
	    "                DEVICE.POINT for every alert of the point, DEVICE for every\n"
	    "                alert of the device ('lakewatch alerts' lists them)\n"
	    "  --note TEXT   why, or what is being done (one line, at most %d bytes)\n"
	    "  -h, --help    this help\n"
	    "It goes through the daemon's control socket (control.socket in the\n"
	    "configuration), which the lakewatch group may use.  Exit status 0 when the\n"
	    "daemon acknowledged, 1 when it did not or is not running.\n", CTL_NOTE_MAX - 1);
}

int
cmd_ack(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *note = NULL, *target;
	struct strbuf sb;
	int c, status;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hn:", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': note = optarg; break;
		case 'h':
			ack_usage(stdout);
			return CLI_OK;
		default:
			cli_option_error("ack", c, argv);
			ack_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (argc - optind != 1) {
		if (argc - optind == 0)
			cli_err("ack: name the ALERT");
		else
			cli_err("ack: one ALERT at a time ('%s' is one too many)", argv[optind + 1]);
		ack_usage(stderr);
		return CLI_USAGE;
	}
	target = argv[optind];
	if (cli_load_conf(cli) != CLI_OK || check_target(cli->conf, target) != CLI_OK ||
	    (note != NULL && check_note(note) != CLI_OK))
		return CLI_FAIL;
	sb_init(&sb);
	sb_appends(&sb, "{\"cmd\":\"ack\",\"alert\":");
	json_string(&sb, target);
	if (note != NULL && note[0] != '\0') {
		sb_appends(&sb, ",\"note\":");
		json_string(&sb, note);
	}
	if (sb_appends(&sb, "}") != 0) {
		sb_free(&sb);
		cli_err("out of memory");
		return CLI_FAIL;
	}
	status = cli_control(cli, "ack", sb.data);
	sb_free(&sb);
	return status;
}

static void
maint_usage(FILE *f)
{
	fprintf(f,
	    "usage: lakewatch [-c FILE] maintenance DEVICE on|off [--for DURATION]\n"
	    "Put a device in maintenance (cleaning, calibration) or take it out.  While\n"
	    "in maintenance its readings are kept with the quality 'maintenance' and raise\n"
	    "no alert.  It lasts until turned off, or for DURATION, and survives a restart\n"
	    "of the daemon.\n"
	    "  DEVICE        a device of the configuration, e.g. sonde\n"
	    "  --for DUR     with on: for that long (90m, 2h, 1d), then back to normal\n"
	    "  -h, --help    this help\n"
	    "It goes through the daemon's control socket, which records who asked.  Exit\n"
	    "status 0 when the daemon did it, 1 when it did not or is not running.\n");
}

int
cmd_maintenance(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "for", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dur = NULL, *device, *state;
	struct strbuf sb;
	int64_t ms = 0;
	int c, status;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': dur = optarg; break;
		case 'h':
			maint_usage(stdout);
			return CLI_OK;
		default:
			cli_option_error("maintenance", c, argv);
			maint_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (argc - optind < 2) {
		cli_err("maintenance: name the DEVICE and say on or off");
		maint_usage(stderr);
		return CLI_USAGE;
	}
	if (argc - optind > 2) {
		cli_err("maintenance: unexpected argument '%s'", argv[optind + 2]);
		maint_usage(stderr);
		return CLI_USAGE;
	}
	device = argv[optind];
	state = argv[optind + 1];
	if (strcmp(state, "on") != 0 && strcmp(state, "off") != 0) {
		cli_err("maintenance: say on or off, not '%s'", state);
		maint_usage(stderr);
		return CLI_USAGE;
	}
	if (dur != NULL && strcmp(state, "off") == 0) {
		cli_err("maintenance: --for goes with on");
		maint_usage(stderr);
		return CLI_USAGE;
	}
	if (dur != NULL && (duration_parse(dur, &ms) != 0 || ms <= 0)) {
		cli_err("maintenance: --for '%s': not a duration greater than 0 (like 90m, 2h, 1d)",
		    dur);
		return CLI_FAIL;
	}
	if (cli_load_conf(cli) != CLI_OK || check_device(cli->conf, "maintenance", device) != CLI_OK)
		return CLI_FAIL;
	sb_init(&sb);
	sb_appends(&sb, "{\"cmd\":\"maintenance\",\"device\":");
	json_string(&sb, device);
	sb_appends(&sb, ",\"state\":");
	json_string(&sb, state);
	if (dur != NULL) {
		sb_appends(&sb, ",\"for\":");
		json_string(&sb, dur);
	}
	if (sb_appends(&sb, "}") != 0) {
		sb_free(&sb);
		cli_err("out of memory");
		return CLI_FAIL;
	}
	status = cli_control(cli, "maintenance", sb.data);
	sb_free(&sb);
	return status;
}
