/* SPDX-License-Identifier: MIT */
/*
 * Alerts in the store (see store.h): the journal of transitions
 * (alert_event), the current state of each alert (alert_state), maintenance
 * set at run time and what each notifier last said about each alert.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store_impl.h"

enum alert_stmt {
	AS_EVENT_ADD = STORE_SLOT_ALERT,
	AS_STATE_SET,
	AS_STATE_EACH,
	AS_STATE_GET,
	AS_STATE_DEL,
	AS_READ_AFTER,
	AS_MAINT_SET,
	AS_MAINT_DEL,
	AS_MAINT_EACH,
	AS_NOTIFIED_GET,
	AS_NOTIFIED_SET,
	AS_END
};
_Static_assert(AS_END <= STORE_STMT_MAX, "too many kept statements");

#define STATE_COLUMNS "id, device, point, kind, severity, since_ms, value, limit_value," \
	" message, acked_by, acked_ms, note, seq"

static const char *const sql[] = {
	[AS_EVENT_ADD - STORE_SLOT_ALERT] = "INSERT INTO alert_event (time_ms, station, device,"
	    " point, kind, severity, transition, value, limit_value, message, previous, acked_by,"
	    " note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[AS_STATE_SET - STORE_SLOT_ALERT] = "INSERT INTO alert_state (" STATE_COLUMNS ")"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
	    " ON CONFLICT (id) DO UPDATE SET device = excluded.device, point = excluded.point,"
	    " kind = excluded.kind, severity = excluded.severity, since_ms = excluded.since_ms,"
	    " value = excluded.value, limit_value = excluded.limit_value,"
	    " message = excluded.message, acked_by = excluded.acked_by,"
	    " acked_ms = excluded.acked_ms, note = excluded.note, seq = excluded.seq",
	[AS_STATE_EACH - STORE_SLOT_ALERT] = "SELECT " STATE_COLUMNS " FROM alert_state ORDER BY id",
	[AS_STATE_GET - STORE_SLOT_ALERT] = "SELECT " STATE_COLUMNS " FROM alert_state WHERE id = ?1",
	[AS_STATE_DEL - STORE_SLOT_ALERT] = "DELETE FROM alert_state WHERE id = ?1",
	[AS_READ_AFTER - STORE_SLOT_ALERT] = "SELECT seq, time_ms, station, device, point, kind,"
	    " previous, severity, transition, value, limit_value, message, acked_by, note"
	    " FROM alert_event WHERE seq > ?1 ORDER BY seq LIMIT ?2",
	[AS_MAINT_SET - STORE_SLOT_ALERT] = "INSERT INTO maintenance (device, until_ms, set_by)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (device) DO UPDATE SET until_ms = excluded.until_ms,"
	    " set_by = excluded.set_by",
	[AS_MAINT_DEL - STORE_SLOT_ALERT] = "DELETE FROM maintenance WHERE device = ?1",
	[AS_MAINT_EACH - STORE_SLOT_ALERT] = "SELECT device, until_ms, set_by FROM maintenance"
	    " ORDER BY device",
	[AS_NOTIFIED_GET - STORE_SLOT_ALERT] = "SELECT last_ms, severity FROM notify_state"
	    " WHERE notifier = ?1 AND alert = ?2",
	[AS_NOTIFIED_SET - STORE_SLOT_ALERT] = "INSERT INTO notify_state (notifier, alert, last_ms,"
	    " severity) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (notifier, alert) DO UPDATE"
	    " SET last_ms = excluded.last_ms, severity = excluded.severity",
};

static sqlite3_stmt *
prepared(struct store *st, enum alert_stmt id, int *err)
{
	return store_prepared(st, (int)id, sql[id - STORE_SLOT_ALERT], err);
}

/* Bind text, or NULL for an empty string when empty_is_null. */
static void
bind_text(sqlite3_stmt *s, int col, const char *t, bool empty_is_null)
{
	if (t == NULL || (empty_is_null && t[0] == '\0'))
		sqlite3_bind_null(s, col);
	else
		sqlite3_bind_text(s, col, t, -1, SQLITE_TRANSIENT);
}

static void
bind_number(sqlite3_stmt *s, int col, bool has, double v)
{
	if (has && isfinite(v))
		sqlite3_bind_double(s, col, v);
	else
		sqlite3_bind_null(s, col);
}

