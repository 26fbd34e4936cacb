/* SPDX-License-Identifier: MIT */
/*
 * lakewatch query --influxdb: the same readings, from the InfluxDB the
 * station forwards to (its 1.x /query API, InfluxQL), as store rows and
 * buckets, so that cli_query.c lays them out as it does the local store's.
 * Each point is one measurement with the tags station and device (SPEC,
 * "InfluxDB"); raw rows come a page at a time, as the HTTP client keeps at
 * most 1 MB of an answer.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "http.h"
#include "influxauth.h"
#include "jsonparse.h"
#include "secret.h"
#include "strbuf.h"

#define INFLUX_PAGE_ROWS	5000		/* raw rows asked for at a time */
#define INFLUX_BODY_MAX		(1u << 20)	/* the HTTP client's most */

struct influx_q {
	const struct cli	*cli;
	struct http		*http;
	struct strbuf		 headers;
	struct strbuf		 body;
	struct strbuf		 ql;
	struct jp_node		*nodes;
	char			*arena;
};

/* Append s as an InfluxQL identifier ("...") or string literal ('...'). */
static int
quoted(struct strbuf *b, const char *s, char q)
{
	int rc = sb_appendc(b, q);

	for (; rc == 0 && *s != '\0'; s++) {
		if (*s == q || *s == '\\')
			rc = sb_appendc(b, '\\');
		if (rc == 0)
			rc = sb_appendc(b, *s);
	}
	return rc == 0 ? sb_appendc(b, q) : rc;
}

/* FROM and WHERE of a point's readings in [from, to). */
static int
from_where(struct influx_q *iq, const char *device, const char *point, int64_t from, int64_t to)
{
	const struct conf_influx *c = &iq->cli->conf->influx;
	struct strbuf *b = &iq->ql;
	int rc = sb_appends(b, " FROM ");

	if (rc == 0 && c->retention_policy[0] != '\0') {
		rc = quoted(b, c->database, '"');
		if (rc == 0)
			rc = sb_appendc(b, '.');
		if (rc == 0)
			rc = quoted(b, c->retention_policy, '"');
		if (rc == 0)
			rc = sb_appendc(b, '.');
	}
	if (rc == 0)
		rc = quoted(b, point, '"');
	if (rc == 0)
		rc = sb_appends(b, " WHERE \"station\" = ");
	if (rc == 0)
		rc = quoted(b, iq->cli->conf->station.id, '\'');
	if (rc == 0)
		rc = sb_appends(b, " AND \"device\" = ");
	if (rc == 0)
		rc = quoted(b, device, '\'');
	if (rc == 0)
		rc = sb_printf(b, " AND time >= %lldms AND time < %lldms", (long long)from,
		    (long long)to);
	return rc;
}

/* Run iq->ql; the answer's first statement result, or NULL (said why). */
static const struct jp_node *
run(struct influx_q *iq)
{
	const struct conf_influx *c = &iq->cli->conf->influx;
	struct http_answer a;
	const struct jp_node *root, *res, *n;
	const char *why = NULL, *msg;
	int rc;

	sb_reset(&iq->body);
	rc = sb_appends(&iq->body, "db=");
	if (rc == 0)
		rc = http_escape(&iq->body, c->database);
	if (rc == 0 && c->retention_policy[0] != '\0' &&
	    (rc = sb_appends(&iq->body, "&rp=")) == 0)
		rc = http_escape(&iq->body, c->retention_policy);
	if (rc == 0)
		rc = sb_appends(&iq->body, "&epoch=ms&q=");
	if (rc == 0)
		rc = http_escape(&iq->body, iq->ql.data);
	if (rc != 0) {
		cli_err("query: out of memory");
		return NULL;
	}
	rc = http_post(iq->http, http_target(iq->http), iq->headers.data, iq->body.data,
	    iq->body.len, c->timeout_ms, &a);
	if (rc != 0) {
		cli_err("query: InfluxDB at %s: %s", c->url, http_error(iq->http));
		return NULL;
	}
	if (a.body_total > a.body_len) {
		cli_err("query: InfluxDB's answer is larger than %u bytes: ask for a shorter "
		    "range or a longer --every", INFLUX_BODY_MAX);
		return NULL;
	}
	rc = jp_parse(a.body, a.body_len, iq->nodes, JP_NODES_FOR(INFLUX_BODY_MAX), iq->arena,
	    INFLUX_BODY_MAX + 1, &why);
	root = rc > 0 && iq->nodes[0].type == JP_OBJECT ? &iq->nodes[0] : NULL;
	if (root != NULL && jp_get_string(iq->nodes, root, "error", &msg) == 0) {
		cli_err("query: InfluxDB at %s (HTTP %d): %s", c->url, a.status, msg);
		return NULL;
	}
	if (a.status != 200 || root == NULL) {
		cli_err("query: InfluxDB at %s: HTTP %d%s%s", c->url, a.status,
		    root == NULL ? ", not an InfluxDB answer: " : "",
		    root == NULL ? (why != NULL && why[0] ? why : "empty") : "");
		return NULL;
	}
	n = jp_get(iq->nodes, root, "results");
	res = n != NULL && n->type == JP_ARRAY ? jp_child(iq->nodes, n) : NULL;
	if (res == NULL || res->type != JP_OBJECT) {
		cli_err("query: InfluxDB at %s: no results in the answer", c->url);
		return NULL;
	}
	if (jp_get_string(iq->nodes, res, "error", &msg) == 0) {
		cli_err("query: InfluxDB at %s: %s", c->url, msg);
		return NULL;
	}
	return res;
}

