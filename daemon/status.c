/* SPDX-License-Identifier: MIT */
/* The daemon's view of itself (see status.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "now.h"
#include "status.h"
#include "store.h"

#define STATUS_MAX_DEVICES	4096

static void
time_or_null(struct json_obj *o, const char *key, int64_t ms)
{
	if (ms > 0)
		json_obj_time(o, key, ms);
	else
		json_obj_str(o, key, NULL);
}

/* One bus: its state and its devices'. */
static int
bus_json(struct bus *b, struct strbuf *out, struct bus_device_status *st, size_t *up,
    size_t *total)
{
	size_t n = bus_status(b, st, STATUS_MAX_DEVICES);
	struct strbuf list;
	struct json_obj o;
	int rc;

	sb_init(&list);
	rc = sb_appendc(&list, '[');
	for (size_t i = 0; rc == 0 && i < n && i < STATUS_MAX_DEVICES; i++) {
		const struct bus_device_status *d = &st[i];
		const char *state = d->polls == 0 ? "starting" : d->maintenance ? "maintenance" :
		    d->failures > 0 ? "down" : "up";
		struct json_obj e;

		*up += d->polls > 0 && d->failures == 0;
		(*total)++;
		if (i > 0)
			rc = sb_appendc(&list, ',');
		json_obj_begin(&e, &list);
		json_obj_str(&e, "device", d->device);
		json_obj_num(&e, "unit", true, d->unit);
		json_obj_str(&e, "state", state);
		json_obj_num(&e, "interval_ms", true, (double)d->interval_ms);
		time_or_null(&e, "last_poll", d->last_poll_ms);
		time_or_null(&e, "last_good", d->last_good_ms);
		json_obj_num(&e, "failures", true, d->failures);
		json_obj_num(&e, "transactions", true, d->transactions);
		json_obj_num(&e, "latency_ms", true, (double)d->latency_ms);
		json_obj_num(&e, "polls", true, (double)d->polls);
		json_obj_num(&e, "failed_polls", true, (double)d->failed_polls);
		json_obj_num(&e, "timeouts", true, (double)d->timeouts);
		json_obj_num(&e, "exceptions", true, (double)d->exceptions);
		json_obj_num(&e, "frame_errors", true, (double)d->frame_errors);
		json_obj_num(&e, "link_errors", true, (double)d->link_errors);
		json_obj_num(&e, "bytes", true, (double)d->bytes);
		json_obj_str(&e, "last_error", d->failures > 0 ? d->last_error : NULL);
		if (rc == 0)
			rc = json_obj_end(&e);
	}
	if (rc == 0)
		rc = sb_appendc(&list, ']');
	if (rc == 0) {
		json_obj_begin(&o, out);
		json_obj_str(&o, "bus", bus_name(b));
		json_obj_bool(&o, "open", bus_is_open(b));
		json_obj_raw(&o, "devices", list.data, list.len);
		rc = json_obj_end(&o);
	}
	sb_free(&list);
	return rc;
}

/* How far a forwarder is behind: readings after its cursor, and the age of the oldest. */
static void
lag(struct store *st, int64_t cursor, int64_t last_seq, int64_t now, int64_t *readings,
    int64_t *seconds)
{
	struct store_row row;

	*readings = last_seq > cursor ? last_seq - cursor : 0;
	*seconds = 0;
	if (st != NULL && *readings > 0 && store_read_after(st, cursor, &row, 1) == 1 &&
	    now > row.r.time_ms)
		*seconds = (now - row.r.time_ms) / 1000;
}

static int
forwarder_json(struct strbuf *out, const char *name, const struct fwd_stats *f,
    struct store *st, int64_t last_seq, int64_t now)
{
	int64_t behind, seconds;
	struct json_obj o;

