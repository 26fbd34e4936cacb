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

#endif