/* The index of column name in a series' columns, or -1. */
static int
column(const struct jp_node *nodes, const struct jp_node *series, const char *name)
{
	const struct jp_node *cols = jp_get(nodes, series, "columns"), *c;
	int i = 0;

	if (cols == NULL || cols->type != JP_ARRAY)
		return -1;
	for (c = jp_child(nodes, cols); c != NULL; c = jp_next(nodes, c), i++)
		if (c->type == JP_STRING && strcmp(c->str, name) == 0)
			return i;
	return -1;
}

/* The i-th element of an array node, or NULL. */
static const struct jp_node *
nth(const struct jp_node *nodes, const struct jp_node *arr, int i)
{
	const struct jp_node *c = i >= 0 ? jp_child(nodes, arr) : NULL;

	while (c != NULL && i-- > 0)
		c = jp_next(nodes, c);
	return c;
}

static void
copy_text(char *dst, size_t len, const struct jp_node *n)
{
	snprintf(dst, len, "%s", n != NULL && n->type == JP_STRING ? n->str : "");
}

/* Grow *arr of elem-sized items to hold want; false when out of memory. */
static bool
room(void **arr, size_t *cap, size_t want, size_t elem)
{
	void *p;
	size_t cap2;

	if (want <= *cap)
		return true;
	cap2 = *cap ? *cap * 2 : 1024;
	while (cap2 < want)
		cap2 *= 2;
	if ((p = realloc(*arr, cap2 * elem)) == NULL)
		return false;
	*arr = p;
	*cap = cap2;
	return true;
}

/* The rows of one answer's first series, appended; how many, or -1. */
static int
add_rows(struct influx_q *iq, const struct jp_node *res, const char *device, const char *point,
    struct store_row **rows, size_t *n, size_t *cap)
{
	const struct jp_node *nodes = iq->nodes, *s, *vals, *v;
	int ti, vi, qi, ui, got = 0;

	s = jp_get(nodes, res, "series");
	s = s != NULL && s->type == JP_ARRAY ? jp_child(nodes, s) : NULL;
	if (s == NULL)
		return 0;		/* no reading in the range */
	ti = column(nodes, s, "time");
	vi = column(nodes, s, "value");
	qi = column(nodes, s, "quality");
	ui = column(nodes, s, "unit");
	vals = jp_get(nodes, s, "values");
	if (ti < 0 || qi < 0 || vals == NULL || vals->type != JP_ARRAY) {
		cli_err("query: InfluxDB's answer for %s.%s lacks time or quality", device, point);
		return -1;
	}
	for (v = jp_child(nodes, vals); v != NULL; v = jp_next(nodes, v), got++) {
		const struct jp_node *t = nth(nodes, v, ti), *x = nth(nodes, v, vi);
		char quality[16];
		struct store_row *r;

		if (!room((void **)rows, cap, *n + 1, sizeof(**rows))) {
			cli_err("query: out of memory");
			return -1;
		}
		r = &(*rows)[(*n)++];
		memset(r, 0, sizeof(*r));
		r->r.time_ms = t != NULL && t->type == JP_NUMBER ? (int64_t)t->num : 0;
		snprintf(r->station, sizeof(r->station), "%s", iq->cli->conf->station.id);
		snprintf(r->r.device, sizeof(r->r.device), "%s", device);
		snprintf(r->r.point, sizeof(r->r.point), "%s", point);
		copy_text(r->r.unit, sizeof(r->r.unit), nth(nodes, v, ui));
		r->r.has_value = x != NULL && x->type == JP_NUMBER;
		r->r.value = r->r.has_value ? x->num : 0;
		copy_text(quality, sizeof(quality), nth(nodes, v, qi));
		if (lw_quality_parse(quality, &r->r.quality) != 0)
			r->r.quality = LW_Q_BAD;
	}
	return got;
}