	lag(st, f->cursor, last_seq, now, &behind, &seconds);
	json_obj_begin(&o, out);
	json_obj_str(&o, "forwarder", name);
	json_obj_bool(&o, "connected", f->connected);
	json_obj_num(&o, "cursor", true, (double)f->cursor);
	json_obj_num(&o, "lag_readings", true, (double)behind);
	json_obj_num(&o, "lag_seconds", true, (double)seconds);
	json_obj_num(&o, "sent", true, (double)f->sent);
	json_obj_num(&o, "acked", true, (double)f->acked);
	json_obj_num(&o, "rejected", true, (double)f->rejected);
	json_obj_num(&o, "requests", true, (double)f->requests);
	json_obj_num(&o, "failures", true, (double)f->failures);
	time_or_null(&o, "last_ack", f->last_ack_ms);
	json_obj_str(&o, "error", f->error[0] ? f->error : NULL);
	return json_obj_end(&o);
}

static int
alert_json(void *arg, const struct store_alert *a)
{
	struct strbuf *list = arg;
	struct json_obj o;

	if (a->severity == ALERT_OK)
		return 0;
	if (list->len > 1 && sb_appendc(list, ',') != 0)
		return -ENOMEM;
	json_obj_begin(&o, list);
	json_obj_str(&o, "alert", a->id);
	json_obj_str(&o, "severity", alert_severity_name(a->severity));
	json_obj_time(&o, "since", a->since_ms);
	json_obj_num(&o, "value", a->has_value, a->value);
	json_obj_num(&o, "limit", a->has_limit, a->limit);
	json_obj_str(&o, "message", a->message);
	json_obj_str(&o, "acknowledged_by", a->acked ? a->acked_by : NULL);
	return json_obj_end(&o);
}

int
status_json(const struct status_view *v, struct strbuf *out)
{
	struct bus_device_status *st = calloc(STATUS_MAX_DEVICES, sizeof(*st));
	struct strbuf buses, fwds, alerts;
	struct core_stats cs;
	struct store *store = NULL;
	struct fwd_stats fs;
	struct json_obj o;
	int64_t now = now_wall_ms(), last_seq = 0, size = 0;
	size_t up = 0, total = 0;
	int rc = st != NULL ? 0 : -ENOMEM;

	sb_init(&buses);
	sb_init(&fwds);
	sb_init(&alerts);
	/* A connection of its own, read only: the core thread's belongs to it. */
	if (store_open(v->conf->store.path, STORE_READ_ONLY, &store) == 0) {
		store_last_seq(store, &last_seq);
		store_size(store, &size);
	}
	if (rc == 0)
		rc = sb_appendc(&buses, '[');
	for (size_t i = 0; rc == 0 && busset_bus(v->buses, i) != NULL; i++) {
		if (i > 0)
			rc = sb_appendc(&buses, ',');
		if (rc == 0)
			rc = bus_json(busset_bus(v->buses, i), &buses, st, &up, &total);
	}
	if (rc == 0)
		rc = sb_appendc(&buses, ']');
	if (rc == 0)
		rc = sb_appendc(&fwds, '[');
	if (rc == 0 && v->mqtt != NULL) {
		mqttfwd_get_stats(v->mqtt, &fs);
		rc = forwarder_json(&fwds, "mqtt", &fs, store, last_seq, now);
	}
	if (rc == 0 && v->influx != NULL) {
		influxfwd_get_stats(v->influx, &fs);
		if (v->mqtt != NULL)
			rc = sb_appendc(&fwds, ',');
		if (rc == 0)
			rc = forwarder_json(&fwds, "influxdb", &fs, store, last_seq, now);
	}
	if (rc == 0)
		rc = sb_appendc(&fwds, ']');
	if (rc == 0)
		rc = sb_appendc(&alerts, '[');
	if (rc == 0 && store != NULL)
		rc = store_alert_each(store, alert_json, &alerts);
	if (rc == 0)
		rc = sb_appendc(&alerts, ']');
	core_get_stats(v->core, &cs);
	if (rc == 0) {
		struct strbuf sto;
		struct json_obj s;

		sb_init(&sto);
		json_obj_begin(&s, &sto);
		json_obj_str(&s, "path", v->conf->store.path);
		json_obj_num(&s, "size_bytes", true, (double)size);
		json_obj_num(&s, "last_seq", true, (double)last_seq);
		json_obj_num(&s, "committed", true, (double)cs.committed);
		json_obj_num(&s, "commits", true, (double)cs.commits);
		json_obj_num(&s, "failed_commits", true, (double)cs.failed_commits);
		json_obj_num(&s, "dropped", true, (double)cs.dropped);
		json_obj_num(&s, "pruned", true, (double)cs.pruned);
		json_obj_num(&s, "pruned_unforwarded", true, (double)cs.pruned_unforwarded);
		rc = json_obj_end(&s);
		json_obj_begin(&o, out);
		json_obj_str(&o, "station", v->conf->station.id);
		json_obj_str(&o, "version", LW_VERSION);
		json_obj_time(&o, "time", now);
		json_obj_time(&o, "started", v->started_ms);
		json_obj_bool(&o, "clock_ok", !bus_clock_unset(now));
		json_obj_num(&o, "devices_up", true, (double)up);
		json_obj_num(&o, "devices", true, (double)total);
		json_obj_raw(&o, "buses", buses.data, buses.len);
		if (rc == 0)
			json_obj_raw(&o, "store", sto.data, sto.len);
		json_obj_raw(&o, "forwarders", fwds.data, fwds.len);
		json_obj_num(&o, "alerts_active", true, (double)cs.alerts_active);
		json_obj_raw(&o, "alerts", alerts.data, alerts.len);
		if (rc == 0)
			rc = json_obj_end(&o);
		sb_free(&sto);
	}
	store_close(store);
	sb_free(&buses);
	sb_free(&fwds);
	sb_free(&alerts);
	free(st);
	return rc;
}

