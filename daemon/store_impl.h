/* SPDX-License-Identifier: MIT */
/*
 * What the store's own files share (store.c: the connection, schema and
 * readings; store_alert.c: alerts, maintenance and notifier memory), and
 * nothing else includes.
 */
#ifndef LW_STORE_IMPL_H
#define LW_STORE_IMPL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define STORE_KEY_MAX		(3 * LW_NAME_MAX + LW_UNIT_MAX)
#define STORE_STMT_MAX		32	/* statements a connection keeps prepared */
#define STORE_SLOT_ALERT	16	/* store_alert.c's slots start here */

/*
 * The series ids this connection has seen, so an append looks a series up
 * in memory, not in the database.  Open addressing, linear probing; the key
 * is station, device, point and unit, each with its NUL.
 */
/* A slot of the series cache; key (owned, keylen bytes) is NULL in a free slot. */
struct series_ent {
	uint64_t	 hash;
	int64_t		 id;
	char		*key;
	size_t		 keylen;
};

struct store {
	sqlite3			*db;
	enum store_mode		 mode;
	sqlite3_stmt		*stmt[STORE_STMT_MAX];	/* by slot: store.c's, then store_alert.c's */
	struct series_ent	*cache;
	size_t			 cache_cap;	/* a power of two, or 0 */
	size_t			 cache_n;
	int			 busy_ms;	/* the busy timeout set */
	int			 version;	/* of the schema, once opened */
	bool			 own_checkpoints;	/* in store_upkeep, not SQLite's */
	int			 wal_frames;		/* after the last commit, if so */
	char			 errmsg[512];
};

/* Record "what: SQLite's message" and return the errno for rc. */
int	 store_fail(struct store *, int rc, const char *what);
/* Record a message of our own and return err. */
int	 store_failmsg(struct store *, int err, const char *what);
int	 store_exec(struct store *, const char *sql, const char *what);
/* The integer a one-row statement such as "PRAGMA user_version" returns. */
int	 store_query_int(struct store *, const char *sql, int64_t *ret);
/* Roll back after err, keeping err's message; returns err. */
int	 store_rollback(struct store *, int err);
/* Commit, or roll back and return the error. */
int	 store_commit(struct store *);
/* Copy a text column into a buffer of len bytes, cut if need be. */
void	 store_column_text(sqlite3_stmt *, int col, char *buf, size_t len);
/*
 * The statement in a slot (STORE_SLOT_ALERT and up for store_alert.c),
 * prepared from sql on first use, then reset and unbound; NULL and *err.
 */
sqlite3_stmt *store_prepared(struct store *, int slot, const char *sql, int *err);

#endif
