/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the store, on real SQLite files in a private temporary
 * directory: the documented views read back with plain SQL (exact columns and
 * text, NULL for a missing value, every millisecond formatted exactly), seq
 * never reused, cursors across reopening, a read-only connection beside the
 * writer, pruning, aggregation buckets, busy locks, a rolled-back transaction,
 * a killed writer, and files that are not lakewatch stores.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "now.h"
#include "store.h"
#include "tap.h"

#define T0	1795477516123LL		/* 2026-11-23T23:45:16.123Z */

static char dir[64];

static void
path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static struct lw_reading
rd(int64_t t, const char *dev, const char *pt, const char *unit, double v, int has,
    enum lw_quality q)
{
	struct lw_reading r;

	memset(&r, 0, sizeof(r));
	r.time_ms = t;
	snprintf(r.device, sizeof(r.device), "%s", dev);
	snprintf(r.point, sizeof(r.point), "%s", pt);
	snprintf(r.unit, sizeof(r.unit), "%s", unit);
	r.value = v;
	r.has_value = has;
	r.quality = q;
	return r;
}

/*
 * Every row of sql on its own read-only connection: columns joined by '|',
 * rows by '\n', NULL as "NULL".  "ERROR: ..." if it fails.
 */
#define SQL_ROWS_MAX	65536
static char *sql_out;	/* on the heap, SQL_ROWS_MAX bytes */

static const char *
sql_rows(const char *path, const char *sql)
{
	char *out = sql_out;
	const size_t outlen = SQL_ROWS_MAX;
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	size_t at = 0;
	int rc;

	out[0] = '\0';
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(s); c++) {
			const unsigned char *t = sqlite3_column_text(s, c);

			at += (size_t)snprintf(out + at, outlen - at, "%s%s", c ? "|" : "",
			    t ? (const char *)t : "NULL");
		}
		at += (size_t)snprintf(out + at, outlen - at, "\n");
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		snprintf(out, outlen, "ERROR: %s", sqlite3_errmsg(db));
	else if (at > 0)
		out[at - 1] = '\0';
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

/* Run statements on a connection of its own; 0 or SQLite's code. */
static int
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static int
count_rows(const char *path)
{
	return atoi(sql_rows(path, "SELECT count(*) FROM sample"));
}

static void
cleanup_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* The views: exact columns and text. */
/* store_prune with nothing forwarded-aware: how many readings went, in *deleted. */
static int
prune_count(struct store *st, int64_t before_ms, int64_t *deleted)
{
	struct store_drop drop;
	int rc = store_prune(st, before_ms, INT64_MAX, &drop);

	*deleted = drop.deleted;
	return rc;
}

static void
test_views(void)
{
	static const struct {
		struct lw_reading	 r;
		const char		*want;
	} cases[] = {
		{ { T0, "sonde", "ph", "[pH]", 8.41, true, LW_Q_GOOD },
		  "2026-11-23T23:45:16.123Z|pp-06|sonde|ph|8.41|[pH]|good|real" },
		{ { T0 + 1, "sonde", "temperature", "Cel", 14.5, true, LW_Q_SUSPECT },
		  "2026-11-23T23:45:16.124Z|pp-06|sonde|temperature|14.5|Cel|suspect|real" },
		{ { T0 + 2, "sonde", "orp", "mV", -120.25, true, LW_Q_BAD },
		  "2026-11-23T23:45:16.125Z|pp-06|sonde|orp|-120.25|mV|bad|real" },
		{ { T0 + 3, "level", "pressure", "bar", 0.0, false, LW_Q_MISSING },
		  "2026-11-23T23:45:16.126Z|pp-06|level|pressure|NULL|bar|missing|null" },
		{ { T0 + 4, "level", "depth", "m", 123.0, false, LW_Q_MISSING },
		  "2026-11-23T23:45:16.127Z|pp-06|level|depth|NULL|m|missing|null" },
		{ { T0 + 5, "turb", "turbidity", "NTU", 0.0, true, LW_Q_MAINTENANCE },
		  "2026-11-23T23:45:16.128Z|pp-06|turb|turbidity|0.0|NTU|maintenance|real" },
		{ { T0 + 6, "sonde", "ph", "[pH]", NAN, true, LW_Q_BAD },
		  "2026-11-23T23:45:16.129Z|pp-06|sonde|ph|NULL|[pH]|bad|null" },
		{ { T0 + 999, "sonde", "ph", "[pH]", 1e-300, true, LW_Q_GOOD },
		  "2026-11-23T23:45:17.122Z|pp-06|sonde|ph|1.0e-300|[pH]|good|real" },
	};
	size_t n = sizeof(cases) / sizeof(cases[0]);
	struct lw_reading r[sizeof(cases) / sizeof(cases[0])];
	const size_t wantlen = 4096;
	char path[128], *want = calloc(1, wantlen);
	struct store *st;
	size_t at = 0;
	int rc;

	path_in(path, sizeof(path), "views.db");
	rc = want != NULL ? store_open(path, STORE_READ_WRITE, &st) : -ENOMEM;
	CHECK_EQ_INT(0, rc, "a new store opens for writing");
	if (rc != 0) {
		free(want);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		r[i] = cases[i].r;
		at += (size_t)snprintf(want + at, wantlen - at, "%s%s", i ? "\n" : "",
		    cases[i].want);
	}
	CHECK_EQ_INT(0, store_append(st, "pp-06", r, n), "append %zu readings in one go", n);
	CHECK_EQ_STR(want, sql_rows(path, "SELECT *, typeof(value) FROM readings ORDER BY time"),
	    "the readings view shows them exactly, a missing value as NULL");
	CHECK_EQ_STR("time|station|device|point|value|unit|quality",
	    sql_rows(path, "SELECT group_concat(name, '|') FROM pragma_table_info('readings')"),
	    "the readings view has the documented columns");
	CHECK_EQ_STR("time|station|device|point|kind|severity|transition|value|limit|message",
	    sql_rows(path, "SELECT group_concat(name, '|') FROM pragma_table_info('alert_events')"),
	    "the alert_events view has the documented columns");
	CHECK_EQ_STR("0", sql_rows(path, "SELECT count(*) FROM alert_events"),
	    "alert_events is there and empty");
	CHECK_EQ_STR("wal", sql_rows(path, "PRAGMA journal_mode"), "the store is in WAL mode");
	CHECK_EQ_STR("3", sql_rows(path, "PRAGMA user_version"), "the schema is version 3");
	CHECK_EQ_STR("2", sql_rows(path, "SELECT count(*) FROM readings WHERE value IS NULL"
	    " AND quality = 'missing'"), "both missing readings are NULL, never 0");
	CHECK_EQ_STR("6", sql_rows(path, "SELECT count(*) FROM series"),
	    "one series per station, device, point and unit");
	CHECK_EQ_STR("ok", sql_rows(path, "PRAGMA integrity_check"), "integrity_check is ok");
	CHECK_EQ_STR("", sql_rows(path, "PRAGMA foreign_key_check"), "foreign keys hold");
	CHECK_EQ_INT(0, store_append(st, "pp-06", r, 0), "appending nothing is fine");
	store_close(st);
	free(want);
}