/* The buckets of one answer (a series per unit), appended; 0 or -1. */
static int
add_buckets(struct influx_q *iq, const struct jp_node *res, const char *device,
    const char *point, struct store_bucket **out, size_t *n, size_t *cap)
{
	const struct jp_node *nodes = iq->nodes, *list, *s, *v;

	list = jp_get(nodes, res, "series");
	if (list == NULL || list->type != JP_ARRAY)
		return 0;
	for (s = jp_child(nodes, list); s != NULL; s = jp_next(nodes, s)) {
		const struct jp_node *tags = jp_get(nodes, s, "tags"), *vals = jp_get(nodes, s, "values");
		int ti = column(nodes, s, "time"), col[4];
		const char *unit = "";
		static const char *const names[4] = { "mean", "min", "max", "count" };

		for (int k = 0; k < 4; k++)
			col[k] = column(nodes, s, names[k]);
		if (tags != NULL && tags->type == JP_OBJECT)
			(void)jp_get_string(nodes, tags, "unit", &unit);
		if (ti < 0 || col[3] < 0 || vals == NULL || vals->type != JP_ARRAY) {
			cli_err("query: InfluxDB's answer for %s.%s lacks time or count", device, point);
			return -1;
		}
		for (v = jp_child(nodes, vals); v != NULL; v = jp_next(nodes, v)) {
			const struct jp_node *x[4], *t = nth(nodes, v, ti);
			struct store_bucket *b;

			for (int k = 0; k < 4; k++)
				x[k] = nth(nodes, v, col[k]);
			if (!room((void **)out, cap, *n + 1, sizeof(**out))) {
				cli_err("query: out of memory");
				return -1;
			}
			b = &(*out)[(*n)++];
			memset(b, 0, sizeof(*b));
			b->start_ms = t != NULL && t->type == JP_NUMBER ? (int64_t)t->num : 0;
			snprintf(b->series.station, sizeof(b->series.station), "%s",
			    iq->cli->conf->station.id);
			snprintf(b->series.device, sizeof(b->series.device), "%s", device);
			snprintf(b->series.point, sizeof(b->series.point), "%s", point);
			snprintf(b->series.unit, sizeof(b->series.unit), "%s", unit);
			b->count = x[3] != NULL && x[3]->type == JP_NUMBER ? (int64_t)x[3]->num : 0;
			b->mean = x[0] != NULL && x[0]->type == JP_NUMBER ? x[0]->num : NAN;
			b->min = x[1] != NULL && x[1]->type == JP_NUMBER ? x[1]->num : NAN;
			b->max = x[2] != NULL && x[2]->type == JP_NUMBER ? x[2]->num : NAN;
		}
	}
	return 0;
}

static int
cmp_names(const char *d1, const char *p1, const char *u1, const char *d2, const char *p2,
    const char *u2)
{
	int c = strcmp(d1, d2);

	if (c == 0)
		c = strcmp(p1, p2);
	return c != 0 ? c : strcmp(u1, u2);
}

/* The local store's order: time, then device, point and unit. */
static int
cmp_rows(const void *a, const void *b)
{
	const struct store_row *x = a, *y = b;

	if (x->r.time_ms != y->r.time_ms)
		return x->r.time_ms < y->r.time_ms ? -1 : 1;
	return cmp_names(x->r.device, x->r.point, x->r.unit, y->r.device, y->r.point, y->r.unit);
}

static int
cmp_buckets(const void *a, const void *b)
{
	const struct store_bucket *x = a, *y = b;

	if (x->start_ms != y->start_ms)
		return x->start_ms < y->start_ms ? -1 : 1;
	return cmp_names(x->series.device, x->series.point, x->series.unit, y->series.device,
	    y->series.point, y->series.unit);
}

