/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the alert side of the store: ids; events journaled with the
 * states they leave, in one transaction, read back by cursor and through the
 * documented alert_events view; states listed, fetched and forgotten;
 * run-time maintenance; notifier memory; refusals.
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "tap.h"

static char dir[64];
static char path[128];

/* The rows of a query, columns joined by '|', rows by ';' (a static buffer). */
static const char *
rows(const char *q)
{
	static char out[4096];
	sqlite3 *db;
	sqlite3_stmt *s;
	size_t at = 0;

	out[0] = '\0';
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) {
		snprintf(out, sizeof(out), "ERROR: %s", sqlite3_errmsg(db));
		sqlite3_close(db);
		return out;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(s); c++) {
			const unsigned char *t = sqlite3_column_text(s, c);

			at += (size_t)snprintf(out + at, sizeof(out) - at, "%s%s", c ? "|" : "",
			    t != NULL ? (const char *)t : "NULL");
		}
		at += (size_t)snprintf(out + at, sizeof(out) - at, ";");
		if (at >= sizeof(out))
			break;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

static struct store_alert_event
event(int64_t t, const char *dev, const char *pt, enum alert_kind kind, enum alert_severity from,
    enum alert_severity to, double v, double limit, const char *msg)
{
	struct store_alert_event e;

	memset(&e, 0, sizeof(e));
	e.time_ms = t;
	snprintf(e.station, sizeof(e.station), "pp-06");
	snprintf(e.device, sizeof(e.device), "%s", dev);
	snprintf(e.point, sizeof(e.point), "%s", pt);
	store_alert_id(e.id, sizeof(e.id), dev, pt, kind);
	e.kind = kind;
	e.from = from;
	e.to = to;
	e.transition = alert_transition_between(from, to);
	e.has_value = !isnan(v);
	e.value = v;
	e.has_limit = !isnan(limit);
	e.limit = limit;
	snprintf(e.message, sizeof(e.message), "%s", msg);
	return e;
}

/* The state an event leaves its alert in. */
static struct store_alert
state_of(const struct store_alert_event *e)
{
	struct store_alert a;

	memset(&a, 0, sizeof(a));
	snprintf(a.id, sizeof(a.id), "%s", e->id);
	snprintf(a.device, sizeof(a.device), "%s", e->device);
	snprintf(a.point, sizeof(a.point), "%s", e->point);
	a.kind = e->kind;
	a.severity = e->to;
	a.since_ms = e->time_ms;
	a.has_value = e->has_value;
	a.value = e->value;
	a.has_limit = e->has_limit;
	a.limit = e->limit;
	snprintf(a.message, sizeof(a.message), "%s", e->message);
	return a;
}

static void
test_ids(void)
{
	char id[STORE_ALERT_ID_MAX], small[8];

	CHECK_EQ_INT(0, store_alert_id(id, sizeof(id), "sonde", "ph", ALERT_VALUE), "a point's id");
	CHECK_EQ_STR("sonde.ph/value", id, "DEVICE.POINT/KIND");
	CHECK_EQ_INT(0, store_alert_id(id, sizeof(id), "sonde", "", ALERT_COMM), "a device's id");
	CHECK_EQ_STR("sonde/comm", id, "DEVICE/comm");
	CHECK_EQ_INT(0, store_alert_id(id, sizeof(id), "sonde", NULL, ALERT_COMM), "NULL point");
	CHECK_EQ_STR("sonde/comm", id, "is a device's too");
	CHECK_EQ_INT(-ENAMETOOLONG, store_alert_id(small, sizeof(small), "sonde", "ph", ALERT_RATE),
	    "too long for the buffer");
	CHECK_EQ_INT(-EINVAL, store_alert_id(id, sizeof(id), "sonde", "ph", ALERT_NKINDS),
	    "an unknown kind");
}

static int
collect(void *arg, const struct store_alert *a)
{
	char *buf = arg;
	size_t n = strlen(buf);

	snprintf(buf + n, 1024 - n, "%s:%s%s;", a->id, alert_severity_name(a->severity),
	    a->acked ? "+acked" : "");
	return 0;
}

static int
stop_at_first(void *arg, const struct store_alert *a)
{
	(void)a;
	++*(int *)arg;
	return 42;
}