/* The same instant through gmtime_r. */
static void
ref_format(int64_t ms, char *buf, size_t len)
{
	int64_t sec = ms / 1000, frac = ms % 1000;
	struct tm tm;
	time_t t;

	if (frac < 0) {
		frac += 1000;
		sec--;
	}
	t = (time_t)sec;
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
}

/* strftime's %f on time_ms / 1000.0 must give every millisecond exactly. */
static void
test_time_text(void)
{
	static const int64_t bases[] = {	/* seconds; each gets ms 0..999 */
		0, -1, 951868799, 1795477516, 1795478399, 2147483647, 4102444799,
		32503679999, 253402300799,
	};
	struct lw_reading *r = calloc(1000, sizeof(*r));
	char path[128], ref[64];
	struct store *st;
	sqlite3 *db;
	sqlite3_stmt *s;

	path_in(path, sizeof(path), "time.db");
	if (r == NULL || store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "time test setup");
		free(r);
		return;
	}
	sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	sqlite3_prepare_v2(db, "SELECT time, value FROM readings WHERE point = ?1", -1, &s, NULL);
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		int64_t base = bases[b] * 1000;
		long rows = 0, bad = 0;
		char point[16];

		/* Each base its own point; the value says which millisecond it is. */
		snprintf(point, sizeof(point), "tick%zu", b);
		for (int k = 0; k < 1000; k++)
			r[k] = rd(base + k, "clock", point, "s", k, true, LW_Q_GOOD);
		store_append(st, "pp-06", r, 1000);
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, point, -1, SQLITE_STATIC);
		while (sqlite3_step(s) == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(s, 0);

			ref_format(base + sqlite3_column_int64(s, 1), ref, sizeof(ref));
			bad += t == NULL || strcmp(ref, (const char *)t) != 0;
			rows++;
		}
		ref_format(base, ref, sizeof(ref));
		CHECK(rows == 1000 && bad == 0, "every millisecond of %s formats exactly "
		    "(%ld rows, %ld wrong)", ref, rows, bad);
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	store_close(st);
	free(r);
}

/* Rows come back whole, in order, bit for bit, and seq is never reused. */
static void
test_journal(void)
{
	struct lw_reading r[4];
	struct store_row rows[8];
	char path[128], longname[LW_NAME_MAX];
	int64_t last;
	struct store *st;
	int n;

	path_in(path, sizeof(path), "journal.db");
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	r[0] = rd(T0, "sonde", "ph", "[pH]", 0.1 + 0.2, true, LW_Q_GOOD);
	r[1] = rd(T0, "level", "pressure", "bar", 0, false, LW_Q_MISSING);
	r[2] = rd(-5, longname, longname, "mS/cm", -123.456, true, LW_Q_MAINTENANCE);
	r[3] = rd(INT64_MAX, "sonde", "ph", "[pH]", 1.7976931348623157e308, true, LW_Q_SUSPECT);
	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "journal store opens");
		return;
	}
	CHECK_EQ_INT(0, store_append(st, "pp-06", r, 4), "append 4 readings");
	n = store_read_after(st, 0, rows, 8);
	CHECK_EQ_INT(4, n, "read_after(0) gives all 4");
	for (int i = 0; i < n && i < 4; i++) {
		CHECK_EQ_INT(i + 1, rows[i].seq, "row %d has seq %d", i, i + 1);
		CHECK_EQ_STR("pp-06", rows[i].station, "row %d station", i);
		CHECK_EQ_STR(r[i].device, rows[i].r.device, "row %d device", i);
		CHECK_EQ_STR(r[i].point, rows[i].r.point, "row %d point", i);
		CHECK_EQ_STR(r[i].unit, rows[i].r.unit, "row %d unit", i);
		CHECK_EQ_INT(r[i].time_ms, rows[i].r.time_ms, "row %d time", i);
		CHECK_EQ_INT(r[i].has_value, rows[i].r.has_value, "row %d has_value", i);
		CHECK(!r[i].has_value || memcmp(&r[i].value, &rows[i].r.value, sizeof(double)) == 0,
		    "row %d value is bit for bit the same (%.17g)", i, rows[i].r.value);
		CHECK_EQ_INT(r[i].quality, rows[i].r.quality, "row %d quality", i);
	}
	CHECK_EQ_INT(2, store_read_after(st, 0, rows, 2), "read_after stops at max");
	CHECK_EQ_INT(2, rows[1].seq, "and those are the first two");
	CHECK_EQ_INT(1, store_read_after(st, 3, rows, 8), "read_after(3) gives the last");
	CHECK_EQ_INT(4, rows[0].seq, "which is seq 4");
	CHECK_EQ_INT(0, store_read_after(st, 4, rows, 8), "nothing after the last");
	CHECK_EQ_INT(0, store_read_after(st, 0, rows, 0), "max 0 reads nothing");

	/* Prune everything, then append: seq must go on, not start over. */
	int64_t deleted = -1;
	CHECK_EQ_INT(0, prune_count(st, INT64_MAX, &deleted), "prune everything but INT64_MAX");
	CHECK_EQ_INT(3, deleted, "3 readings pruned");
	CHECK_EQ_INT(0, store_prune(st, INT64_MAX, INT64_MAX, NULL), "prune with no count wanted");
	CHECK_EQ_INT(1, count_rows(path), "1 reading left");
	r[0].time_ms = T0 + 1000;
	store_append(st, "pp-06", r, 1);
	n = store_read_after(st, 4, rows, 8);
	CHECK(n == 1 && rows[0].seq == 5, "after pruning, the next seq is 5");
	CHECK_EQ_INT(0, prune_count(st, INT64_MAX, &deleted), "prune again");
	/* Now the newest rows are gone as well: only AUTOINCREMENT remembers 5. */
	sql_exec(path, "DELETE FROM sample");
	store_close(st);
	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "journal store reopens");
		return;
	}
	CHECK_EQ_INT(0, count_rows(path), "the store is empty");
	store_append(st, "pp-06", r, 1);
	last = 0;
	n = store_read_after(st, 0, rows, 8);
	if (n == 1)
		last = rows[0].seq;
	CHECK_EQ_INT(6, last, "after emptying and reopening, seq goes on at 6");

	/* Bad input is refused whole. */
	r[1].quality = (enum lw_quality)9;
	CHECK_EQ_INT(-EINVAL, store_append(st, "pp-06", r, 2), "an unknown quality is refused");
	CHECK(strstr(store_errmsg(st), "quality") != NULL, "and the message says why: %s",
	    store_errmsg(st));
	r[1] = rd(T0, "", "ph", "[pH]", 1, true, LW_Q_GOOD);
	CHECK_EQ_INT(-EINVAL, store_append(st, "pp-06", r, 2), "a reading without a device is refused");
	CHECK_EQ_INT(-EINVAL, store_append(st, "", r, 1), "an empty station is refused");
	CHECK_EQ_INT(1, count_rows(path), "nothing of a refused batch is stored");
	store_close(st);
}