/* A name column as its enum; -EBADMSG (and a message) for one the store should not hold. */
static int
column_word(struct store *st, sqlite3_stmt *s, int col, int (*parse)(const char *, int *),
    int *ret)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	if (t == NULL || parse((const char *)t, ret) != 0) {
		snprintf(st->errmsg, sizeof(st->errmsg), "an alert row holds '%s' as %s",
		    t != NULL ? (const char *)t : "NULL", sqlite3_column_name(s, col));
		return -EBADMSG;
	}
	return 0;
}

/* The alertdef parsers, with an int result for column_word. */
static int
parse_kind(const char *t, int *ret)
{
	enum alert_kind v = ALERT_VALUE;
	int rc = alert_kind_parse(t, &v);

	*ret = (int)v;
	return rc;
}

static int
parse_sev(const char *t, int *ret)
{
	enum alert_severity v = ALERT_OK;
	int rc = alert_severity_parse(t, &v);

	*ret = (int)v;
	return rc;
}

static int
parse_tr(const char *t, int *ret)
{
	enum alert_transition v = ALERT_RAISED;
	int rc = alert_transition_parse(t, &v);

	*ret = (int)v;
	return rc;
}

int
store_alert_id(char *buf, size_t len, const char *device, const char *point, enum alert_kind kind)
{
	const char *k = alert_kind_name(kind);
	int n;

	if (k == NULL)
		return -EINVAL;
	if (point == NULL || point[0] == '\0')
		n = snprintf(buf, len, "%s/%s", device, k);
	else
		n = snprintf(buf, len, "%s.%s/%s", device, point, k);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int
add_event(struct store *st, const struct store_alert_event *e)
{
	sqlite3_stmt *s;
	int err = 0, rc;

	if ((s = prepared(st, AS_EVENT_ADD, &err)) == NULL)
		return err;
	sqlite3_bind_int64(s, 1, e->time_ms);
	bind_text(s, 2, e->station, false);
	bind_text(s, 3, e->device, false);
	bind_text(s, 4, e->point, true);
	bind_text(s, 5, alert_kind_name(e->kind), false);
	bind_text(s, 6, alert_severity_name(e->to), false);
	bind_text(s, 7, alert_transition_name(e->transition), false);
	bind_number(s, 8, e->has_value, e->value);
	bind_number(s, 9, e->has_limit, e->limit);
	bind_text(s, 10, e->message, false);
	bind_text(s, 11, alert_severity_name(e->from), false);
	bind_text(s, 12, e->by, true);
	bind_text(s, 13, e->note, true);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "journaling an alert event");
}

static int
set_state(struct store *st, const struct store_alert *a)
{
	sqlite3_stmt *s;
	int err = 0, rc;

	if ((s = prepared(st, AS_STATE_SET, &err)) == NULL)
		return err;
	bind_text(s, 1, a->id, false);
	bind_text(s, 2, a->device, false);
	bind_text(s, 3, a->point, true);
	bind_text(s, 4, alert_kind_name(a->kind), false);
	bind_text(s, 5, alert_severity_name(a->severity), false);
	sqlite3_bind_int64(s, 6, a->since_ms);
	bind_number(s, 7, a->has_value, a->value);
	bind_number(s, 8, a->has_limit, a->limit);
	bind_text(s, 9, a->message, false);
	bind_text(s, 10, a->acked ? a->acked_by : NULL, false);
	if (a->acked)
		sqlite3_bind_int64(s, 11, a->acked_ms);
	else
		sqlite3_bind_null(s, 11);
	bind_text(s, 12, a->note, true);
	sqlite3_bind_int64(s, 13, a->seq);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "saving an alert state");
}

int
store_alert_record(struct store *st, struct store_alert_event *events, struct store_alert *states,
    size_t n)
{
	int err;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (alert_kind_name(events[i].kind) == NULL ||
		    alert_severity_name(events[i].to) == NULL ||
		    alert_severity_name(events[i].from) == NULL ||
		    alert_transition_name(events[i].transition) == NULL ||
		    alert_severity_name(states[i].severity) == NULL ||
		    alert_kind_name(states[i].kind) == NULL)
			return store_failmsg(st, -EINVAL, "alert record: an unknown kind, severity or transition");
	if ((err = store_exec(st, "BEGIN IMMEDIATE", "alert record: starting a transaction")) != 0)
		return store_rollback(st, err);
	for (size_t i = 0; i < n; i++) {
		if ((err = add_event(st, &events[i])) != 0)
			return store_rollback(st, err);
		events[i].seq = sqlite3_last_insert_rowid(st->db);
		states[i].seq = events[i].seq;
		if ((err = set_state(st, &states[i])) != 0)
			return store_rollback(st, err);
	}
	return store_commit(st);
}

