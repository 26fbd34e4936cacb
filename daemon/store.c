/* SPDX-License-Identifier: MIT */
/*
 * The local store (see store.h): an SQLite database in WAL mode.  Readings
 * live in `sample`, one row each, keyed by an AUTOINCREMENT seq so a seq is
 * never handed out twice, even after the newest rows were pruned; the names
 * of a reading (station, device, point, unit) live once in `series`.  The
 * documented views `readings` and `alert_events` present them with ISO 8601
 * times and quality names for researchers; the code reads the tables.
 *
 * Durability: synchronous=FULL.  SQLite then syncs the WAL at every commit,
 * so a reading counts as stored once store_append() returned 0, and it
 * survives a process crash, kill -9 and a power cut alike (on storage that
 * honours flushes).  The core thread commits a batch per commit interval, so
 * that costs one fdatasync a second or less, which even an SD card bears.
 * synchronous=NORMAL would save it but, on a power cut, roll back every
 * transaction since the last checkpoint (up to 1000 pages of WAL: hours of
 * readings at a quiet station), and a solar-powered buoy loses power more
 * often than its process crashes.  The loss window is therefore the readings
 * not yet committed: at most one commit interval.
 *
 * Concurrency: one writer at a time (the daemon's core thread), any number
 * of readers (forwarders, the lakewatch tool, sqlite3).  In WAL mode readers
 * and the writer do not block each other; locks are still taken briefly, for
 * WAL recovery after a crash and between writers, so every connection waits
 * up to a busy timeout.  Write transactions begin IMMEDIATE, taking the write
 * lock up front where the busy handler can wait for it, instead of failing
 * half-way with SQLITE_BUSY_SNAPSHOT, which no waiting can cure.  A lock
 * held past the timeout is -EBUSY, with the transaction rolled back whole,
 * and the caller retries (the core thread keeps its batch).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "store_impl.h"

#define STORE_SCHEMA_VERSION	3
#define STORE_APPLICATION_ID	0x4c4b5754	/* "LKWT" in the file header */
#define STORE_WAL_LIMIT		(16 * 1024 * 1024)	/* WAL truncated to this after checkpoints */
#define STORE_PRUNE_CHUNK	10000	/* rows deleted per transaction, so the writer never stalls long */
#define STORE_INDEX_BATCH	8192	/* readings put in sample_index at a time (schema 3) */
#define STORE_CACHE_KIB		256	/* page cache of a read-write connection */
#define STORE_CHECKPOINT_FRAMES	1000	/* store_upkeep checkpoints a WAL this long (SQLite's) */

/* The quality codes are stored as the enum's values: keep them fixed. */
_Static_assert(LW_Q_GOOD == 0 && LW_Q_SUSPECT == 1 && LW_Q_BAD == 2 &&
    LW_Q_MISSING == 3 && LW_Q_MAINTENANCE == 4, "stored quality codes changed");

/*
 * Schema version 1.  The views are the documented interface (SPEC "Local
 * store"); the tables may change with user_version.  A time is formatted
 * from integer milliseconds with strftime's %f, which rounds to the exact
 * millisecond (tests/unit/test_store.c checks every one).
 */
static const char schema_v1[] =
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	"CREATE TABLE series ("
	"  id INTEGER PRIMARY KEY,"
	"  station TEXT NOT NULL,"
	"  device TEXT NOT NULL,"
	"  point TEXT NOT NULL,"
	"  unit TEXT NOT NULL,"
	"  UNIQUE (station, device, point, unit));"
	"CREATE TABLE sample ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  time_ms INTEGER NOT NULL,"
	"  series INTEGER NOT NULL REFERENCES series (id),"
	"  value REAL,"
	"  quality INTEGER NOT NULL CHECK (quality BETWEEN 0 AND 4));"
	"CREATE INDEX sample_series_time ON sample (series, time_ms);"
	"CREATE INDEX sample_time ON sample (time_ms);"
	"CREATE TABLE cursor ("
	"  name TEXT PRIMARY KEY,"
	"  seq INTEGER NOT NULL CHECK (seq >= 0));"
	"CREATE TABLE alert_event ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  time_ms INTEGER NOT NULL,"
	"  station TEXT NOT NULL,"
	"  device TEXT NOT NULL,"
	"  point TEXT,"
	"  kind TEXT NOT NULL CHECK (kind IN ('value', 'rate', 'stale', 'flatline', 'comm')),"
	"  severity TEXT NOT NULL CHECK (severity IN ('ok', 'warning', 'critical', 'unknown')),"
	"  transition TEXT NOT NULL CHECK (transition IN ('raised', 'escalated',"
	"    'deescalated', 'cleared', 'acknowledged', 'unknown')),"
	"  value REAL,"
	"  limit_value REAL,"
	"  message TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX alert_event_time ON alert_event (time_ms);"
	"CREATE VIEW readings AS SELECT"
	"  strftime('%Y-%m-%dT%H:%M:%fZ', s.time_ms / 1000.0, 'unixepoch') AS time,"
	"  r.station AS station, r.device AS device, r.point AS point,"
	"  s.value AS value, r.unit AS unit,"
	"  CASE s.quality WHEN 0 THEN 'good' WHEN 1 THEN 'suspect' WHEN 2 THEN 'bad'"
	"    WHEN 3 THEN 'missing' WHEN 4 THEN 'maintenance' END AS quality"
	"  FROM sample s JOIN series r ON r.id = s.series;"
	"CREATE VIEW alert_events AS SELECT"
	"  strftime('%Y-%m-%dT%H:%M:%fZ', time_ms / 1000.0, 'unixepoch') AS time,"
	"  station, device, point, kind, severity, transition, value,"
	"  limit_value AS \"limit\", message"
	"  FROM alert_event;";

