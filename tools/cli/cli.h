/* SPDX-License-Identifier: MIT */
/*
 * The lakewatch tool: what its command files share.  main.c parses the
 * global options and dispatches; each cli_<command>.c parses its own options
 * and does its work (cli_alerts.c has alerts, events, ack and maintenance);
 * cli_common.c loads the configuration, opens the store and resolves names
 * and times; cli_format.c writes tables, CSV and JSON; cli_ctl.c talks to
 * the daemon's control socket.
 * Exit status: 0 done, 1 failed (bad configuration, unknown point, bad time,
 * store or device error), 2 wrong usage.
 */
#ifndef LW_CLI_H
#define LW_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "jsonparse.h"
#include "store.h"
#include "strbuf.h"

#define CLI_OK		0
#define CLI_FAIL	1
#define CLI_USAGE	2

#define CLI_DAY_MS	(24 * 3600 * 1000LL)

/* What every command gets. */
struct cli {
	const char	*conf_path;	/* -c, or CONF_DEFAULT_PATH */
	struct conf	*conf;		/* NULL until cli_load_conf() */
};

int	 cmd_query(struct cli *, int argc, char **argv);

/*
 * The readings (raw, sorted as the store sorts them) or the buckets of
 * points in [from, to) from the InfluxDB of the configuration (1.x query
 * API); *ret is the caller's to free.  CLI_OK or CLI_FAIL (said why).
 */
int	 cli_influx_rows(const struct cli *, char *const *points, size_t npoints, int64_t from_ms,
	     int64_t to_ms, struct store_row **ret, size_t *ret_n);
int	 cli_influx_buckets(const struct cli *, char *const *points, size_t npoints,
	     int64_t from_ms, int64_t to_ms, int64_t every_ms, struct store_bucket **ret,
	     size_t *ret_n);
int	 cmd_export(struct cli *, int argc, char **argv);
int	 cmd_read(struct cli *, int argc, char **argv);
int	 cmd_alerts(struct cli *, int argc, char **argv);
int	 cmd_events(struct cli *, int argc, char **argv);
int	 cmd_ack(struct cli *, int argc, char **argv);
int	 cmd_maintenance(struct cli *, int argc, char **argv);
int	 cmd_status(struct cli *, int argc, char **argv);
int	 cmd_reload(struct cli *, int argc, char **argv);

/* "lakewatch: message" on stderr. */
void	 cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * After getopt_long() (with opterr 0 and ":" leading the short options)
 * returned '?' or ':': say what was wrong with the options of command (NULL
 * for the global ones).
 */
void	 cli_option_error(const char *command, int c, char **argv);

/* Load cli->conf_path, printing every FILE:LINE error; CLI_OK or CLI_FAIL. */
int	 cli_load_conf(struct cli *);

/* Open the configuration's store read-only; CLI_OK or CLI_FAIL (said why). */
int	 cli_open_store(const struct cli *, struct store **ret);

/*
 * Send one request (a JSON object, see ctl.h) to the daemon's control
 * socket (cli->conf must be loaded) and print the reply's message on
 * stdout.  CLI_OK when the daemon did it; CLI_FAIL, having said why ("the
 * daemon is not running ...", its refusal), otherwise.  command names the
 * command in messages.
 */
#define CLI_CONTROL_TIMEOUT_MS	10000
#define CLI_CONTROL_REPLY_MAX	8192	/* the reply to a command (status has its own) */
int	 cli_control(const struct cli *, const char *command, const char *request);

/*
 * As cli_control, but the reply (at most max bytes) is handed back parsed
 * rather than printed: nodes[0] is the reply object, message its message.
 * The caller owns the reply and frees it with cli_reply_free.  CLI_OK, or
 * CLI_FAIL having said why (nothing to free then).
 */
struct cli_reply {
	char		*text;
	struct jp_node	*nodes;
	char		*arena;
	const char	*message;
};
int	 cli_control_reply(const struct cli *, const char *command, const char *request,
	     size_t max, struct cli_reply *ret);
void	 cli_reply_free(struct cli_reply *);

/* Node n of a parsed reply written back as compact JSON; 0 or -errno. */
int	 cli_json_node(struct strbuf *, const struct jp_node *nodes, const struct jp_node *n);

/* The wall clock, ms since the epoch. */
int64_t	 cli_now_ms(void);

/*
 * A time argument of option opt ("--from"): ISO 8601, a date, "now" or
 * "-2h".  CLI_OK, or CLI_FAIL having said what is wrong with it.
 */
int	 cli_parse_time(const char *opt, const char *arg, int64_t now_ms, int64_t *ret_ms);

/*
 * The range [from, to) from the --from and --to arguments (either may be
 * NULL): to defaults to now, from to default_span before to (or, when
 * default_span is 0, to the beginning of time).  CLI_FAIL when from >= to.
 */
int	 cli_parse_range(const char *from, const char *to, int64_t default_span,
	     int64_t *ret_from, int64_t *ret_to);

/*
 * Check that name is a configured DEVICE.POINT; CLI_FAIL, having named the
 * problem and listed what exists, when it is not.
 */
int	 cli_check_point(const struct conf *, const char *name);

/* A growing list of series ids. */
struct cli_ids {
	int64_t		*ids;
	size_t		 n;
	size_t		 cap;
};

/*
 * The ids of the station's series of the given DEVICE.POINT names (all the
 * station's series if npoints is 0), in any unit.  CLI_OK or CLI_FAIL.
 */
int	 cli_find_series(struct store *, const char *station, char *const *points,
	     size_t npoints, struct cli_ids *ret);
void	 cli_ids_free(struct cli_ids *);

/* Output: a table for people, CSV or JSON for programs. */
enum cli_format {
	CLI_FMT_TABLE,
	CLI_FMT_CSV,
	CLI_FMT_JSON,
};

/* 0, or -EINVAL for a name other than table, csv, json. */
int	 cli_format_parse(const char *, enum cli_format *ret);

enum cli_cell_kind {
	CLI_TEXT,		/* a string; JSON quotes it */
	CLI_NUMBER,		/* a double: exact in CSV and JSON, %.7g in tables */
	CLI_INTEGER,		/* a count, held in num */
};

struct cli_col {
	const char		*name;		/* CSV header and JSON key */
	const char		*title;		/* table header */
	int			 width;		/* table: at least this wide */
	bool			 right;		/* table: right-aligned */
	enum cli_cell_kind	 kind;
};

/* One cell; missing prints "-" in a table, nothing in CSV, null in JSON. */
struct cli_cell {
	bool			 missing;
	const char		*text;		/* CLI_TEXT */
	double			 num;		/* CLI_NUMBER */
};

#define CLI_MAX_COLS	16

struct cli_out {
	FILE			*f;
	enum cli_format		 fmt;
	const struct cli_col	*cols;
	size_t			 ncols;
	size_t			 rows;		/* written so far */
};

/* Header line (table, CSV) or opening bracket (JSON); ncols <= CLI_MAX_COLS. */
void	 cli_out_begin(struct cli_out *, FILE *, enum cli_format, const struct cli_col *,
	     size_t ncols);
void	 cli_out_row(struct cli_out *, const struct cli_cell *cells);
/* Finish (JSON's closing bracket) and flush; 0 or -errno of a write error. */
int	 cli_out_end(struct cli_out *);

/* The shortest text that reads back as exactly v ("8.41", not 8.4100000000000001). */
void	 cli_fmt_exact(double v, char *buf, size_t len);

/* A time as ISO 8601 UTC with milliseconds (or plain ms if out of range). */
void	 cli_fmt_time(int64_t ms, char *buf, size_t len);

#endif