/* Connection and credentials from the configuration; CLI_OK or CLI_FAIL (said why). */
static int
influx_open(const struct cli *cli, struct influx_q *iq)
{
	const struct conf_influx *c = &cli->conf->influx;
	struct http_opts o = { c->tls_verify, c->ca_file, c->timeout_ms, -1, INFLUX_BODY_MAX };
	char url[CONF_PATH_MAX + 16], err[300], secret[512];

	memset(iq, 0, sizeof(*iq));
	iq->cli = cli;
	sb_init(&iq->headers);
	sb_init(&iq->body);
	sb_init(&iq->ql);
	if (!c->enabled) {
		cli_err("query: --influxdb: %s has no influxdb group", cli->conf_path);
		return CLI_FAIL;
	}
	if (c->api != CONF_INFLUX_V1) {
		cli_err("query: --influxdb: the station writes to an InfluxDB 2 bucket; only the "
		    "1.x query API (a `database`) can be read from here");
		return CLI_FAIL;
	}
	snprintf(url, sizeof(url), "%s/query", c->url);
	if (http_new(url, &o, &iq->http, err, sizeof(err)) != 0) {
		cli_err("query: --influxdb: %s", err);
		return CLI_FAIL;
	}
	secret[0] = '\0';
	if (c->username[0] != '\0' && influxauth_secret_file(c)[0] != '\0' &&
	    secret_read(influxauth_secret_file(c), secret, sizeof(secret), err, sizeof(err)) != 0) {
		cli_err("query: --influxdb: %s", err);
		return CLI_FAIL;
	}
	int rc = sb_appends(&iq->headers, "Content-Type: application/x-www-form-urlencoded\r\n");
	if (rc == 0)
		rc = influxauth_header(&iq->headers, c, secret);
	explicit_bzero(secret, sizeof(secret));
	if (rc != 0) {
		cli_err("query: out of memory");
		return CLI_FAIL;
	}
	iq->nodes = malloc(JP_NODES_FOR(INFLUX_BODY_MAX) * sizeof(*iq->nodes));
	iq->arena = malloc(INFLUX_BODY_MAX + 1);
	if (iq->nodes == NULL || iq->arena == NULL) {
		cli_err("query: out of memory");
		return CLI_FAIL;
	}
	return CLI_OK;
}

static void
influx_close(struct influx_q *iq)
{
	http_free(iq->http);
	explicit_bzero(iq->headers.data, iq->headers.len);
	sb_free(&iq->headers);
	sb_free(&iq->body);
	sb_free(&iq->ql);
	free(iq->nodes);
	free(iq->arena);
}

/* The device and point names of DEVICE.POINT (checked against the configuration already). */
static void
names_of(const struct cli *cli, const char *name, const char **device, const char **point)
{
	const struct conf_device *dev;
	size_t idx;

	if (conf_find_point(cli->conf, name, &dev, &idx) == 0) {
		*device = dev->name;
		*point = dev->model->points[idx].name;
	} else {
		*device = *point = "";
	}
}

int
cli_influx_rows(const struct cli *cli, char *const *points, size_t npoints, int64_t from_ms,
    int64_t to_ms, struct store_row **ret, size_t *ret_n)
{
	struct influx_q iq;
	size_t n = 0, cap = 0;
	int status = influx_open(cli, &iq);

	*ret = NULL;
	for (size_t i = 0; status == CLI_OK && i < npoints; i++) {
		const char *device, *point;

		names_of(cli, points[i], &device, &point);
		for (size_t offset = 0;; offset += INFLUX_PAGE_ROWS) {
			const struct jp_node *res;
			int got;

			sb_reset(&iq.ql);
			if (sb_appends(&iq.ql, "SELECT \"value\", \"quality\", \"unit\"") != 0 ||
			    from_where(&iq, device, point, from_ms, to_ms) != 0 ||
			    sb_printf(&iq.ql, " LIMIT %d OFFSET %zu", INFLUX_PAGE_ROWS, offset) != 0 ||
			    (res = run(&iq)) == NULL ||
			    (got = add_rows(&iq, res, device, point, ret, &n, &cap)) < 0) {
				status = CLI_FAIL;
				break;
			}
			if (got < INFLUX_PAGE_ROWS)
				break;
		}
	}
	influx_close(&iq);
	if (status == CLI_OK && n > 1)
		qsort(*ret, n, sizeof(**ret), cmp_rows);
	*ret_n = n;
	return status;
}

int
cli_influx_buckets(const struct cli *cli, char *const *points, size_t npoints, int64_t from_ms,
    int64_t to_ms, int64_t every_ms, struct store_bucket **ret, size_t *ret_n)
{
	struct influx_q iq;
	size_t n = 0, cap = 0;
	int status = influx_open(cli, &iq);

	*ret = NULL;
	for (size_t i = 0; status == CLI_OK && i < npoints; i++) {
		const struct jp_node *res;
		const char *device, *point;

		names_of(cli, points[i], &device, &point);
		sb_reset(&iq.ql);
		/* As the local aggregates: only good and suspect values count. */
		if (sb_appends(&iq.ql, "SELECT mean(\"value\"), min(\"value\"), max(\"value\"),"
		    " count(\"value\")") != 0 ||
		    from_where(&iq, device, point, from_ms, to_ms) != 0 ||
		    sb_printf(&iq.ql, " AND (\"quality\" = 'good' OR \"quality\" = 'suspect')"
		    " GROUP BY time(%lldms), \"unit\" fill(none)", (long long)every_ms) != 0 ||
		    (res = run(&iq)) == NULL ||
		    add_buckets(&iq, res, device, point, ret, &n, &cap) != 0)
			status = CLI_FAIL;
	}
	influx_close(&iq);
	if (status == CLI_OK && n > 1)
		qsort(*ret, n, sizeof(**ret), cmp_buckets);
	*ret_n = n;
	return status;
}