static void
test_cursors(void)
{
	static const struct {
		const char	*name;
		int64_t		 seq;
	} cur[] = { { "mqtt", 5 }, { "influxdb", 7 }, { "notify", 0 }, { "big", INT64_MAX } };
	char path[128];
	struct store *st;
	int64_t seq;

	path_in(path, sizeof(path), "cursor.db");
	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "cursor store opens");
		return;
	}
	seq = -1;
	CHECK_EQ_INT(0, store_cursor_get(st, "mqtt", &seq), "an unknown cursor can be read");
	CHECK_EQ_INT(0, seq, "and is 0");
	for (size_t i = 0; i < sizeof(cur) / sizeof(cur[0]); i++)
		CHECK_EQ_INT(0, store_cursor_set(st, cur[i].name, cur[i].seq), "set cursor %s", cur[i].name);
	CHECK_EQ_INT(0, store_cursor_set(st, "mqtt", 3), "a cursor can be set again");
	CHECK_EQ_INT(0, store_cursor_set(st, "mqtt", 5), "and again");
	CHECK_EQ_INT(-EINVAL, store_cursor_set(st, "mqtt", -1), "a negative cursor is refused");
	CHECK_EQ_INT(-EINVAL, store_cursor_set(st, "", 1), "a cursor needs a name");
	store_close(st);
	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "cursor store reopens");
		return;
	}
	for (size_t i = 0; i < sizeof(cur) / sizeof(cur[0]); i++) {
		seq = -1;
		store_cursor_get(st, cur[i].name, &seq);
		CHECK_EQ_INT(cur[i].seq, seq, "cursor %s persists across reopening", cur[i].name);
	}
	store_close(st);
	CHECK_EQ_STR("4", sql_rows(path, "SELECT count(*) FROM cursor"), "one row per cursor");
}

/* A reader beside the writer, and after it. */
static void
test_read_only(void)
{
	struct lw_reading r[3];
	struct store_row rows[8];
	struct store *w, *ro;
	char path[128], err[256];
	int64_t seq;
	int rc;

	path_in(path, sizeof(path), "ro.db");
	rc = store_open_err(path, STORE_READ_ONLY, &ro, err, sizeof(err));
	CHECK_EQ_INT(-ENOENT, rc, "read-only open of a missing store is -ENOENT");
	CHECK(strstr(err, "ro.db") != NULL, "and the message names the file: %s", err);
	CHECK(access(path, F_OK) != 0, "and does not create it");
	if (store_open(path, STORE_READ_WRITE, &w) != 0) {
		CHECK(0, "writer opens");
		return;
	}
	r[0] = rd(T0, "sonde", "ph", "[pH]", 8.5, true, LW_Q_GOOD);
	r[1] = rd(T0 + 1, "sonde", "ph", "[pH]", 8.6, true, LW_Q_GOOD);
	r[2] = rd(T0 + 2, "sonde", "ph", "[pH]", 8.7, true, LW_Q_GOOD);
	store_append(w, "pp-06", r, 1);
	rc = store_open_err(path, STORE_READ_ONLY, &ro, err, sizeof(err));
	CHECK_EQ_INT(0, rc, "read-only open while the writer has it open (%s)", err);
	if (rc != 0) {
		store_close(w);
		return;
	}
	CHECK_EQ_INT(1, store_read_after(ro, 0, rows, 8), "the reader sees the first reading");
	store_append(w, "pp-06", r + 1, 2);
	CHECK_EQ_INT(3, store_read_after(ro, 0, rows, 8), "and the next ones once committed");
	CHECK_EQ_INT(-EROFS, store_append(ro, "pp-06", r, 1), "the reader cannot append");
	CHECK(store_errmsg(ro)[0] != '\0', "and says why: %s", store_errmsg(ro));
	CHECK_EQ_INT(-EROFS, store_cursor_set(ro, "mqtt", 1), "nor move a cursor");
	CHECK_EQ_INT(0, store_cursor_set(w, "mqtt", 2), "the writer can while the reader is open");
	CHECK(store_cursor_get(ro, "mqtt", &seq) == 0 && seq == 2, "and the reader sees it");
	store_close(w);
	CHECK_EQ_INT(3, store_read_after(ro, 0, rows, 8), "the reader reads on after the writer closed");
	store_close(ro);
	/* No writer at all now (and no -wal left). */
	rc = store_open_err(path, STORE_READ_ONLY, &ro, err, sizeof(err));
	CHECK_EQ_INT(0, rc, "read-only open with no writer (%s)", err);
	if (rc == 0) {
		CHECK_EQ_INT(3, store_read_after(ro, 0, rows, 8), "and all is there");
		store_close(ro);
	}
}

static void
test_prune(void)
{
	struct lw_reading *r = calloc(25000, sizeof(*r));
	char path[128];
	struct store *st;
	int64_t deleted;

	path_in(path, sizeof(path), "prune.db");
	if (r == NULL || store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "prune setup");
		free(r);
		return;
	}
	for (int i = 0; i < 5; i++)
		r[i] = rd((i + 1) * 1000, "sonde", "ph", "[pH]", i, true, LW_Q_GOOD);
	store_append(st, "pp-06", r, 5);
	deleted = -1;
	CHECK_EQ_INT(0, prune_count(st, 1000, &deleted), "prune before the first reading");
	CHECK_EQ_INT(0, deleted, "deletes nothing");
	CHECK_EQ_INT(0, prune_count(st, 3000, &deleted), "prune before 3000 ms");
	CHECK_EQ_INT(2, deleted, "deletes the 2 older readings");
	CHECK_EQ_STR("3000,4000,5000", sql_rows(path,
	    "SELECT group_concat(time_ms) FROM (SELECT time_ms FROM sample ORDER BY time_ms)"),
	    "the reading at 3000 ms stays");
	/* More than one chunk. */
	for (int i = 0; i < 25000; i++)
		r[i] = rd(10000 + i, "sonde", "ph", "[pH]", i, true, LW_Q_GOOD);
	store_append(st, "pp-06", r, 25000);
	CHECK_EQ_INT(0, prune_count(st, 10000 + 24999, &deleted), "prune 24999 + 3 readings");
	CHECK_EQ_INT(25002, deleted, "in chunks, all counted");
	CHECK_EQ_INT(1, count_rows(path), "one left");
	store_close(st);
	free(r);
}