/*
 * Schema version 2, on top of version 1: the current state of every alert
 * (so a restart neither forgets an active alert nor raises it again), the
 * severity an event left and who acknowledged it, maintenance set at run time,
 * and what each notifier last said about each alert.  The alert_events view
 * keeps its columns.
 */
static const char schema_v2[] =
	"ALTER TABLE alert_event ADD COLUMN previous TEXT"
	"  CHECK (previous IN ('ok', 'warning', 'critical', 'unknown'));"
	"ALTER TABLE alert_event ADD COLUMN acked_by TEXT;"
	"ALTER TABLE alert_event ADD COLUMN note TEXT;"
	"CREATE TABLE alert_state ("
	"  id TEXT PRIMARY KEY,"
	"  device TEXT NOT NULL,"
	"  point TEXT,"
	"  kind TEXT NOT NULL CHECK (kind IN ('value', 'rate', 'stale', 'flatline', 'comm')),"
	"  severity TEXT NOT NULL CHECK (severity IN ('ok', 'warning', 'critical', 'unknown')),"
	"  since_ms INTEGER NOT NULL,"
	"  value REAL,"
	"  limit_value REAL,"
	"  message TEXT NOT NULL DEFAULT '',"
	"  acked_by TEXT,"
	"  acked_ms INTEGER,"
	"  note TEXT,"
	"  seq INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE maintenance ("
	"  device TEXT PRIMARY KEY,"
	"  until_ms INTEGER NOT NULL,"
	"  set_by TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE notify_state ("
	"  notifier TEXT NOT NULL,"
	"  alert TEXT NOT NULL,"
	"  last_ms INTEGER NOT NULL,"
	"  severity TEXT NOT NULL,"
	"  PRIMARY KEY (notifier, alert));";

/*
 * Schema version 3, on top of version 2: the per-series index of the
 * readings moves from an index on sample, which a commit of readings of N
 * series wrote N pages of (one per series, wherever its newest entries
 * were: at 1000 series, 16 kB written per reading), to the table
 * sample_index, filled STORE_INDEX_BATCH readings at a time in series order,
 * so that each of its pages is written once a batch, not once a commit.
 * The readings after meta's indexed_through are found in sample itself, by
 * seq, which is where they are.  A trigger keeps deleted readings out of it.
 * The index on time goes too: the prune finds old readings series by series
 * in sample_index, and nothing else looked readings up by time alone.
 */
static const char schema_v3[] =
	"CREATE TABLE sample_index ("
	"  series INTEGER NOT NULL,"
	"  time_ms INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  PRIMARY KEY (series, time_ms, seq)) WITHOUT ROWID;"
	"INSERT INTO sample_index (series, time_ms, seq)"
	"  SELECT series, time_ms, seq FROM sample ORDER BY series, time_ms, seq;"
	"INSERT INTO meta (key, value)"
	"  SELECT 'indexed_through', coalesce(max(seq), 0) FROM sample;"
	"DROP INDEX sample_series_time;"
	"DROP INDEX sample_time;"
	"CREATE TRIGGER sample_unindex AFTER DELETE ON sample BEGIN"
	"  DELETE FROM sample_index"
	"   WHERE series = old.series AND time_ms = old.time_ms AND seq = old.seq;"
	" END;";

/*
 * A batch goes in STORE_ROWS_PER_INSERT rows per statement: one statement
 * run costs about as much as the rows it writes, so this halves the CPU of
 * a commit.  The rows of one VALUES list get their seqs in the list's order.
 */
#define STORE_ROWS_PER_INSERT	16
#define ROW4	"(?, ?, ?, ?)"
#define ROWS16	ROW4 "," ROW4 "," ROW4 "," ROW4 "," ROW4 "," ROW4 "," ROW4 "," ROW4 "," \
		ROW4 "," ROW4 "," ROW4 "," ROW4 "," ROW4 "," ROW4 "," ROW4 "," ROW4

/* The statements kept prepared for the life of a connection. */
enum stmt_id {
	ST_SERIES_FIND,
	ST_SERIES_ADD,
	ST_SAMPLE_ADD,
	ST_SAMPLE_ADD_MANY,
	ST_PRUNE,
	ST_TRIM,
	ST_LAST_SEQ,
	ST_READ_AFTER,
	ST_CURSOR_GET,
	ST_CURSOR_SET,
	ST_SERIES_EACH,
	ST_INDEX_POS,
	ST_INDEX_ADD,
	ST_INDEX_SET,
	ST_COUNT
};

_Static_assert(ST_COUNT <= STORE_SLOT_ALERT, "store.c's statements overlap store_alert.c's");