void
status_figures(const struct status_view *v, struct selfmetrics *m)
{
	struct bus_device_status *st = calloc(STATUS_MAX_DEVICES, sizeof(*st));
	struct store *store = NULL;
	struct core_stats cs;
	struct fwd_stats fs;
	int64_t last_seq = 0;

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; st != NULL && busset_bus(v->buses, i) != NULL; i++) {
		size_t n = bus_status(busset_bus(v->buses, i), st, STATUS_MAX_DEVICES);

		for (size_t d = 0; d < n && d < STATUS_MAX_DEVICES; d++) {
			const struct bus_device_status *b = &st[d];

			m->polls += b->polls;
			m->failed_polls += b->failed_polls;
			m->timeouts += b->timeouts;
			m->exceptions += b->exceptions;
			m->frame_errors += b->frame_errors;
			m->link_errors += b->link_errors;
			m->transactions += b->transactions_total;
			m->bytes += b->bytes;
			m->poll_ms += (uint64_t)b->latency_total_ms;
			m->devices_up += b->polls > 0 && b->failures == 0;
			m->devices++;
		}
	}
	free(st);
	core_get_stats(v->core, &cs);
	m->committed = cs.committed;
	m->commits = cs.commits;
	m->failed_commits = cs.failed_commits;
	m->commit_ms = cs.commit_ms;
	m->dropped = cs.dropped;
	m->pruned_unforwarded = cs.pruned_unforwarded;
	m->alert_events = cs.alert_events;
	m->alerts_active = cs.alerts_active;
	/* The backlog: how far each forwarder's cursor is behind the journal. */
	if (store_open(v->conf->store.path, STORE_READ_ONLY, &store) == 0) {
		store_last_seq(store, &last_seq);
		store_size(store, &m->store_bytes);
	}
	store_close(store);
	if (v->mqtt != NULL) {
		mqttfwd_get_stats(v->mqtt, &fs);
		m->mqtt = true;
		m->mqtt_acked = fs.acked;
		m->mqtt_backlog = last_seq > fs.cursor ? last_seq - fs.cursor : 0;
	}
	if (v->influx != NULL) {
		influxfwd_get_stats(v->influx, &fs);
		m->influx = true;
		m->influx_acked = fs.acked;
		m->influx_backlog = last_seq > fs.cursor ? last_seq - fs.cursor : 0;
	}
	m->uptime_s = (now_wall_ms() - v->started_ms) / 1000;
}

void
status_line(const struct selfmetrics *m, char *buf, size_t len)
{
	int64_t behind = m->mqtt_backlog > m->influx_backlog ? m->mqtt_backlog : m->influx_backlog;

	snprintf(buf, len, "%zu/%zu devices up, backlog %lld, %zu active alert%s", m->devices_up,
	    m->devices, (long long)behind, m->alerts_active, m->alerts_active == 1 ? "" : "s");
}