/* Collects what the query callbacks see. */
#define COLLECT_MAX	4096
struct collect {
	char		*text;		/* on the heap, COLLECT_MAX bytes */
	size_t		 at;
	int		 calls;
	int		 stop_after;	/* 0: never */
};

static void
collect_reset(struct collect *c)
{
	char *text = c->text;

	memset(c, 0, sizeof(*c));
	c->text = text;
	c->text[0] = '\0';
}

static int
collect_bucket(void *arg, const struct store_bucket *b)
{
	struct collect *c = arg;

	c->at += (size_t)snprintf(c->text + c->at, COLLECT_MAX - c->at,
	    "%s%lld %s.%s n=%lld", c->calls ? "\n" : "", (long long)b->start_ms,
	    b->series.device, b->series.point, (long long)b->count);
	if (b->count > 0)
		c->at += (size_t)snprintf(c->text + c->at, COLLECT_MAX - c->at,
		    " mean=%.17g min=%.17g max=%.17g", b->mean, b->min, b->max);
	c->at += (size_t)snprintf(c->text + c->at, COLLECT_MAX - c->at,
	    " q=%lld/%lld/%lld/%lld/%lld", (long long)b->nquality[0], (long long)b->nquality[1],
	    (long long)b->nquality[2], (long long)b->nquality[3], (long long)b->nquality[4]);
	c->calls++;
	return c->stop_after && c->calls >= c->stop_after ? 42 : 0;
}

static int
collect_row(void *arg, const struct store_row *row)
{
	struct collect *c = arg;

	c->at += (size_t)snprintf(c->text + c->at, COLLECT_MAX - c->at, "%s%lld %s.%s ",
	    c->calls ? "\n" : "", (long long)row->r.time_ms, row->r.device, row->r.point);
	if (row->r.has_value)
		c->at += (size_t)snprintf(c->text + c->at, COLLECT_MAX - c->at, "%.17g",
		    row->r.value);
	else
		c->at += (size_t)snprintf(c->text + c->at, COLLECT_MAX - c->at, "-");
	c->calls++;
	return c->stop_after && c->calls >= c->stop_after ? -EPIPE : 0;
}

static int
collect_series(void *arg, const struct store_series *s)
{
	struct collect *c = arg;

	c->at += (size_t)snprintf(c->text + c->at, COLLECT_MAX - c->at, "%s%s/%s/%s/%s",
	    c->calls ? "\n" : "", s->station, s->device, s->point, s->unit);
	c->calls++;
	return 0;
}

/* Find the ids of the series of device.point (any unit, station pp-06). */
struct find {
	const char	*device;
	const char	*point;
	int64_t		 ids[8];
	size_t		 n;
};

static int
find_series(void *arg, const struct store_series *s)
{
	struct find *f = arg;

	if (strcmp(s->station, "pp-06") == 0 && strcmp(s->device, f->device) == 0 &&
	    strcmp(s->point, f->point) == 0 && f->n < 8)
		f->ids[f->n++] = s->id;
	return 0;
}