static const char *const stmt_sql[ST_COUNT] = {
	[ST_SERIES_FIND] = "SELECT id FROM series"
	    " WHERE station = ?1 AND device = ?2 AND point = ?3 AND unit = ?4",
	[ST_SERIES_ADD] = "INSERT INTO series (station, device, point, unit) VALUES (?1, ?2, ?3, ?4)",
	[ST_SAMPLE_ADD] = "INSERT INTO sample (time_ms, series, value, quality) VALUES (?1, ?2, ?3, ?4)",
	[ST_SAMPLE_ADD_MANY] = "INSERT INTO sample (time_ms, series, value, quality) VALUES "
	    ROWS16,
	/* Series by series in sample_index, and the readings not indexed yet. */
	[ST_PRUNE] = "DELETE FROM sample WHERE seq IN"
	    " (SELECT seq FROM sample_index WHERE series IN (SELECT id FROM series)"
	    "  AND time_ms < ?1"
	    " UNION ALL SELECT seq FROM sample WHERE seq > (SELECT CAST(value AS INTEGER)"
	    "  FROM meta WHERE key = 'indexed_through') AND +time_ms < ?1"
	    " LIMIT ?2) RETURNING seq",
	[ST_TRIM] = "DELETE FROM sample WHERE seq IN"
	    " (SELECT seq FROM sample ORDER BY seq LIMIT ?1) RETURNING seq",
	[ST_LAST_SEQ] = "SELECT seq FROM sqlite_sequence WHERE name = 'sample'",
	[ST_READ_AFTER] = "SELECT s.seq, s.time_ms, r.station, r.device, r.point, r.unit,"
	    " s.value, s.quality FROM sample s JOIN series r ON r.id = s.series"
	    " WHERE s.seq > ?1 ORDER BY s.seq LIMIT ?2",
	[ST_CURSOR_GET] = "SELECT seq FROM cursor WHERE name = ?1",
	[ST_CURSOR_SET] = "INSERT INTO cursor (name, seq) VALUES (?1, ?2)"
	    " ON CONFLICT (name) DO UPDATE SET seq = excluded.seq",
	[ST_SERIES_EACH] = "SELECT id, station, device, point, unit FROM series"
	    " ORDER BY station, device, point, unit",
	[ST_INDEX_POS] = "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through'",
	[ST_INDEX_ADD] = "INSERT INTO sample_index (series, time_ms, seq)"
	    " SELECT series, time_ms, seq FROM sample WHERE seq > ?1 AND seq <= ?2"
	    " ORDER BY series, time_ms, seq",
	[ST_INDEX_SET] = "UPDATE meta SET value = ?1 WHERE key = 'indexed_through'",
};

/* SQLite's result code as a negative errno (see store.h). */
static int
sqlite_errno(sqlite3 *db, int rc)
{
	int sys = db != NULL ? sqlite3_system_errno(db) : 0;

	switch (rc & 0xff) {
	case SQLITE_OK:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return -EBADMSG;
	case SQLITE_IOERR:
		return sys > 0 ? -sys : -EIO;
	case SQLITE_CANTOPEN:
		return sys > 0 ? -sys : -ENOENT;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_TOOBIG:
		return -E2BIG;
	case SQLITE_INTERRUPT:
	case SQLITE_ABORT:
		return -ECANCELED;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
		return -EINVAL;
	default:
		return -EIO;
	}
}

/* Record "what: SQLite's message" and return the errno for rc. */
int
store_fail(struct store *st, int rc, const char *what)
{
	snprintf(st->errmsg, sizeof(st->errmsg), "%s: %s", what, sqlite3_errmsg(st->db));
	return sqlite_errno(st->db, rc);
}

/* Record a message of our own and return err. */
int
store_failmsg(struct store *st, int err, const char *what)
{
	snprintf(st->errmsg, sizeof(st->errmsg), "%s", what);
	return err;
}

sqlite3_stmt *
store_prepared(struct store *st, int slot, const char *sql, int *ret_err)
{
	int rc;

	if (st->stmt[slot] == NULL) {
		rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
		    &st->stmt[slot], NULL);
		if (rc != SQLITE_OK) {
			*ret_err = store_fail(st, rc, "preparing a statement");
			st->stmt[slot] = NULL;
			return NULL;
		}
	}
	sqlite3_reset(st->stmt[slot]);
	sqlite3_clear_bindings(st->stmt[slot]);
	return st->stmt[slot];
}

/* The kept statement id, prepared on first use and reset for binding. */
static sqlite3_stmt *
stmt(struct store *st, enum stmt_id id, int *ret_err)
{
	return store_prepared(st, (int)id, stmt_sql[id], ret_err);
}

int
store_exec(struct store *st, const char *sql, const char *what)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : store_fail(st, rc, what);
}

/* The integer a one-row statement such as "PRAGMA user_version" returns. */
int
store_query_int(struct store *st, const char *sql, int64_t *ret)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	if (rc != SQLITE_OK)
		return store_fail(st, rc, sql);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*ret = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		return 0;
	}
	rc = store_fail(st, rc == SQLITE_DONE ? SQLITE_ERROR : rc, sql);
	sqlite3_finalize(s);
	return rc;
}

/* Forget every series of the cache (its table stays). */
static void
cache_clear(struct store *st)
{
	for (size_t i = 0; i < st->cache_cap; i++) {
		free(st->cache[i].key);
		st->cache[i].key = NULL;
	}
	st->cache_n = 0;
}

/* Roll back after err, keeping err's message; the series cache may be stale. */
int
store_rollback(struct store *st, int err)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	/* Series inserted in this transaction no longer exist: forget them all. */
	cache_clear(st);
	return err;
}

int
store_commit(struct store *st)
{
	int err = store_exec(st, "COMMIT", "commit");

	return err == 0 ? 0 : store_rollback(st, err);
}

/*
 * Create the schema in a fresh database, or check an existing one, in one
 * transaction so that two processes opening a new file at once cannot both
 * create it, and a crash leaves either all of it or nothing.
 */