static void
test_journal(void)
{
	struct store *st;
	struct store_alert_event ev[3], back[8];
	struct store_alert states[3], got;
	char list[1024] = "";
	int n, calls = 0;

	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "open the store");
		return;
	}
	ev[0] = event(1000, "sonde", "ph", ALERT_VALUE, ALERT_OK, ALERT_WARNING, 9.31, 9.0,
	    "sonde.ph 9.31 [pH] above the warning limit 9 [pH]");
	ev[1] = event(1000, "sonde", "", ALERT_COMM, ALERT_OK, ALERT_CRITICAL, 5, 5,
	    "sonde: 5 polls in a row failed");
	ev[2] = event(2000, "level", "depth", ALERT_RATE, ALERT_OK, ALERT_UNKNOWN, NAN, NAN,
	    "level.depth: no data to judge (missing)");
	for (int i = 0; i < 3; i++)
		states[i] = state_of(&ev[i]);
	CHECK_EQ_INT(0, store_alert_record(st, ev, states, 3), "record three events");
	CHECK(ev[0].seq == 1 && ev[1].seq == 2 && ev[2].seq == 3, "seqs given in order");
	CHECK_EQ_INT(2, states[1].seq, "and the states know their event");
	CHECK_EQ_STR("1970-01-01T00:00:01.000Z|pp-06|sonde|ph|value|warning|raised|9.31|9.0|"
	    "sonde.ph 9.31 [pH] above the warning limit 9 [pH];"
	    "1970-01-01T00:00:01.000Z|pp-06|sonde|NULL|comm|critical|raised|5.0|5.0|"
	    "sonde: 5 polls in a row failed;"
	    "1970-01-01T00:00:02.000Z|pp-06|level|depth|rate|unknown|unknown|NULL|NULL|"
	    "level.depth: no data to judge (missing);",
	    rows("SELECT * FROM alert_events ORDER BY rowid"),
	    "the alert_events view shows them (a device's alert with no point)");

	n = store_alert_read_after(st, 0, back, 8);
	CHECK_EQ_INT(3, n, "read all after 0");
	CHECK_EQ_STR("sonde.ph/value", back[0].id, "the id is rebuilt from the names");
	CHECK_EQ_STR("sonde/comm", back[1].id, "also a device's");
	CHECK(back[0].from == ALERT_OK && back[0].to == ALERT_WARNING &&
	    back[0].transition == ALERT_RAISED, "from, to and transition come back");
	CHECK(back[0].has_value && back[0].value == 9.31 && back[0].has_limit &&
	    back[0].limit == 9.0, "value and limit come back");
	CHECK(!back[2].has_value && !back[2].has_limit, "none stays none");
	CHECK_EQ_INT(1, store_alert_read_after(st, 2, back, 8), "read after 2");
	CHECK_EQ_INT(3, back[0].seq, "gives 3");
	CHECK_EQ_INT(1, store_alert_read_after(st, 0, back, 1), "max is honoured");
	CHECK_EQ_INT(0, store_alert_read_after(st, 3, back, 8), "nothing after the last");

	/* An acknowledgement: an event and the state it leaves, acknowledged. */
	ev[0] = event(3000, "sonde", "ph", ALERT_VALUE, ALERT_WARNING, ALERT_WARNING, 9.31, 9.0,
	    "acknowledged");
	ev[0].transition = ALERT_ACKNOWLEDGED;
	snprintf(ev[0].by, sizeof(ev[0].by), "maria");
	snprintf(ev[0].note, sizeof(ev[0].note), "cleaning the probe");
	states[0] = state_of(&ev[0]);
	states[0].since_ms = 1000;
	states[0].acked = true;
	snprintf(states[0].acked_by, sizeof(states[0].acked_by), "maria");
	states[0].acked_ms = 3000;
	snprintf(states[0].note, sizeof(states[0].note), "cleaning the probe");
	CHECK_EQ_INT(0, store_alert_record(st, ev, states, 1), "record an acknowledgement");
	CHECK_EQ_STR("acknowledged|maria|cleaning the probe|warning;",
	    rows("SELECT transition, acked_by, note, previous FROM alert_event WHERE seq = 4"),
	    "who and why are journaled");
	CHECK_EQ_INT(0, store_alert_get(st, "sonde.ph/value", &got), "get a state");
	CHECK(got.acked && strcmp(got.acked_by, "maria") == 0 && got.acked_ms == 3000 &&
	    strcmp(got.note, "cleaning the probe") == 0 && got.since_ms == 1000 && got.seq == 4,
	    "an acknowledged state comes back whole");
	CHECK_EQ_INT(-ENOENT, store_alert_get(st, "nope/value", &got), "no such alert");

	CHECK_EQ_INT(0, store_alert_each(st, collect, list), "list the states");
	CHECK_EQ_STR("level.depth/rate:unknown;sonde.ph/value:warning+acked;sonde/comm:critical;",
	    list, "by id, each once");
	CHECK_EQ_INT(42, store_alert_each(st, stop_at_first, &calls), "a callback stops the list");
	CHECK_EQ_INT(1, calls, "after one state");
	CHECK_EQ_INT(0, store_alert_forget(st, "level.depth/rate"), "forget one");
	list[0] = '\0';
	store_alert_each(st, collect, list);
	CHECK_EQ_STR("sonde.ph/value:warning+acked;sonde/comm:critical;", list, "it is gone");
	CHECK_EQ_STR("4;", rows("SELECT count(*) FROM alert_event"), "its events stay");

	/* Refusals: nothing is written. */
	ev[0] = event(4000, "sonde", "ph", ALERT_VALUE, ALERT_OK, ALERT_WARNING, 1, 1, "x");
	states[0] = state_of(&ev[0]);
	ev[0].kind = ALERT_NKINDS;
	CHECK_EQ_INT(-EINVAL, store_alert_record(st, ev, states, 1), "an unknown kind is refused");
	ev[0].kind = ALERT_VALUE;
	states[0].severity = (enum alert_severity)9;
	CHECK_EQ_INT(-EINVAL, store_alert_record(st, ev, states, 1), "an unknown severity is refused");
	CHECK_EQ_STR("4;", rows("SELECT count(*) FROM alert_event"), "and nothing was journaled");
	CHECK_EQ_INT(0, store_alert_record(st, ev, states, 0), "recording nothing is fine");
	store_close(st);
}