static void
test_queries(void)
{
	static const struct lw_reading in[] = {
		{ -1, "sonde", "ph", "[pH]", 7, true, LW_Q_GOOD },
		{ 0, "sonde", "ph", "[pH]", 1, true, LW_Q_GOOD },
		{ 10000, "sonde", "ph", "[pH]", 2, true, LW_Q_GOOD },
		{ 20000, "sonde", "ph", "[pH]", 3, true, LW_Q_SUSPECT },
		{ 30000, "sonde", "ph", "[pH]", 0, false, LW_Q_MISSING },
		{ 60000, "sonde", "ph", "[pH]", 10, true, LW_Q_GOOD },
		{ 70000, "sonde", "ph", "[pH]", 20, true, LW_Q_SUSPECT },
		{ 80000, "sonde", "ph", "[pH]", 30, true, LW_Q_BAD },
		{ 90000, "sonde", "ph", "[pH]", 40, true, LW_Q_MAINTENANCE },
		{ 120000, "sonde", "ph", "[pH]", 0, false, LW_Q_MISSING },
		{ 130000, "sonde", "ph", "[pH]", 0, false, LW_Q_MISSING },
		{ 240000, "sonde", "ph", "[pH]", 5, true, LW_Q_GOOD },
		{ 0, "sonde", "temperature", "Cel", 100, true, LW_Q_GOOD },
		{ 59999, "sonde", "temperature", "Cel", 200, true, LW_Q_GOOD },
		{ 0, "level", "depth", "m", 1000, true, LW_Q_GOOD },	/* not asked for */
	};
	static const struct {
		int64_t		 from, to, every;
		const char	*want;
	} aggs[] = {
		{ -60000, 300000, 60000,
		  "-60000 sonde.ph n=1 mean=7 min=7 max=7 q=1/0/0/0/0\n"
		  "0 sonde.ph n=3 mean=2 min=1 max=3 q=2/1/0/1/0\n"
		  "0 sonde.temperature n=2 mean=150 min=100 max=200 q=2/0/0/0/0\n"
		  "60000 sonde.ph n=2 mean=15 min=10 max=20 q=1/1/1/0/1\n"
		  "120000 sonde.ph n=0 q=0/0/0/2/0\n"
		  "240000 sonde.ph n=1 mean=5 min=5 max=5 q=1/0/0/0/0" },
		{ 10000, 70000, 60000,
		  "0 sonde.ph n=2 mean=2.5 min=2 max=3 q=1/1/0/1/0\n"
		  "0 sonde.temperature n=1 mean=200 min=200 max=200 q=1/0/0/0/0\n"
		  "60000 sonde.ph n=1 mean=10 min=10 max=10 q=1/0/0/0/0" },
		{ 0, 300000, 3600000,
		  "0 sonde.ph n=6 mean=6.833333333333333 min=1 max=20 q=4/2/1/3/1\n"
		  "0 sonde.temperature n=2 mean=150 min=100 max=200 q=2/0/0/0/0" },
		{ -1, 0, 1,
		  "-1 sonde.ph n=1 mean=7 min=7 max=7 q=1/0/0/0/0" },
		{ 300000, 400000, 60000, "" },
		{ 60000, 60000, 60000, "" },
	};
	char path[128];
	struct store *st;
	struct find ph = { "sonde", "ph", { 0 }, 0 }, temp = { "sonde", "temperature", { 0 }, 0 };
	struct collect c;
	int64_t ids[2];
	struct store_range q;
	int rc;

	path_in(path, sizeof(path), "query.db");
	c.text = malloc(COLLECT_MAX);
	if (c.text == NULL || store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "query store opens");
		free(c.text);
		return;
	}
	store_append(st, "pp-06", in, sizeof(in) / sizeof(in[0]));
	collect_reset(&c);
	CHECK_EQ_INT(0, store_series_each(st, collect_series, &c), "list the series");
	CHECK_EQ_STR("pp-06/level/depth/m\npp-06/sonde/ph/[pH]\npp-06/sonde/temperature/Cel", c.text,
	    "every series, sorted");
	store_series_each(st, find_series, &ph);
	store_series_each(st, find_series, &temp);
	CHECK(ph.n == 1 && temp.n == 1, "each asked-for point has one series");
	if (ph.n != 1 || temp.n != 1) {
		store_close(st);
		free(c.text);
		return;
	}
	ids[0] = temp.ids[0];	/* the order asked in does not matter */
	ids[1] = ph.ids[0];
	for (size_t i = 0; i < sizeof(aggs) / sizeof(aggs[0]); i++) {
		collect_reset(&c);
		q = (struct store_range){ ids, 2, aggs[i].from, aggs[i].to };
		rc = store_aggregate(st, &q, aggs[i].every, collect_bucket, &c);
		CHECK_EQ_INT(0, rc, "aggregate [%lld, %lld) every %lld", (long long)aggs[i].from,
		    (long long)aggs[i].to, (long long)aggs[i].every);
		CHECK_EQ_STR(aggs[i].want, c.text, "buckets of [%lld, %lld) every %lld",
		    (long long)aggs[i].from, (long long)aggs[i].to, (long long)aggs[i].every);
	}
	q = (struct store_range){ ids, 2, -60000, 300000 };
	collect_reset(&c);
	c.stop_after = 2;
	CHECK_EQ_INT(42, store_aggregate(st, &q, 60000, collect_bucket, &c),
	    "a callback's non-zero return stops the aggregate and is returned");
	CHECK_EQ_INT(2, c.calls, "after the second bucket");
	CHECK_EQ_INT(-EINVAL, store_aggregate(st, &q, 0, collect_bucket, &c), "every 0 is refused");
	CHECK_EQ_INT(-EINVAL, store_aggregate(st, &q, -5, collect_bucket, &c), "every < 0 is refused");
	CHECK_EQ_INT(-ERANGE, store_aggregate(st, &q, INT64_MAX, collect_bucket, &c),
	    "an absurd every is refused");
	collect_reset(&c);
	q.nseries = 0;
	CHECK_EQ_INT(0, store_aggregate(st, &q, 60000, collect_bucket, &c), "no series asked for");
	CHECK_EQ_INT(0, c.calls, "gives no bucket (not all of them)");

	q = (struct store_range){ ids, 2, 0, 60001 };
	collect_reset(&c);
	CHECK_EQ_INT(0, store_query(st, &q, collect_row, &c), "query raw rows");
	CHECK_EQ_STR("0 sonde.ph 1\n0 sonde.temperature 100\n10000 sonde.ph 2\n20000 sonde.ph 3\n"
	    "30000 sonde.ph -\n59999 sonde.temperature 200\n60000 sonde.ph 10", c.text,
	    "raw rows of [0, 60001), by time then point, missing without a value");
	q = (struct store_range){ ids + 1, 1, 0, 60000 };
	collect_reset(&c);
	c.stop_after = 3;
	CHECK_EQ_INT(-EPIPE, store_query(st, &q, collect_row, &c),
	    "a callback's error stops the query and is returned");
	CHECK_EQ_STR("0 sonde.ph 1\n10000 sonde.ph 2\n20000 sonde.ph 3", c.text,
	    "one series, the end excluded, stopped after 3");
	store_close(st);
	free(c.text);
}

/* A transaction that fails half-way must not leave stale series ids behind. */
static void
test_rollback(void)
{
	struct lw_reading r[2];
	char path[128];
	struct store *st;

	path_in(path, sizeof(path), "rollback.db");
	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "rollback store opens");
		return;
	}
	/* A trigger stands for a failure (disk full, say) after the series was added. */
	CHECK_EQ_INT(SQLITE_OK, sql_exec(path, "CREATE TRIGGER fail BEFORE INSERT ON sample"
	    " WHEN new.value = 666 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"),
	    "install a failing trigger");
	r[0] = rd(T0, "new", "one", "u", 1, true, LW_Q_GOOD);
	r[1] = rd(T0, "sonde", "ph", "[pH]", 666, true, LW_Q_GOOD);
	CHECK(store_append(st, "pp-06", r, 2) < 0, "the batch fails");
	CHECK(strstr(store_errmsg(st), "disk on fire") != NULL, "with SQLite's message: %s",
	    store_errmsg(st));
	CHECK_EQ_STR("0|0", sql_rows(path, "SELECT (SELECT count(*) FROM sample),"
	    " (SELECT count(*) FROM series)"), "nothing of it stayed, not even the series");
	sql_exec(path, "DROP TRIGGER fail");
	/* Another series now takes the id the rolled-back one had. */
	r[1] = rd(T0 + 1, "other", "two", "v", 2, true, LW_Q_GOOD);
	CHECK_EQ_INT(0, store_append(st, "pp-06", r + 1, 1), "a new series after the failure");
	CHECK_EQ_INT(0, store_append(st, "pp-06", r, 1), "the first series again");
	CHECK_EQ_STR("new|one|u|1.0\nother|two|v|2.0", sql_rows(path,
	    "SELECT device, point, unit, value FROM readings ORDER BY time"),
	    "each reading carries its own series");
	store_close(st);
}