static int
migrate(struct store *st)
{
	int64_t version, appid, objects;
	char meta[160];
	int err;

	if ((err = store_exec(st, "BEGIN IMMEDIATE", "starting the schema transaction")) != 0)
		return err;
	if ((err = store_query_int(st, "PRAGMA user_version", &version)) != 0 ||
	    (err = store_query_int(st, "PRAGMA application_id", &appid)) != 0 ||
	    (err = store_query_int(st, "SELECT count(*) FROM sqlite_master", &objects)) != 0)
		return store_rollback(st, err);
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(st->errmsg, sizeof(st->errmsg),
		    "store schema version %lld is newer than this lakewatch knows (%d)",
		    (long long)version, STORE_SCHEMA_VERSION);
		return store_rollback(st, -ENOTSUP);
	}
	if (appid != STORE_APPLICATION_ID && (version != 0 || objects != 0))
		return store_rollback(st, store_failmsg(st, -EINVAL,
		    "an SQLite database, but not a lakewatch store"));
	st->version = STORE_SCHEMA_VERSION;
	if (version == STORE_SCHEMA_VERSION)
		return store_commit(st);

	if (version == 0) {
		snprintf(meta, sizeof(meta),
		    "INSERT INTO meta (key, value) VALUES ('created',"
		    " strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now'));"
		    "PRAGMA application_id = %d;", STORE_APPLICATION_ID);
		if ((err = store_exec(st, schema_v1, "creating the schema")) != 0 ||
		    (err = store_exec(st, meta, "creating the schema")) != 0)
			return store_rollback(st, err);
	}
	/* Version 1 and up, one step at a time, in the same transaction. */
	if (version < 2 &&
	    (err = store_exec(st, schema_v2, "upgrading the schema to version 2")) != 0)
		return store_rollback(st, err);
	if (version < 3 &&
	    (err = store_exec(st, schema_v3, "upgrading the schema to version 3")) != 0)
		return store_rollback(st, err);
	snprintf(meta, sizeof(meta), "PRAGMA user_version = %d;", STORE_SCHEMA_VERSION);
	if ((err = store_exec(st, meta, "upgrading the schema")) != 0)
		return store_rollback(st, err);
	return store_commit(st);
}

/* A read-only connection: check that the file holds a store we can read. */
static int
check_schema(struct store *st)
{
	int64_t version, appid, objects;
	int err;

	if ((err = store_query_int(st, "PRAGMA user_version", &version)) != 0 ||
	    (err = store_query_int(st, "PRAGMA application_id", &appid)) != 0 ||
	    (err = store_query_int(st, "SELECT count(*) FROM sqlite_master", &objects)) != 0)
		return err;
	if (version == 0 && appid == 0 && objects == 0)
		return store_failmsg(st, -ENOENT, "the store holds no lakewatch schema yet");
	if (appid != STORE_APPLICATION_ID)
		return store_failmsg(st, -EINVAL, "an SQLite database, but not a lakewatch store");
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(st->errmsg, sizeof(st->errmsg),
		    "store schema version %lld is newer than this lakewatch knows (%d)",
		    (long long)version, STORE_SCHEMA_VERSION);
		return -ENOTSUP;
	}
	st->version = (int)version;	/* a reader copes with an older store */
	return 0;
}

static int
configure(struct store *st)
{
	char sql[128];
	sqlite3_stmt *s;
	int rc, err;

	sqlite3_extended_result_codes(st->db, 1);
	store_set_busy_timeout(st, STORE_BUSY_TIMEOUT_MS);
	if ((err = store_exec(st, "PRAGMA foreign_keys = ON", "enabling foreign keys")) != 0)
		return err;
	if (st->mode == STORE_READ_ONLY)
		return check_schema(st);

	/* The first statement that reads the file: a non-database fails here. */
	rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "setting WAL mode");
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		err = store_fail(st, rc, "setting WAL mode");
		sqlite3_finalize(s);
		return err;
	}
	if (strcmp((const char *)sqlite3_column_text(s, 0), "wal") != 0) {
		sqlite3_finalize(s);
		return store_failmsg(st, -ENOTSUP, "setting WAL mode: the file system does not allow it");
	}
	sqlite3_finalize(s);
	/*
	 * The daemon's connections append and read the newest pages: a small
	 * page cache does (the kernel's caches the file anyway), and every
	 * one of them would otherwise hold 2 MB of a solar station's memory.
	 */
	snprintf(sql, sizeof(sql), "PRAGMA synchronous = FULL; PRAGMA journal_size_limit = %d;"
	    " PRAGMA cache_size = -%d", STORE_WAL_LIMIT, STORE_CACHE_KIB);
	if ((err = store_exec(st, sql, "setting durability")) != 0)
		return err;
	return migrate(st);
}

