/* SPDX-License-Identifier: MIT */
/*
 * The local store: an SQLite database in WAL mode that is both the station's
 * time-series store and the journal the forwarders read from by cursor.
 * Researchers read it through the documented `readings` view.
 *
 * One struct store is one connection and belongs to one thread.  The daemon's
 * core thread owns the writing connection; each forwarder and each CLI run
 * opens its own.  Functions return 0 or a negative errno and never log; the
 * SQLite message of the last failure is in store_errmsg().
 */
#ifndef LW_STORE_H
#define LW_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertdef.h"
#include "reading.h"

struct store;

enum store_mode {
	STORE_READ_WRITE,	/* creates the file and schema if needed */
	STORE_READ_ONLY,	/* fails with -ENOENT if the file does not exist */
};

/* One row of the journal, in commit order. */
struct store_row {
	int64_t			 seq;		/* increasing, never reused */
	char			 station[LW_NAME_MAX];
	struct lw_reading	 r;
};

/*
 * Open (and for writing, create and migrate) the database at path.  Besides
 * the errno of the system call that failed: -EBADMSG for a file that is not
 * an SQLite database or is damaged (SQLITE_NOTADB, SQLITE_CORRUPT), -EINVAL
 * for an SQLite database that is not a lakewatch store, -ENOTSUP for a store
 * written by a newer lakewatch, -EBUSY when another connection held a lock
 * past the busy timeout.
 */
int		 store_open(const char *path, enum store_mode, struct store **ret);
/* The same, with the reason for a failure in err (which may be NULL). */
int		 store_open_err(const char *path, enum store_mode, struct store **ret,
		     char *err, size_t errlen);
void		 store_close(struct store *);
const char	*store_errmsg(const struct store *);

/*
 * How long a statement waits for another connection's lock before failing
 * with -EBUSY (STORE_BUSY_TIMEOUT_MS after store_open).
 */
#define STORE_BUSY_TIMEOUT_MS	5000
void		 store_set_busy_timeout(struct store *, int ms);

/*
 * Upkeep a writer does after a commit, once the readers have been told of
 * it, so that neither part delays them: the readings waiting for the
 * per-series index go there once enough wait (a transaction of its own),
 * and on a connection given store_own_checkpoints the WAL is checkpointed
 * once it has grown long (SQLite would do that at the end of the commit).
 * Queries are right without it, only slower.  0 or -errno.
 */
int		 store_upkeep(struct store *);
void		 store_own_checkpoints(struct store *);

/* Append n readings of a station in one transaction. */
int		 store_append(struct store *, const char *station,
		     const struct lw_reading *, size_t n);

/*
 * What a prune or trim deleted: every reading, and of those the ones no
 * forwarder had sent yet (seq above the `forwarded` position the caller
 * gives: the lowest cursor of the forwarders it runs, INT64_MAX for none).
 */
struct store_drop {
	int64_t		 deleted;
	int64_t		 unforwarded;
};

/* Delete readings older than before_ms, in chunks; ret may be NULL. */
int		 store_prune(struct store *, int64_t before_ms, int64_t forwarded,
		     struct store_drop *ret);

/*
 * Delete the oldest readings (lowest seq first: forwarded ones go before
 * unforwarded ones) until the pages in use take at most target_bytes, or no
 * reading is left.  ret may be NULL.
 */
int		 store_trim(struct store *, int64_t target_bytes, int64_t forwarded,
		     struct store_drop *ret);

/* Bytes of the database file in use (free pages, reused by later writes, not counted). */
int		 store_size(struct store *, int64_t *ret_bytes);

/* The highest seq ever given to a reading (0 for none), pruned ones included. */
int		 store_last_seq(struct store *, int64_t *ret_seq);

/* Up to max rows with seq > after, in order; returns how many, or -errno. */
int		 store_read_after(struct store *, int64_t after, struct store_row *rows, size_t max);

/* A forwarder's persisted position (0 if it never stored one). */
int		 store_cursor_get(struct store *, const char *name, int64_t *ret_seq);
int		 store_cursor_set(struct store *, const char *name, int64_t seq);
/*
 * The same, but only if the write lock is free now: -EBUSY at once while
 * another connection (the core, committing) holds it.  For a forwarder,
 * whose network loop must not stop to wait for a busy store; the next try
 * covers it.
 */
int		 store_cursor_try_set(struct store *, const char *name, int64_t seq);

/*
 * Queries for the tools.  Each runs one statement and hands its rows to a
 * callback, one at a time, so no result is ever held whole in memory.  A
 * callback returns 0 to go on; anything else stops the query, and the query
 * returns that value.  A query holds a read snapshot while it runs (it never
 * blocks the writer, but keep callbacks quick).
 */

/* A series: one point of one station, in one unit. */
struct store_series {
	int64_t			 id;
	char			 station[LW_NAME_MAX];
	char			 device[LW_NAME_MAX];
	char			 point[LW_NAME_MAX];
	char			 unit[LW_UNIT_MAX];
};

typedef int	(*store_series_fn)(void *arg, const struct store_series *);

/* Every series in the store, by station, device, point and unit. */
int		 store_series_each(struct store *, store_series_fn, void *arg);

/* Which readings a query reads: those of the listed series in [from, to). */
struct store_range {
	const int64_t		*series;	/* store_series.id; none listed: no rows */
	size_t			 nseries;
	int64_t			 from_ms;	/* inclusive */
	int64_t			 to_ms;		/* exclusive */
};

typedef int	(*store_row_fn)(void *arg, const struct store_row *);

