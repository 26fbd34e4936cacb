/* SPDX-License-Identifier: MIT */
/* MQTT topics and payloads of the station (see mqttmsg.h). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "mqttmsg.h"

/* One topic level made of a name: not empty, no separator, no wildcard. */
static bool
level_ok(const char *s)
{
	return s[0] != '\0' && strpbrk(s, "/+#") == NULL;
}

/* Append s and a '/' (none after the last) at *at; false when it does not fit. */
static bool
put_level(char *buf, size_t len, size_t *at, const char *s, bool last)
{
	size_t n = strlen(s);

	if (*at + n + 1 > len)
		return false;
	memcpy(buf + *at, s, n);
	*at += n;
	buf[(*at)++] = last ? '\0' : '/';
	return true;
}

/* ROOT/STATION/A[/B], without snprintf: every reading sent needs one. */
static int
topic(char *buf, size_t len, const char *root, const char *station, const char *a,
    const char *b)
{
	size_t at = 0;

	if (!level_ok(station) || !level_ok(a) || (b != NULL && !level_ok(b)))
		return -EINVAL;
	if (!put_level(buf, len, &at, root, false) || !put_level(buf, len, &at, station, false) ||
	    !put_level(buf, len, &at, a, b == NULL) ||
	    (b != NULL && !put_level(buf, len, &at, b, true)))
		return -ENAMETOOLONG;
	return 0;
}

int
mqttmsg_reading_topic(char *buf, size_t len, const char *root, const char *station,
    const struct lw_reading *r)
{
	return topic(buf, len, root, station, r->device, r->point);
}

int
mqttmsg_status_topic(char *buf, size_t len, const char *root, const char *station)
{
	return topic(buf, len, root, station, "status", NULL);
}

int
mqttmsg_reading_payload(struct strbuf *out, const struct lw_reading *r)
{
	const char *quality = lw_quality_name(r->quality);
	struct json_obj o;

	if (quality == NULL)
		return -EINVAL;
	json_obj_begin(&o, out);
	json_obj_time(&o, "time", r->time_ms);
	json_obj_num(&o, "value", r->has_value, r->value);
	json_obj_str(&o, "unit", r->unit);
	json_obj_str(&o, "quality", quality);
	return json_obj_end(&o);
}

int
mqttmsg_cmd_topic(char *buf, size_t len, const char *root, const char *station, const char *what)
{
	return topic(buf, len, root, station, "cmd", what);
}

int
mqttmsg_events_topic(char *buf, size_t len, const char *root, const char *station)
{
	return topic(buf, len, root, station, "events", NULL);
}

int
mqttmsg_event_payload(struct strbuf *out, const struct store_alert_event *e)
{
	struct json_obj o;

	if (alert_kind_name(e->kind) == NULL || alert_severity_name(e->to) == NULL ||
	    alert_severity_name(e->from) == NULL || alert_transition_name(e->transition) == NULL)
		return -EINVAL;
	json_obj_begin(&o, out);
	json_obj_time(&o, "time", e->time_ms);
	json_obj_str(&o, "station", e->station);
	json_obj_str(&o, "alert", e->id);
	json_obj_str(&o, "device", e->device);
	json_obj_str(&o, "point", e->point[0] != '\0' ? e->point : NULL);
	json_obj_str(&o, "kind", alert_kind_name(e->kind));
	json_obj_str(&o, "transition", alert_transition_name(e->transition));
	json_obj_str(&o, "severity", alert_severity_name(e->to));
	json_obj_str(&o, "previous", alert_severity_name(e->from));
	json_obj_num(&o, "value", e->has_value, e->value);
	json_obj_num(&o, "limit", e->has_limit, e->limit);
	json_obj_str(&o, "message", e->message);
	if (e->transition == ALERT_ACKNOWLEDGED) {
		json_obj_str(&o, "by", e->by);
		json_obj_str(&o, "note", e->note);
	}
	return json_obj_end(&o);
}

int
mqttmsg_alert_topic(char *buf, size_t len, const char *root, const char *station,
    const char *device, const char *point)
{
	int n;

	if (!level_ok(station) || !level_ok(device) || (point[0] != '\0' && !level_ok(point)))
		return -EINVAL;
	if (point[0] == '\0')
		n = snprintf(buf, len, "%s/%s/alerts/%s", root, station, device);
	else
		n = snprintf(buf, len, "%s/%s/alerts/%s/%s", root, station, device, point);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Worse first: critical, warning, unknown, ok. */
static int
rank(enum alert_severity s)
{
	switch (s) {
	case ALERT_CRITICAL: return 3;
	case ALERT_WARNING: return 2;
	case ALERT_UNKNOWN: return 1;
	case ALERT_OK: return 0;
	}
	return 0;
}

int
mqttmsg_alert_payload(struct strbuf *out, const char *device, const char *point,
    const struct store_alert *alerts, size_t n)
{
	enum alert_severity worst = ALERT_OK;
	struct strbuf list;
	struct json_obj o;
	int rc = 0;

	sb_init(&list);
	rc = sb_appendc(&list, '[');
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct store_alert *a = &alerts[i];
		struct json_obj e;

		if (alert_severity_name(a->severity) == NULL || alert_kind_name(a->kind) == NULL) {
			rc = -EINVAL;
			break;
		}
		if (rank(a->severity) > rank(worst))
			worst = a->severity;
		if (i > 0)
			rc = sb_appendc(&list, ',');
		json_obj_begin(&e, &list);
		json_obj_str(&e, "alert", a->id);
		json_obj_str(&e, "kind", alert_kind_name(a->kind));
		json_obj_str(&e, "severity", alert_severity_name(a->severity));
		json_obj_time(&e, "since", a->since_ms);
		json_obj_num(&e, "value", a->has_value, a->value);
		json_obj_num(&e, "limit", a->has_limit, a->limit);
		json_obj_str(&e, "message", a->message);
		json_obj_bool(&e, "acknowledged", a->acked);
		json_obj_str(&e, "acknowledged_by", a->acked ? a->acked_by : NULL);
		if (a->acked)
			json_obj_time(&e, "acknowledged_at", a->acked_ms);
		else
			json_obj_str(&e, "acknowledged_at", NULL);
		json_obj_str(&e, "note", a->acked ? a->note : NULL);
		if (rc == 0)
			rc = json_obj_end(&e);
	}
	if (rc == 0)
		rc = sb_appendc(&list, ']');
	if (rc == 0) {
		json_obj_begin(&o, out);
		json_obj_str(&o, "device", device);
		json_obj_str(&o, "point", point[0] != '\0' ? point : NULL);
		json_obj_str(&o, "severity", alert_severity_name(worst));
		json_obj_raw(&o, "alerts", list.data, list.len);
		rc = json_obj_end(&o);
	}
	sb_free(&list);
	return rc;
}