int
store_open_err(const char *path, enum store_mode mode, struct store **ret,
    char *errbuf, size_t errlen)
{
	struct store *st;
	struct stat sb;
	int flags, rc, err;

	if (errlen > 0)
		errbuf[0] = '\0';
	if (mode == STORE_READ_ONLY && stat(path, &sb) == -1) {
		err = -errno;
		if (errlen > 0)
			snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return err;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -ENOMEM;
	st->mode = mode;
	/* NOMUTEX: a connection belongs to one thread (store.h). */
	flags = SQLITE_OPEN_NOMUTEX | (mode == STORE_READ_ONLY ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (rc != SQLITE_OK) {
		err = st->db != NULL ? store_fail(st, rc, path) : -ENOMEM;
		if (st->db == NULL)
			snprintf(st->errmsg, sizeof(st->errmsg), "%s: out of memory", path);
	} else {
		err = configure(st);
	}
	if (err != 0) {
		if (errlen > 0)
			snprintf(errbuf, errlen, "%s", st->errmsg);
		store_close(st);
		return err;
	}
	*ret = st;
	return 0;
}

int
store_open(const char *path, enum store_mode mode, struct store **ret)
{
	return store_open_err(path, mode, ret, NULL, 0);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < STORE_STMT_MAX; i++)
		sqlite3_finalize(st->stmt[i]);
	/* The last connection to close checkpoints and removes the WAL. */
	sqlite3_close(st->db);
	cache_clear(st);
	free(st->cache);
	free(st);
}

const char *
store_errmsg(const struct store *st)
{
	return st->errmsg;
}

void
store_set_busy_timeout(struct store *st, int ms)
{
	st->busy_ms = ms;
	sqlite3_busy_timeout(st->db, ms);
}

/* FNV-1a, 64 bits. */
static uint64_t
hash_key(const char *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The slot of key, or the empty slot where it belongs. */
static struct series_ent *
cache_slot(struct series_ent *tab, size_t cap, uint64_t hash, const char *key, size_t len)
{
	size_t i = (size_t)hash & (cap - 1);

	while (tab[i].key != NULL && !(tab[i].hash == hash && tab[i].keylen == len &&
	    memcmp(tab[i].key, key, len) == 0))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Add key -> id, growing the table to stay at most half full. */
static int
cache_add(struct store *st, uint64_t hash, const char *key, size_t len, int64_t id)
{
	struct series_ent *e;

	if ((st->cache_n + 1) * 2 > st->cache_cap) {
		size_t cap = st->cache_cap ? st->cache_cap * 2 : 64;
		struct series_ent *tab = calloc(cap, sizeof(*tab));

		if (tab == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < st->cache_cap; i++)
			if (st->cache[i].key != NULL)
				*cache_slot(tab, cap, st->cache[i].hash, st->cache[i].key,
				    st->cache[i].keylen) = st->cache[i];
		free(st->cache);
		st->cache = tab;
		st->cache_cap = cap;
	}
	e = cache_slot(st->cache, st->cache_cap, hash, key, len);
	if ((e->key = malloc(len)) == NULL)
		return -ENOMEM;
	e->hash = hash;
	e->id = id;
	e->keylen = len;
	memcpy(e->key, key, len);
	st->cache_n++;
	return 0;
}

/* Append s (at most max bytes, the array it lives in) and its NUL to key. */
static size_t
key_part(char *key, size_t at, const char *s, size_t max)
{
	size_t n = strnlen(s, max - 1);

	memcpy(key + at, s, n);
	key[at + n] = '\0';
	return at + n + 1;
}

static int
bind_key_text(sqlite3_stmt *s, int col, const char *key, size_t *at)
{
	size_t n = strlen(key + *at);
	int rc = sqlite3_bind_text(s, col, key + *at, (int)n, SQLITE_STATIC);

	*at += n + 1;
	return rc;
}

/* The id of the reading's series, created if new; inside a write transaction. */
static int
series_id(struct store *st, const char *station, const struct lw_reading *r, int64_t *ret)
{
	char key[STORE_KEY_MAX];
	size_t len = 0, at;
	struct series_ent *e;
	sqlite3_stmt *s;
	uint64_t hash;
	int rc, err = 0;

	len = key_part(key, len, station, LW_NAME_MAX);
	len = key_part(key, len, r->device, sizeof(r->device));
	len = key_part(key, len, r->point, sizeof(r->point));
	len = key_part(key, len, r->unit, sizeof(r->unit));
	hash = hash_key(key, len);
	if (st->cache_cap > 0) {
		e = cache_slot(st->cache, st->cache_cap, hash, key, len);
		if (e->key != NULL) {
			*ret = e->id;
			return 0;
		}
	}

	/* Not seen by this connection: another one may have created it. */
	if ((s = stmt(st, ST_SERIES_FIND, &err)) == NULL)
		return err;
	at = 0;
	for (int col = 1; col <= 4; col++)
		bind_key_text(s, col, key, &at);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*ret = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	} else if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		if ((s = stmt(st, ST_SERIES_ADD, &err)) == NULL)
			return err;
		at = 0;
		for (int col = 1; col <= 4; col++)
			bind_key_text(s, col, key, &at);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return store_fail(st, rc, "adding a series");
		*ret = sqlite3_last_insert_rowid(st->db);
	} else {
		err = store_fail(st, rc, "looking up a series");
		sqlite3_reset(s);
		return err;
	}
	return cache_add(st, hash, key, len, *ret);
}

/* One step of a prepared statement that returns no row (or one integer, into *ret). */
static int
step_int(struct store *st, enum stmt_id id, int64_t a, int64_t b, int64_t *ret, const char *what)
{
	sqlite3_stmt *s;
	int rc, err = 0;

	if ((s = stmt(st, id, &err)) == NULL)
		return err;
	if (sqlite3_bind_parameter_count(s) >= 1)
		sqlite3_bind_int64(s, 1, a);
	if (sqlite3_bind_parameter_count(s) >= 2)
		sqlite3_bind_int64(s, 2, b);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && ret != NULL) {
		*ret = sqlite3_column_int64(s, 0);
		rc = SQLITE_DONE;
	}
	if (rc != SQLITE_DONE)
		err = store_fail(st, rc, what);
	sqlite3_reset(s);
	return err;
}

/*
 * Once STORE_INDEX_BATCH readings wait for sample_index, put them there,
 * sorted, and move indexed_through, in a transaction of their own.
 */
static int
index_catch_up(struct store *st)
{
	int64_t last = 0, done = 0;
	int err;

	if ((err = store_last_seq(st, &last)) != 0 ||
	    (err = step_int(st, ST_INDEX_POS, 0, 0, &done, "indexing")) != 0 ||
	    last - done < STORE_INDEX_BATCH)
		return err;
	if ((err = store_exec(st, "BEGIN IMMEDIATE", "indexing: starting a transaction")) != 0)
		return store_rollback(st, err);
	if ((err = step_int(st, ST_INDEX_ADD, done, last, NULL, "indexing")) != 0 ||
	    (err = step_int(st, ST_INDEX_SET, last, 0, NULL, "indexing")) != 0)
		return store_rollback(st, err);
	return store_commit(st);
}

/* SQLite's WAL hook: how many frames the WAL holds after a commit. */
static int
wal_grew(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store *st = arg;

	(void)db;
	(void)name;
	st->wal_frames = frames;
	return SQLITE_OK;
}

void
store_own_checkpoints(struct store *st)
{
	/* A hook of our own replaces SQLite's auto-checkpoint, which is one too. */
	sqlite3_wal_hook(st->db, wal_grew, st);
	st->own_checkpoints = true;
}

