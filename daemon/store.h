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

/* Open (and for writing, create and migrate) the database at path. */
int		 store_open(const char *path, enum store_mode, struct store **ret);
void		 store_close(struct store *);
const char	*store_errmsg(const struct store *);

/* Append n readings of a station in one transaction. */
int		 store_append(struct store *, const char *station,
		     const struct lw_reading *, size_t n);

/* Delete readings older than before_ms; *ret_deleted may be NULL. */
int		 store_prune(struct store *, int64_t before_ms, int64_t *ret_deleted);

/* Up to max rows with seq > after, in order; returns how many, or -errno. */
int		 store_read_after(struct store *, int64_t after, struct store_row *rows, size_t max);

/* A forwarder's persisted position (0 if it never stored one). */
int		 store_cursor_get(struct store *, const char *name, int64_t *ret_seq);
int		 store_cursor_set(struct store *, const char *name, int64_t seq);

#endif