/* Another connection holding the write lock: -EBUSY after the timeout. */
static void
test_busy(void)
{
	struct lw_reading r = rd(T0, "sonde", "ph", "[pH]", 8, true, LW_Q_GOOD);
	struct store_row rows[2];
	char path[128];
	struct store *st, *ro;
	sqlite3 *db;

	path_in(path, sizeof(path), "busy.db");
	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "busy store opens");
		return;
	}
	store_append(st, "pp-06", &r, 1);
	store_set_busy_timeout(st, 50);
	sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	CHECK_EQ_INT(SQLITE_OK, sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    "another connection takes the write lock");
	CHECK_EQ_INT(-EBUSY, store_append(st, "pp-06", &r, 1), "append gives -EBUSY");
	CHECK(strstr(store_errmsg(st), "locked") != NULL, "saying so: %s", store_errmsg(st));
	CHECK_EQ_INT(-EBUSY, store_prune(st, INT64_MAX, INT64_MAX, NULL), "prune gives -EBUSY");
	store_set_busy_timeout(st, 300);
	int64_t t0 = now_mono_ms(), seq = -1;
	CHECK_EQ_INT(-EBUSY, store_cursor_try_set(st, "mqtt", 1), "a cursor try gives -EBUSY");
	CHECK(now_mono_ms() - t0 < 200, "at once, not after the busy timeout (%lld ms)",
	    (long long)(now_mono_ms() - t0));
	t0 = now_mono_ms();
	CHECK_EQ_INT(-EBUSY, store_append(st, "pp-06", &r, 1), "the busy timeout is as it was");
	CHECK(now_mono_ms() - t0 >= 280, "append waited it out (%lld ms)",
	    (long long)(now_mono_ms() - t0));
	store_set_busy_timeout(st, 50);
	if (store_open(path, STORE_READ_ONLY, &ro) == 0) {
		CHECK_EQ_INT(1, store_read_after(ro, 0, rows, 2), "a reader is not blocked by the lock");
		store_close(ro);
	} else {
		CHECK(0, "a reader opens beside the lock");
	}
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	CHECK_EQ_INT(0, store_append(st, "pp-06", &r, 1), "once the lock is gone, append works");
	CHECK_EQ_INT(0, store_cursor_try_set(st, "mqtt", 7), "and a cursor try works");
	CHECK(store_cursor_get(st, "mqtt", &seq) == 0 && seq == 7, "the cursor is written");
	CHECK_EQ_INT(2, count_rows(path), "and nothing was lost or doubled");
	store_close(st);
}

/* A writer killed right after its commit: the readings are there. */
static void
test_killed_writer(void)
{
	char path[128];
	struct store *st;
	struct store_row rows[8];
	pid_t pid;
	int status = 0;

	path_in(path, sizeof(path), "killed.db");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct lw_reading r[3];

		for (int i = 0; i < 3; i++)
			r[i] = rd(T0 + i, "sonde", "ph", "[pH]", i, true, LW_Q_GOOD);
		if (store_open(path, STORE_READ_WRITE, &st) != 0 || store_append(st, "pp-06", r, 3) != 0)
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the writer was killed");
	{
		char wal[160];

		snprintf(wal, sizeof(wal), "%s-wal", path);
		CHECK(access(wal, F_OK) == 0, "its WAL was left behind");
	}
	if (store_open(path, STORE_READ_ONLY, &st) == 0) {
		CHECK_EQ_INT(3, store_read_after(st, 0, rows, 8), "a reader finds all 3 committed readings");
		store_close(st);
	} else {
		CHECK(0, "a reader opens after the kill");
	}
	if (store_open(path, STORE_READ_WRITE, &st) == 0) {
		CHECK_EQ_INT(3, store_read_after(st, 0, rows, 8), "so does the next writer");
		store_close(st);
	} else {
		CHECK(0, "the next writer opens after the kill");
	}
	CHECK_EQ_STR("ok", sql_rows(path, "PRAGMA integrity_check"), "integrity_check is ok");
}