/* The readings in range, by time, then station, device, point, unit. */
int		 store_query(struct store *, const struct store_range *,
		     store_row_fn, void *arg);

#define STORE_NQUALITY	(LW_Q_MAINTENANCE + 1)

/*
 * One series over one bucket of time.  Buckets are every_ms long and aligned
 * to multiples of every_ms since the epoch (UTC), so hourly buckets start on
 * the hour; the first and last are cut to the range.  The statistics take
 * the values of quality good or suspect only: bad values are invalid,
 * missing readings have none, and maintenance values (cleaning, calibration)
 * do not describe the lake.  Suspect values are kept because at a hypersaline
 * lake they are often real (salinity beyond the PSS-78 range, say).
 */
struct store_bucket {
	int64_t			 start_ms;
	struct store_series	 series;
	int64_t			 count;			/* values in the statistics */
	double			 mean;			/* mean, min, max: only when count > 0 */
	double			 min;
	double			 max;
	int64_t			 nquality[STORE_NQUALITY];	/* readings of each quality */
};

typedef int	(*store_bucket_fn)(void *arg, const struct store_bucket *);

/*
 * The buckets of range that hold at least one reading (of any quality), by
 * start, then station, device, point, unit.  Computed in SQL.  -EINVAL if
 * every_ms is not positive, -ERANGE if it is absurdly large.
 */
int		 store_aggregate(struct store *, const struct store_range *, int64_t every_ms,
		     store_bucket_fn, void *arg);

/*
 * Alerts (store_alert.c).  An alert is one kind watched on one point, or on
 * a device for comm; its id is "DEVICE.POINT/KIND" ("sonde.ph/value") or
 * "DEVICE/comm".  Its current state lives in alert_state; every change of
 * it is an event in the journal (alert_event, the alert_events view), which
 * the forwarders and notifiers read after their own cursors, like readings.
 */
#define STORE_ALERT_ID_MAX	(2 * LW_NAME_MAX + 16)
#define STORE_TEXT_MAX		256
#define STORE_WHO_MAX		64

struct store_alert {
	char			 id[STORE_ALERT_ID_MAX];
	char			 device[LW_NAME_MAX];
	char			 point[LW_NAME_MAX];	/* "" for a device's comm alert */
	enum alert_kind		 kind;
	enum alert_severity	 severity;
	int64_t			 since_ms;
	bool			 has_value;
	double			 value;
	bool			 has_limit;
	double			 limit;
	char			 message[STORE_TEXT_MAX];
	bool			 acked;
	char			 acked_by[STORE_WHO_MAX];
	int64_t			 acked_ms;
	char			 note[STORE_TEXT_MAX];
	int64_t			 seq;			/* of the event that left it so */
};

struct store_alert_event {
	int64_t			 seq;			/* given by store_alert_record */
	int64_t			 time_ms;
	char			 station[LW_NAME_MAX];
	char			 id[STORE_ALERT_ID_MAX];
	char			 device[LW_NAME_MAX];
	char			 point[LW_NAME_MAX];	/* "" for comm */
	enum alert_kind		 kind;
	enum alert_severity	 from;
	enum alert_severity	 to;
	enum alert_transition	 transition;
	bool			 has_value;
	double			 value;
	bool			 has_limit;
	double			 limit;
	char			 message[STORE_TEXT_MAX];
	char			 by[STORE_WHO_MAX];	/* an acknowledgement's: who */
	char			 note[STORE_TEXT_MAX];	/* and why */
};

/* The id of an alert: "DEVICE.POINT/KIND", or "DEVICE/comm" when point is "" or NULL. */
int		 store_alert_id(char *buf, size_t len, const char *device, const char *point,
		     enum alert_kind);

/*
 * Journal n events and the states they leave their alerts in (states[i]
 * belongs to events[i]), in one transaction: an event is never published
 * without its state being saved, nor the other way round.  Sets each
 * events[i].seq, and states[i].seq to it.
 */
int		 store_alert_record(struct store *, struct store_alert_event *events,
		     struct store_alert *states, size_t n);

typedef int	(*store_alert_fn)(void *arg, const struct store_alert *);

/* Every alert state, by id; a callback that returns non-zero stops it. */
int		 store_alert_each(struct store *, store_alert_fn, void *arg);
/* One alert's state; -ENOENT when the store has none. */
int		 store_alert_get(struct store *, const char *id, struct store_alert *ret);
/* Drop the state of an alert the configuration no longer has (its events stay). */
int		 store_alert_forget(struct store *, const char *id);

/* Up to max events with seq > after, in order; how many, or -errno. */
int		 store_alert_read_after(struct store *, int64_t after,
		     struct store_alert_event *, size_t max);

/*
 * Maintenance set at run time (`lakewatch maintenance`): a device is in
 * maintenance until until_ms (INT64_MAX: until turned off); 0 removes it.
 */
#define STORE_MAINT_FOREVER	INT64_MAX
int		 store_maint_set(struct store *, const char *device, int64_t until_ms,
		     const char *by);
typedef int	(*store_maint_fn)(void *arg, const char *device, int64_t until_ms,
		     const char *by);
int		 store_maint_each(struct store *, store_maint_fn, void *arg);

/* What a notifier last said about an alert, and when. */
struct store_notified {
	int64_t			 last_ms;
	enum alert_severity	 severity;
};
/* -ENOENT when it never said anything about it. */
int		 store_notified_get(struct store *, const char *notifier, const char *alert,
		     struct store_notified *ret);
int		 store_notified_set(struct store *, const char *notifier, const char *alert,
		     const struct store_notified *);

#endif