/* Fill a state from the STATE_COLUMNS of a row. */
static int
fill_state(struct store *st, sqlite3_stmt *s, struct store_alert *a)
{
	int kind, sev, err;

	memset(a, 0, sizeof(*a));
	store_column_text(s, 0, a->id, sizeof(a->id));
	store_column_text(s, 1, a->device, sizeof(a->device));
	store_column_text(s, 2, a->point, sizeof(a->point));
	if ((err = column_word(st, s, 3, parse_kind, &kind)) != 0 ||
	    (err = column_word(st, s, 4, parse_sev, &sev)) != 0)
		return err;
	a->kind = (enum alert_kind)kind;
	a->severity = (enum alert_severity)sev;
	a->since_ms = sqlite3_column_int64(s, 5);
	a->has_value = sqlite3_column_type(s, 6) != SQLITE_NULL;
	a->value = a->has_value ? sqlite3_column_double(s, 6) : 0.0;
	a->has_limit = sqlite3_column_type(s, 7) != SQLITE_NULL;
	a->limit = a->has_limit ? sqlite3_column_double(s, 7) : 0.0;
	store_column_text(s, 8, a->message, sizeof(a->message));
	a->acked = sqlite3_column_type(s, 9) != SQLITE_NULL;
	store_column_text(s, 9, a->acked_by, sizeof(a->acked_by));
	a->acked_ms = sqlite3_column_int64(s, 10);
	store_column_text(s, 11, a->note, sizeof(a->note));
	a->seq = sqlite3_column_int64(s, 12);
	return 0;
}

int
store_alert_each(struct store *st, store_alert_fn fn, void *arg)
{
	struct store_alert a;
	sqlite3_stmt *s;
	int err = 0, rc;

	if ((s = prepared(st, AS_STATE_EACH, &err)) == NULL)
		return err;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((err = fill_state(st, s, &a)) != 0 || (err = fn(arg, &a)) != 0) {
			sqlite3_reset(s);
			return err;
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading the alert states");
}

int
store_alert_get(struct store *st, const char *id, struct store_alert *ret)
{
	sqlite3_stmt *s;
	int err = 0, rc;

	if ((s = prepared(st, AS_STATE_GET, &err)) == NULL)
		return err;
	bind_text(s, 1, id, false);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		err = fill_state(st, s, ret);
	else if (rc == SQLITE_DONE)
		err = -ENOENT;
	else
		err = store_fail(st, rc, "reading an alert state");
	sqlite3_reset(s);
	return err;
}

/* Run a one-statement change in autocommit; what names it in a message. */
static int
step_change(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, what);
}

int
store_alert_forget(struct store *st, const char *id)
{
	sqlite3_stmt *s;
	int err = 0;

	if ((s = prepared(st, AS_STATE_DEL, &err)) == NULL)
		return err;
	bind_text(s, 1, id, false);
	return step_change(st, s, "forgetting an alert");
}