/* Files that are not lakewatch stores give errors, never a crash or damage. */
static void
test_not_a_store(void)
{
	static const char junk[] = "station,device,point\npp-06,sonde,ph\nthis is not a database\n";
	char path[128], err[256], back[sizeof(junk) + 16];
	struct store *st = NULL;
	FILE *f;
	size_t n;
	int rc;

	path_in(path, sizeof(path), "junk.db");
	f = fopen(path, "w");
	for (int i = 0; i < 100; i++)
		fputs(junk, f);
	fclose(f);
	rc = store_open_err(path, STORE_READ_WRITE, &st, err, sizeof(err));
	CHECK_EQ_INT(-EBADMSG, rc, "a text file is not a store (-EBADMSG)");
	CHECK(strstr(err, "not a database") != NULL, "the message says so: %s", err);
	rc = store_open_err(path, STORE_READ_ONLY, &st, err, sizeof(err));
	CHECK_EQ_INT(-EBADMSG, rc, "read-only too");
	f = fopen(path, "r");
	n = fread(back, 1, sizeof(back) - 1, f);
	back[n] = '\0';
	fclose(f);
	CHECK(n == sizeof(back) - 1 && strncmp(back, junk, sizeof(junk) - 1) == 0,
	    "and the file was left as it was");

	path_in(path, sizeof(path), "other.db");
	{
		sqlite3 *db;

		sqlite3_open(path, &db);
		sqlite3_exec(db, "CREATE TABLE birds (name TEXT)", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	rc = store_open_err(path, STORE_READ_WRITE, &st, err, sizeof(err));
	CHECK_EQ_INT(-EINVAL, rc, "another program's database is refused");
	CHECK(strstr(err, "not a lakewatch store") != NULL, "as such: %s", err);
	CHECK_EQ_STR("birds", sql_rows(path, "SELECT group_concat(name) FROM sqlite_master"),
	    "and left untouched");
	rc = store_open_err(path, STORE_READ_ONLY, &st, err, sizeof(err));
	CHECK_EQ_INT(-EINVAL, rc, "read-only too");

	path_in(path, sizeof(path), "empty.db");
	fclose(fopen(path, "w"));
	rc = store_open_err(path, STORE_READ_ONLY, &st, err, sizeof(err));
	CHECK_EQ_INT(-ENOENT, rc, "an empty file holds no store yet (read-only)");
	rc = store_open_err(path, STORE_READ_WRITE, &st, err, sizeof(err));
	CHECK_EQ_INT(0, rc, "an empty file becomes a store when opened for writing");
	if (rc == 0)
		store_close(st);

	path_in(path, sizeof(path), "future.db");
	if (store_open(path, STORE_READ_WRITE, &st) == 0)
		store_close(st);
	sql_exec(path, "PRAGMA user_version = 99");
	rc = store_open_err(path, STORE_READ_WRITE, &st, err, sizeof(err));
	CHECK_EQ_INT(-ENOTSUP, rc, "a store from a newer lakewatch is refused");
	CHECK(strstr(err, "99") != NULL, "naming its version: %s", err);
	rc = store_open_err(path, STORE_READ_ONLY, &st, err, sizeof(err));
	CHECK_EQ_INT(-ENOTSUP, rc, "read-only too");

	path_in(path, sizeof(path), "nodir/x.db");
	rc = store_open_err(path, STORE_READ_WRITE, &st, err, sizeof(err));
	CHECK(rc < 0, "a store in a missing directory fails (%d: %s)", rc, err);
}

/*
 * Prune and trim count the readings no forwarder had sent; trim deletes the
 * oldest first and stops at the target size; the last seq survives deletes.
 */
static void
test_drop_and_trim(void)
{
	enum { N = 20000 };
	struct lw_reading *r = calloc(N, sizeof(*r));
	struct store_drop drop;
	int64_t size0, size1, size2, last = -1;
	struct store_row row;
	char path[128];
	struct store *st;

	path_in(path, sizeof(path), "trim.db");
	if (r == NULL || store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "trim setup");
		free(r);
		return;
	}
	CHECK_EQ_INT(0, store_last_seq(st, &last), "last seq of an empty store");
	CHECK_EQ_INT(0, last, "is 0");
	CHECK_EQ_INT(0, store_size(st, &size0), "size of an empty store");
	for (int i = 0; i < N; i++)
		r[i] = rd(1000 + i, "sonde", "ph", "[pH]", 8.0 + i * 1e-4, true, LW_Q_GOOD);
	store_append(st, "pp-06", r, N);
	CHECK_EQ_INT(0, store_size(st, &size1), "size after %d readings", N);
	CHECK(size1 > size0 + N * 8, "grows with the readings (%lld -> %lld bytes)",
	    (long long)size0, (long long)size1);

	/* seq 1..N; a forwarder has sent up to 50. */
	CHECK_EQ_INT(0, store_prune(st, 1100, 50, &drop), "prune the first 100");
	CHECK_EQ_INT(100, drop.deleted, "100 deleted");
	CHECK_EQ_INT(50, drop.unforwarded, "50 of them not yet forwarded");
	CHECK_EQ_INT(0, store_prune(st, 1100, 50, NULL), "prune again without a result");

	CHECK_EQ_INT(0, store_trim(st, size1 * 2, 0, &drop), "trim under the size");
	CHECK_EQ_INT(0, drop.deleted, "deletes nothing");
	CHECK_EQ_INT(0, store_trim(st, size1 / 2, 5000, &drop), "trim to half the size");
	CHECK_EQ_INT(0, store_size(st, &size2), "size after the trim");
	CHECK(size2 <= size1 / 2, "at most the target (%lld <= %lld)",
	    (long long)size2, (long long)(size1 / 2));
	CHECK(drop.deleted > N / 4 && drop.deleted < N * 3 / 4,
	    "about half the readings went (%lld)", (long long)drop.deleted);
	CHECK_EQ_INT(drop.deleted - (5000 - 100), drop.unforwarded,
	    "those past the forwarded seq 5000 are counted unforwarded");
	CHECK_EQ_INT(1, store_read_after(st, 0, &row, 1), "the oldest left");
	CHECK_EQ_INT(101 + drop.deleted, row.seq, "is the one after the trimmed ones");

	CHECK_EQ_INT(0, store_trim(st, 0, INT64_MAX, &drop), "trim to nothing");
	CHECK_EQ_INT(0, store_read_after(st, 0, &row, 1), "leaves no reading");
	CHECK_EQ_INT(0, drop.unforwarded, "with nothing forwarded-aware, none unforwarded");
	CHECK_EQ_INT(0, store_last_seq(st, &last), "last seq after deleting all");
	CHECK_EQ_INT(N, last, "still the last one given");
	store_close(st);
	free(r);
}

/* What schema 3 added, taken away again: a store as version 2 left it. */
#define V3_TO_V2 "DROP TRIGGER sample_unindex; DROP TABLE sample_index;" \
	"DELETE FROM meta WHERE key = 'indexed_through';" \
	"CREATE INDEX sample_series_time ON sample (series, time_ms);" \
	"CREATE INDEX sample_time ON sample (time_ms); PRAGMA user_version = 2;"

/* Readings of series id in [from, to): how many, and the sum of their values. */
struct tally {
	int64_t		 n;
	double		 sum;
	int64_t		 last_ms;
	bool		 ordered;
};

static int
tally_row(void *arg, const struct store_row *row)
{
	struct tally *t = arg;

	t->ordered = t->ordered && (t->n == 0 || row->r.time_ms >= t->last_ms);
	t->n++;
	t->sum += row->r.value;
	t->last_ms = row->r.time_ms;
	return 0;
}

static struct tally
tally(struct store *st, int64_t id, int64_t from, int64_t to)
{
	struct store_range q = { &id, 1, from, to };
	struct tally t = { 0, 0, 0, true };

	if (store_query(st, &q, tally_row, &t) != 0)
		t.n = -1;
	return t;
}

/*
 * Schema 3's sample_index: filled a batch at a time, queries find readings
 * on both sides of indexed_through, deletes leave nothing behind in it; a
 * version 2 store is read as it is and upgraded with its readings indexed.
 */
static void
test_index(void)
{
	enum { PER_SERIES = 10000, CHUNK = 50 };
	struct lw_reading r[2 * CHUNK];
	struct find ph = { "sonde", "ph", { 0 }, 0 };
	struct store_drop drop;
	struct tally t;
	char path[128];
	struct store *st, *ro;

	path_in(path, sizeof(path), "index.db");
	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "index store opens");
		return;
	}
	/* pH i at i s, temperature 100 + i beside it: 20000 readings, 100 at a time. */
	for (int i = 0; i < PER_SERIES; i += CHUNK) {
		for (int k = 0; k < CHUNK; k++) {
			r[2 * k] = rd((i + k) * 1000LL, "sonde", "ph", "[pH]", i + k, true, LW_Q_GOOD);
			r[2 * k + 1] = rd((i + k) * 1000LL, "sonde", "temperature", "Cel",
			    100 + i + k, true, LW_Q_GOOD);
		}
		if (store_append(st, "pp-06", r, 2 * CHUNK) != 0 || store_upkeep(st) != 0)
			break;
	}
	CHECK_EQ_STR("20000", sql_rows(path, "SELECT count(*) FROM sample"), "20000 readings");
	CHECK_EQ_STR("16400|16400", sql_rows(path, "SELECT (SELECT value FROM meta WHERE key ="
	    " 'indexed_through'), (SELECT count(*) FROM sample_index)"),
	    "full batches are indexed (at the upkeep after 8192 more), the rest waits");
	store_series_each(st, find_series, &ph);
	if (ph.n != 1) {
		CHECK(0, "one pH series");
		store_close(st);
		return;
	}
	t = tally(st, ph.ids[0], 0, INT64_MAX);
	CHECK(t.n == PER_SERIES && t.sum == (double)PER_SERIES * (PER_SERIES - 1) / 2 && t.ordered,
	    "all of a series, indexed and not, once each, in time order (%lld rows, sum %.0f)",
	    (long long)t.n, t.sum);
	t = tally(st, ph.ids[0], 8000 * 1000LL, 8400 * 1000LL);
	CHECK(t.n == 400 && t.sum == 400.0 * 8000 + 400.0 * 399 / 2,
	    "a range across indexed_through (%lld rows)", (long long)t.n);
	t = tally(st, ph.ids[0], 9000 * 1000LL, 9010 * 1000LL);
	CHECK_EQ_INT(10, t.n, "a range of the readings not yet indexed");
	t = tally(st, ph.ids[0], 100 * 1000LL, 110 * 1000LL);
	CHECK_EQ_INT(10, t.n, "a range of indexed readings");
	CHECK(store_prune(st, 2000 * 1000LL, INT64_MAX, &drop) == 0 && drop.deleted == 4000,
	    "prune the first 2000 s of both series");
	CHECK_EQ_STR("12400", sql_rows(path, "SELECT count(*) FROM sample_index"),
	    "their index entries went with them");
	CHECK_EQ_STR("0", sql_rows(path, "SELECT count(*) FROM sample_index i WHERE NOT EXISTS"
	    " (SELECT 1 FROM sample s WHERE s.seq = i.seq)"), "none left dangling");
	t = tally(st, ph.ids[0], 0, INT64_MAX);
	CHECK_EQ_INT(PER_SERIES - 2000, t.n, "the query sees what is left");
	store_close(st);

	/* The same store as version 2 left it: read as it is, then upgraded. */
	sql_exec(path, V3_TO_V2);
	CHECK_EQ_STR("2", sql_rows(path, "PRAGMA user_version"), "a version 2 store");
	if (store_open(path, STORE_READ_ONLY, &ro) == 0) {
		t = tally(ro, ph.ids[0], 8000 * 1000LL, 8400 * 1000LL);
		CHECK_EQ_INT(400, t.n, "a reader queries a version 2 store");
		store_close(ro);
	} else {
		CHECK(0, "a reader opens a version 2 store");
	}
	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "the version 2 store opens for writing");
		return;
	}
	CHECK_EQ_STR("3|16000|16000|0", sql_rows(path, "SELECT (SELECT * FROM pragma_user_version),"
	    " (SELECT count(*) FROM sample_index), (SELECT count(*) FROM sample),"
	    " (SELECT count(*) FROM sqlite_master WHERE name = 'sample_series_time')"),
	    "upgraded: every reading indexed, the old index gone");
	CHECK_EQ_STR("0", sql_rows(path, "SELECT count(*) FROM sqlite_master WHERE name = 'sample_time'"),
	    "and the time index too");
	t = tally(st, ph.ids[0], 0, INT64_MAX);
	CHECK(t.n == PER_SERIES - 2000 && t.ordered, "and queried as before (%lld rows)",
	    (long long)t.n);
	CHECK_EQ_STR("ok", sql_rows(path, "PRAGMA integrity_check"), "integrity_check is ok");
	store_close(st);
}