int
store_upkeep(struct store *st)
{
	int err = st->version >= 3 ? index_catch_up(st) : 0;
	int rc;

	if (err == 0 && st->own_checkpoints && st->wal_frames >= STORE_CHECKPOINT_FRAMES) {
		rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			err = store_fail(st, rc, "checkpoint");
		st->wal_frames = 0;
	}
	return err;
}

int
store_append(struct store *st, const char *station, const struct lw_reading *r, size_t n)
{
	sqlite3_stmt *s;
	int rc, err = 0;

	if (n == 0)
		return 0;
	if (station == NULL || station[0] == '\0')
		return store_failmsg(st, -EINVAL, "append: no station");
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)r[i].quality > LW_Q_MAINTENANCE)
			return store_failmsg(st, -EINVAL, "append: a reading has an unknown quality code");
		if (r[i].device[0] == '\0' || r[i].point[0] == '\0')
			return store_failmsg(st, -EINVAL, "append: a reading has no device or point name");
	}
	if ((err = store_exec(st, "BEGIN IMMEDIATE", "append: starting a transaction")) != 0)
		return store_rollback(st, err);
	for (size_t i = 0; i < n;) {
		size_t rows = n - i >= STORE_ROWS_PER_INSERT ? STORE_ROWS_PER_INSERT : 1;

		if ((s = stmt(st, rows > 1 ? ST_SAMPLE_ADD_MANY : ST_SAMPLE_ADD, &err)) == NULL)
			return store_rollback(st, err);
		for (size_t k = 0; k < rows; k++, i++) {
			int64_t sid = 0;
			int col = (int)k * 4;

			if ((err = series_id(st, station, &r[i], &sid)) != 0) {
				sqlite3_reset(s);
				return store_rollback(st, err);
			}
			sqlite3_bind_int64(s, col + 1, r[i].time_ms);
			sqlite3_bind_int64(s, col + 2, sid);
			/* No value is NULL, never 0; SQLite would store a NaN as NULL too. */
			if (r[i].has_value && !isnan(r[i].value))
				sqlite3_bind_double(s, col + 3, r[i].value);
			else
				sqlite3_bind_null(s, col + 3);
			sqlite3_bind_int(s, col + 4, (int)r[i].quality);
		}
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return store_rollback(st, store_fail(st, rc, "append"));
	}
	return store_commit(st);
}

/*
 * One chunk of a delete: run the bound DELETE ... RETURNING seq in its own
 * transaction (so readings keep being committed between chunks) and add what
 * it deleted to *drop.  *ret_n is how many rows went.
 */
static int
delete_chunk(struct store *st, sqlite3_stmt *s, int64_t forwarded, struct store_drop *drop,
    int *ret_n, const char *what)
{
	int rc, err, n = 0;

	*ret_n = 0;
	if ((err = store_exec(st, "BEGIN IMMEDIATE", what)) != 0) {
		sqlite3_reset(s);
		return store_rollback(st, err);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (sqlite3_column_int64(s, 0) > forwarded)
			drop->unforwarded++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_rollback(st, store_fail(st, rc, what));
	if ((err = store_commit(st)) != 0)
		return err;
	drop->deleted += n;
	*ret_n = n;
	return 0;
}

int
store_prune(struct store *st, int64_t before_ms, int64_t forwarded, struct store_drop *ret)
{
	struct store_drop drop = { 0, 0 };
	sqlite3_stmt *s;
	int err = 0, n;

	if (ret != NULL)
		*ret = drop;
	do {
		if ((s = stmt(st, ST_PRUNE, &err)) == NULL)
			return err;
		sqlite3_bind_int64(s, 1, before_ms);
		sqlite3_bind_int(s, 2, STORE_PRUNE_CHUNK);
		/* A failed chunk leaves the earlier ones deleted: ret says so. */
		err = delete_chunk(st, s, forwarded, &drop, &n, "prune");
		if (ret != NULL)
			*ret = drop;
		if (err != 0)
			return err;
	} while (n == STORE_PRUNE_CHUNK);
	return 0;
}

int
store_size(struct store *st, int64_t *ret_bytes)
{
	int64_t pages, free_pages, page_size;
	int err;

	if ((err = store_query_int(st, "PRAGMA page_count", &pages)) != 0 ||
	    (err = store_query_int(st, "PRAGMA freelist_count", &free_pages)) != 0 ||
	    (err = store_query_int(st, "PRAGMA page_size", &page_size)) != 0)
		return err;
	*ret_bytes = (pages - free_pages) * page_size;
	return 0;
}

int
store_trim(struct store *st, int64_t target_bytes, int64_t forwarded, struct store_drop *ret)
{
	struct store_drop drop = { 0, 0 };
	int64_t size;
	sqlite3_stmt *s;
	int err = 0, n;

	if (ret != NULL)
		*ret = drop;
	for (;;) {
		if ((err = store_size(st, &size)) != 0)
			return err;
		if (size <= target_bytes)
			return 0;
		/*
		 * As many of the oldest as the excess is of the size (readings
		 * are about the same size), so no more go than need be.
		 */
		int64_t span = 0, chunk = STORE_PRUNE_CHUNK;
		if ((err = store_query_int(st, "SELECT coalesce(max(seq) - min(seq) + 1, 0) FROM sample",
		    &span)) != 0)
			return err;
		if (size > 0 && span * (size - target_bytes) / size < chunk)
			chunk = span * (size - target_bytes) / size + 1;
		if ((s = stmt(st, ST_TRIM, &err)) == NULL)
			return err;
		sqlite3_bind_int64(s, 1, chunk);
		err = delete_chunk(st, s, forwarded, &drop, &n, "trim");
		if (ret != NULL)
			*ret = drop;
		if (err != 0)
			return err;
		if (n == 0)
			return 0;	/* nothing left to delete */
	}
}

int
store_last_seq(struct store *st, int64_t *ret_seq)
{
	sqlite3_stmt *s;
	int rc, err = 0;

	if ((s = stmt(st, ST_LAST_SEQ, &err)) == NULL)
		return err;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*ret_seq = sqlite3_column_int64(s, 0);
		rc = SQLITE_DONE;
	} else if (rc == SQLITE_DONE) {
		*ret_seq = 0;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading the last seq");
}

/* Copy a text column into a buffer of len bytes, cut if need be. */
void
store_column_text(sqlite3_stmt *s, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	snprintf(buf, len, "%s", t != NULL ? (const char *)t : "");
}

/*
 * Fill a row from columns seq, time_ms, station, device, point, unit, value,
 * quality (in that order).
 */
static int
fill_row(struct store *st, sqlite3_stmt *s, struct store_row *row)
{
	int q = sqlite3_column_int(s, 7);

	memset(row, 0, sizeof(*row));
	row->seq = sqlite3_column_int64(s, 0);
	row->r.time_ms = sqlite3_column_int64(s, 1);
	store_column_text(s, 2, row->station, sizeof(row->station));
	store_column_text(s, 3, row->r.device, sizeof(row->r.device));
	store_column_text(s, 4, row->r.point, sizeof(row->r.point));
	store_column_text(s, 5, row->r.unit, sizeof(row->r.unit));
	row->r.has_value = sqlite3_column_type(s, 6) != SQLITE_NULL;
	row->r.value = row->r.has_value ? sqlite3_column_double(s, 6) : 0.0;
	if (q < 0 || q > LW_Q_MAINTENANCE) {
		snprintf(st->errmsg, sizeof(st->errmsg),
		    "reading %lld has an unknown quality code %d", (long long)row->seq, q);
		return -EBADMSG;
	}
	row->r.quality = (enum lw_quality)q;
	return 0;
}

int
store_read_after(struct store *st, int64_t after, struct store_row *rows, size_t max)
{
	sqlite3_stmt *s;
	size_t n = 0;
	int rc, err = 0;

	if (max == 0)
		return 0;
	if (max > INT_MAX)
		max = INT_MAX;
	if ((s = stmt(st, ST_READ_AFTER, &err)) == NULL)
		return err;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((err = fill_row(st, s, &rows[n])) != 0) {
			sqlite3_reset(s);
			return err;
		}
		n++;
	}
	if (rc != SQLITE_DONE) {
		err = store_fail(st, rc, "reading the journal");
		sqlite3_reset(s);
		return err;
	}
	sqlite3_reset(s);
	return (int)n;
}