static int
list_maint(void *arg, const char *device, int64_t until, const char *by)
{
	char *buf = arg;
	size_t n = strlen(buf);

	snprintf(buf + n, 512 - n, "%s:%s:%s;", device,
	    until == STORE_MAINT_FOREVER ? "forever" : until == 7200000 ? "2h" : "?", by);
	return 0;
}

static void
test_maint_and_notified(void)
{
	struct store *st;
	struct store_notified nf;
	char list[512] = "";

	if (store_open(path, STORE_READ_WRITE, &st) != 0) {
		CHECK(0, "open the store");
		return;
	}
	CHECK_EQ_INT(0, store_maint_set(st, "sonde", 7200000, "maria"), "maintenance for 2 h");
	CHECK_EQ_INT(0, store_maint_set(st, "level", STORE_MAINT_FOREVER, ""), "and until off");
	CHECK_EQ_INT(0, store_maint_each(st, list_maint, list), "list maintenance");
	CHECK_EQ_STR("level:forever:;sonde:2h:maria;", list, "both, by device");
	CHECK_EQ_INT(0, store_maint_set(st, "level", 0, "maria"), "0 ends it");
	list[0] = '\0';
	store_maint_each(st, list_maint, list);
	CHECK_EQ_STR("sonde:2h:maria;", list, "one left");
	CHECK_EQ_INT(0, store_maint_set(st, "nobody", 0, ""), "ending none is fine");

	CHECK_EQ_INT(-ENOENT, store_notified_get(st, "sms", "sonde.ph/value", &nf),
	    "a notifier that said nothing yet");
	nf = (struct store_notified){ 5000, ALERT_CRITICAL };
	CHECK_EQ_INT(0, store_notified_set(st, "sms", "sonde.ph/value", &nf), "remember");
	nf = (struct store_notified){ 6000, ALERT_WARNING };
	CHECK_EQ_INT(0, store_notified_set(st, "mail", "sonde.ph/value", &nf), "another notifier");
	CHECK(store_notified_get(st, "sms", "sonde.ph/value", &nf) == 0 && nf.last_ms == 5000 &&
	    nf.severity == ALERT_CRITICAL, "each notifier has its own memory");
	nf = (struct store_notified){ 7000, ALERT_OK };
	store_notified_set(st, "sms", "sonde.ph/value", &nf);
	CHECK(store_notified_get(st, "sms", "sonde.ph/value", &nf) == 0 && nf.last_ms == 7000 &&
	    nf.severity == ALERT_OK, "and it is replaced");
	nf.severity = (enum alert_severity)7;
	CHECK_EQ_INT(-EINVAL, store_notified_set(st, "sms", "x", &nf), "an unknown severity");
	store_close(st);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/lw-test-store-alert.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/lw.db", dir);
	test_ids();
	test_journal();
	test_maint_and_notified();
	static const char *const files[] = { "lw.db", "lw.db-wal", "lw.db-shm" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return tap_done();
}