/* Checkpoints in store_upkeep only, when asked for: the WAL grows until then. */
static void
test_own_checkpoints(void)
{
	struct lw_reading r[64];
	char path[128], wal[160];
	struct store *st;
	struct stat sb;

	path_in(path, sizeof(path), "ckpt.db");
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "checkpoint store opens");
		return;
	}
	store_own_checkpoints(st);
	/* 64 series a commit: each commit writes pages of all of them. */
	for (int k = 0; k < 64; k++) {
		char pt[16];

		snprintf(pt, sizeof(pt), "p%d", k);
		r[k] = rd(0, "sonde", pt, "1", k, true, LW_Q_GOOD);
	}
	for (int i = 0; i < 400; i++) {
		for (int k = 0; k < 64; k++)
			r[k].time_ms = i * 1000LL;
		store_append(st, "pp-06", r, 64);
	}
	int64_t wal_bytes = stat(wal, &sb) == 0 ? (int64_t)sb.st_size : -1;
	CHECK(wal_bytes > 1100 * 4096, "without upkeep the WAL grows past SQLite's 1000 pages"
	    " (%lld bytes)", (long long)wal_bytes);
	CHECK_EQ_INT(0, store_upkeep(st), "upkeep");
	store_append(st, "pp-06", r, 64);
	/* The frames now in the WAL, from another connection's checkpoint: few, the last commit's. */
	sqlite3 *db;
	sqlite3_stmt *s;
	int frames = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA wal_checkpoint(PASSIVE)", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			frames = sqlite3_column_int(s, 1);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	CHECK(frames >= 0 && frames < 100,
	    "after upkeep the WAL is written from its start again (%d frames)", frames);
	store_close(st);
}

/* A version 1 store (readings only) is upgraded in place, its readings kept. */
static void
test_upgrade_v1(void)
{
	struct lw_reading r = rd(1000, "sonde", "ph", "[pH]", 8.4, true, LW_Q_GOOD);
	char path[128];
	struct store *st;

	path_in(path, sizeof(path), "v1.db");
	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "upgrade setup");
		return;
	}
	store_append(st, "pp-06", &r, 1);
	store_close(st);
	/* What version 1 had: no alert state, maintenance or notifier tables. */
	sql_exec(path, V3_TO_V2 "ALTER TABLE alert_event DROP COLUMN previous;"
	    "ALTER TABLE alert_event DROP COLUMN acked_by; ALTER TABLE alert_event DROP COLUMN note;"
	    "DROP TABLE alert_state; DROP TABLE maintenance; DROP TABLE notify_state;"
	    "PRAGMA user_version = 1;");
	CHECK_EQ_STR("1", sql_rows(path, "PRAGMA user_version"), "a version 1 store");
	st = NULL;
	CHECK_EQ_INT(0, store_open(path, STORE_READ_WRITE, &st), "opens for writing");
	store_close(st);
	CHECK_EQ_STR("3", sql_rows(path, "PRAGMA user_version"), "and is version 3 afterwards");
	CHECK_EQ_STR("alert_state,maintenance,notify_state", sql_rows(path,
	    "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE name IN"
	    " ('alert_state', 'maintenance', 'notify_state') ORDER BY name)"), "with the new tables");
	CHECK_EQ_STR("8.4", sql_rows(path, "SELECT value FROM readings"), "its reading kept");
	CHECK_EQ_STR("ok", sql_rows(path, "PRAGMA integrity_check"), "integrity_check is ok");
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/lw-test-store.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if ((sql_out = malloc(SQL_ROWS_MAX)) == NULL)
		return 1;
	test_views();
	test_time_text();
	test_journal();
	test_cursors();
	test_read_only();
	test_prune();
	test_drop_and_trim();
	test_upgrade_v1();
	test_index();
	test_own_checkpoints();
	test_queries();
	test_rollback();
	test_busy();
	test_killed_writer();
	test_not_a_store();
	cleanup_dir();
	free(sql_out);
	sqlite3_shutdown();
	return tap_done();
}