static int
fill_event(struct store *st, sqlite3_stmt *s, struct store_alert_event *e)
{
	int kind, from, to, tr, err;

	memset(e, 0, sizeof(*e));
	e->seq = sqlite3_column_int64(s, 0);
	e->time_ms = sqlite3_column_int64(s, 1);
	store_column_text(s, 2, e->station, sizeof(e->station));
	store_column_text(s, 3, e->device, sizeof(e->device));
	store_column_text(s, 4, e->point, sizeof(e->point));
	if ((err = column_word(st, s, 5, parse_kind, &kind)) != 0 ||
	    (err = column_word(st, s, 7, parse_sev, &to)) != 0 ||
	    (err = column_word(st, s, 8, parse_tr, &tr)) != 0)
		return err;
	/* Events journaled before version 2 have no previous severity. */
	if (sqlite3_column_type(s, 6) == SQLITE_NULL)
		from = ALERT_UNKNOWN;
	else if ((err = column_word(st, s, 6, parse_sev, &from)) != 0)
		return err;
	e->kind = (enum alert_kind)kind;
	e->from = (enum alert_severity)from;
	e->to = (enum alert_severity)to;
	e->transition = (enum alert_transition)tr;
	e->has_value = sqlite3_column_type(s, 9) != SQLITE_NULL;
	e->value = e->has_value ? sqlite3_column_double(s, 9) : 0.0;
	e->has_limit = sqlite3_column_type(s, 10) != SQLITE_NULL;
	e->limit = e->has_limit ? sqlite3_column_double(s, 10) : 0.0;
	store_column_text(s, 11, e->message, sizeof(e->message));
	store_column_text(s, 12, e->by, sizeof(e->by));
	store_column_text(s, 13, e->note, sizeof(e->note));
	return store_alert_id(e->id, sizeof(e->id), e->device, e->point, e->kind) == 0 ? 0 :
	    store_failmsg(st, -EBADMSG, "an alert event with names too long for an id");
}

int
store_alert_read_after(struct store *st, int64_t after, struct store_alert_event *ev, size_t max)
{
	sqlite3_stmt *s;
	size_t n = 0;
	int err = 0, rc;

	if (max == 0)
		return 0;
	if (max > INT_MAX)
		max = INT_MAX;
	if ((s = prepared(st, AS_READ_AFTER, &err)) == NULL)
		return err;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((err = fill_event(st, s, &ev[n])) != 0) {
			sqlite3_reset(s);
			return err;
		}
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "reading the alert journal");
	return (int)n;
}

int
store_maint_set(struct store *st, const char *device, int64_t until_ms, const char *by)
{
	sqlite3_stmt *s;
	int err = 0;

	if (until_ms == 0) {
		if ((s = prepared(st, AS_MAINT_DEL, &err)) == NULL)
			return err;
		bind_text(s, 1, device, false);
		return step_change(st, s, "ending maintenance");
	}
	if ((s = prepared(st, AS_MAINT_SET, &err)) == NULL)
		return err;
	bind_text(s, 1, device, false);
	sqlite3_bind_int64(s, 2, until_ms);
	bind_text(s, 3, by != NULL ? by : "", false);
	return step_change(st, s, "setting maintenance");
}

int
store_maint_each(struct store *st, store_maint_fn fn, void *arg)
{
	char device[LW_NAME_MAX], by[STORE_WHO_MAX];
	sqlite3_stmt *s;
	int err = 0, rc;

	if ((s = prepared(st, AS_MAINT_EACH, &err)) == NULL)
		return err;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_column_text(s, 0, device, sizeof(device));
		store_column_text(s, 2, by, sizeof(by));
		if ((err = fn(arg, device, sqlite3_column_int64(s, 1), by)) != 0) {
			sqlite3_reset(s);
			return err;
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading maintenance");
}

int
store_notified_get(struct store *st, const char *notifier, const char *alert,
    struct store_notified *ret)
{
	sqlite3_stmt *s;
	int err = 0, rc, sev = 0;

	if ((s = prepared(st, AS_NOTIFIED_GET, &err)) == NULL)
		return err;
	bind_text(s, 1, notifier, false);
	bind_text(s, 2, alert, false);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		ret->last_ms = sqlite3_column_int64(s, 0);
		err = column_word(st, s, 1, parse_sev, &sev);
		ret->severity = (enum alert_severity)sev;
	} else {
		err = rc == SQLITE_DONE ? -ENOENT : store_fail(st, rc, "reading a notifier's memory");
	}
	sqlite3_reset(s);
	return err;
}

int
store_notified_set(struct store *st, const char *notifier, const char *alert,
    const struct store_notified *n)
{
	sqlite3_stmt *s;
	int err = 0;

	if (alert_severity_name(n->severity) == NULL)
		return store_failmsg(st, -EINVAL, "notifier memory: an unknown severity");
	if ((s = prepared(st, AS_NOTIFIED_SET, &err)) == NULL)
		return err;
	bind_text(s, 1, notifier, false);
	bind_text(s, 2, alert, false);
	sqlite3_bind_int64(s, 3, n->last_ms);
	bind_text(s, 4, alert_severity_name(n->severity), false);
	return step_change(st, s, "saving a notifier's memory");
}