int
store_cursor_get(struct store *st, const char *name, int64_t *ret_seq)
{
	sqlite3_stmt *s;
	int rc, err = 0;

	if ((s = stmt(st, ST_CURSOR_GET, &err)) == NULL)
		return err;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*ret_seq = sqlite3_column_int64(s, 0);
	else if (rc == SQLITE_DONE)
		*ret_seq = 0;
	else
		err = store_fail(st, rc, "reading a cursor");
	sqlite3_reset(s);
	return err;
}

int
store_cursor_set(struct store *st, const char *name, int64_t seq)
{
	sqlite3_stmt *s;
	int rc, err = 0;

	if (name == NULL || name[0] == '\0' || seq < 0)
		return store_failmsg(st, -EINVAL, "cursor: no name, or a negative position");
	if ((s = stmt(st, ST_CURSOR_SET, &err)) == NULL)
		return err;
	/* One statement: its own transaction, durable like any commit. */
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, seq);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		err = store_fail(st, rc, "storing a cursor");
	sqlite3_reset(s);
	return err;
}

int
store_cursor_try_set(struct store *st, const char *name, int64_t seq)
{
	int err;

	sqlite3_busy_timeout(st->db, 0);
	err = store_cursor_set(st, name, seq);
	sqlite3_busy_timeout(st->db, st->busy_ms);
	return err;
}

int
store_series_each(struct store *st, store_series_fn fn, void *arg)
{
	struct store_series ser;
	sqlite3_stmt *s;
	int rc, err = 0;

	if ((s = stmt(st, ST_SERIES_EACH, &err)) == NULL)
		return err;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ser.id = sqlite3_column_int64(s, 0);
		store_column_text(s, 1, ser.station, sizeof(ser.station));
		store_column_text(s, 2, ser.device, sizeof(ser.device));
		store_column_text(s, 3, ser.point, sizeof(ser.point));
		store_column_text(s, 4, ser.unit, sizeof(ser.unit));
		if ((err = fn(arg, &ser)) != 0) {
			sqlite3_reset(s);
			return err;
		}
	}
	if (rc != SQLITE_DONE)
		err = store_fail(st, rc, "listing the series");
	sqlite3_reset(s);
	return err;
}

/*
 * Prepare a range query: each "@SERIES@" in sql stands for the list of
 * series parameters, numbered from first.  Binds the series ids; the caller
 * binds the rest.
 */
static int
prepare_range(struct store *st, const char *sql, const struct store_range *q, int first,
    sqlite3_stmt **ret)
{
	static const char marker[] = "@SERIES@";
	size_t markers = 0, len, at = 0;
	const char *cut;
	char *text;
	int rc, err = 0;

	for (cut = strstr(sql, marker); cut != NULL; cut = strstr(cut + 1, marker))
		markers++;
	len = strlen(sql) + markers * q->nseries * 12 + 1;
	if (q->nseries > (size_t)sqlite3_limit(st->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1) - (size_t)first)
		return store_failmsg(st, -E2BIG, "query: too many series at once");
	if ((text = malloc(len)) == NULL)
		return store_failmsg(st, -ENOMEM, "query: out of memory");
	while ((cut = strstr(sql, marker)) != NULL) {
		memcpy(text + at, sql, (size_t)(cut - sql));
		at += (size_t)(cut - sql);
		for (size_t i = 0; i < q->nseries; i++)
			at += (size_t)snprintf(text + at, len - at, "%s?%zu", i ? "," : "", first + i);
		sql = cut + strlen(marker);
	}
	snprintf(text + at, len - at, "%s", sql);
	rc = sqlite3_prepare_v2(st->db, text, -1, ret, NULL);
	free(text);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "query");
	for (size_t i = 0; i < q->nseries && err == 0; i++)
		if ((rc = sqlite3_bind_int64(*ret, first + (int)i, q->series[i])) != SQLITE_OK)
			err = store_fail(st, rc, "query");
	if (err != 0)
		sqlite3_finalize(*ret);
	return err;
}

/*
 * The readings of the series in [?A, ?B): a condition on sample s.  From
 * schema 3 on, sample_index up to indexed_through and the readings after it
 * (a scan by seq: the + keeps SQLite from using the time index instead).
 */
#define RANGE_V2(A, B)	"s.series IN (@SERIES@) AND s.time_ms >= ?" A " AND s.time_ms < ?" B
#define RANGE_V3(A, B)	"s.seq IN (SELECT seq FROM sample_index WHERE series IN (@SERIES@)" \
	" AND time_ms >= ?" A " AND time_ms < ?" B " UNION ALL SELECT seq FROM sample" \
	" WHERE seq > (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'indexed_through')" \
	" AND +series IN (@SERIES@) AND +time_ms >= ?" A " AND +time_ms < ?" B ")"

int
store_query(struct store *st, const struct store_range *q, store_row_fn fn, void *arg)
{
#define QUERY_SQL(RANGE) \
	    "SELECT s.seq, s.time_ms, r.station, r.device, r.point, r.unit, s.value, s.quality" \
	    " FROM sample s JOIN series r ON r.id = s.series" \
	    " WHERE " RANGE \
	    " ORDER BY s.time_ms, r.station, r.device, r.point, r.unit, s.seq"
	const char *sql = st->version >= 3 ? QUERY_SQL(RANGE_V3("1", "2")) :
	    QUERY_SQL(RANGE_V2("1", "2"));
#undef QUERY_SQL
	struct store_row row;
	sqlite3_stmt *s;
	int rc, err;

	if (q->nseries == 0 || q->from_ms >= q->to_ms)
		return 0;
	if ((err = prepare_range(st, sql, q, 3, &s)) != 0)
		return err;
	sqlite3_bind_int64(s, 1, q->from_ms);
	sqlite3_bind_int64(s, 2, q->to_ms);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((err = fill_row(st, s, &row)) != 0 || (err = fn(arg, &row)) != 0)
			break;
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = store_fail(st, rc, "query");
	sqlite3_finalize(s);
	return err;
}

int
store_aggregate(struct store *st, const struct store_range *q, int64_t every_ms,
    store_bucket_fn fn, void *arg)
{
	/*
	 * The bucket is time_ms floored to a multiple of every (also before
	 * 1970, where % truncates towards zero).  v is the value where it
	 * counts, else NULL, which count(), avg(), min() and max() skip.
	 */
#define AGGREGATE_SQL(RANGE) \
	    "SELECT b, sid, r.station, r.device, r.point, r.unit," \
	    "  count(v), avg(v), min(v), max(v)," \
	    "  sum(q = 0), sum(q = 1), sum(q = 2), sum(q = 3), sum(q = 4)" \
	    " FROM (SELECT s.series AS sid, s.time_ms - (s.time_ms % ?1 + ?1) % ?1 AS b," \
	    "    CASE WHEN s.quality IN (0, 1) THEN s.value END AS v, s.quality AS q" \
	    "  FROM sample s" \
	    "  WHERE " RANGE ")" \
	    " JOIN series r ON r.id = sid" \
	    " GROUP BY b, sid" \
	    " ORDER BY b, r.station, r.device, r.point, r.unit"
	const char *sql = st->version >= 3 ? AGGREGATE_SQL(RANGE_V3("2", "3")) :
	    AGGREGATE_SQL(RANGE_V2("2", "3"));
#undef AGGREGATE_SQL
	struct store_bucket b;
	sqlite3_stmt *s;
	int rc, err;

	if (every_ms <= 0)
		return store_failmsg(st, -EINVAL, "aggregate: the bucket length must be positive");
	if (every_ms > INT64_MAX / 4)
		return store_failmsg(st, -ERANGE, "aggregate: the bucket length is too large");
	if (q->nseries == 0 || q->from_ms >= q->to_ms)
		return 0;
	if ((err = prepare_range(st, sql, q, 4, &s)) != 0)
		return err;
	sqlite3_bind_int64(s, 1, every_ms);
	sqlite3_bind_int64(s, 2, q->from_ms);
	sqlite3_bind_int64(s, 3, q->to_ms);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&b, 0, sizeof(b));
		b.start_ms = sqlite3_column_int64(s, 0);
		b.series.id = sqlite3_column_int64(s, 1);
		store_column_text(s, 2, b.series.station, sizeof(b.series.station));
		store_column_text(s, 3, b.series.device, sizeof(b.series.device));
		store_column_text(s, 4, b.series.point, sizeof(b.series.point));
		store_column_text(s, 5, b.series.unit, sizeof(b.series.unit));
		b.count = sqlite3_column_int64(s, 6);
		if (b.count > 0) {
			b.mean = sqlite3_column_double(s, 7);
			b.min = sqlite3_column_double(s, 8);
			b.max = sqlite3_column_double(s, 9);
		}
		for (int i = 0; i < STORE_NQUALITY; i++)
			b.nquality[i] = sqlite3_column_int64(s, 10 + i);
		if ((err = fn(arg, &b)) != 0)
			break;
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = store_fail(st, rc, "aggregate");
	sqlite3_finalize(s);
	return err;
}
