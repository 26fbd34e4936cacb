/* SPDX-License-Identifier: MIT */
/* Readings as InfluxDB line protocol (see influxmsg.h). */
#include <errno.h>
#include <math.h>

#include "influxmsg.h"
#include "lineproto.h"

int
influxmsg_reading(struct strbuf *out, const char *station, const struct lw_reading *r,
    const char **why)
{
	const char *quality = lw_quality_name(r->quality);
	struct lp_tag tags[3] = {
		{ "station", station },
		{ "device", r->device },
		{ "unit", r->unit },
	};
	struct lp_field fields[2] = {
		{ .key = "quality", .type = LP_STRING, .s = quality },
		{ .key = "value", .type = LP_FLOAT, .f = r->value },
	};
	size_t ntags = r->unit[0] != '\0' ? 3 : 2;
	size_t nfields = r->has_value && isfinite(r->value) ? 2 : 1;

	if (quality == NULL) {
		*why = "unknown quality code";
		return -EINVAL;
	}
	return lp_append_line(out, r->point, tags, ntags, fields, nfields, r->time_ms, why);
}

int
influxmsg_alert(struct strbuf *out, const struct store_alert_event *e, const char **why)
{
	struct lp_tag tags[4] = {
		{ "station", e->station },
		{ "device", e->device },
		{ "severity", alert_severity_name(e->to) },
		{ "point", e->point },
	};
	struct lp_field fields[9];
	size_t nf = 0;

	if (tags[2].value == NULL || alert_kind_name(e->kind) == NULL ||
	    alert_transition_name(e->transition) == NULL || alert_severity_name(e->from) == NULL) {
		*why = "unknown kind, severity or transition";
		return -EINVAL;
	}
	fields[nf++] = (struct lp_field){ .key = "alert", .type = LP_STRING, .s = e->id };
	fields[nf++] = (struct lp_field){ .key = "kind", .type = LP_STRING,
		.s = alert_kind_name(e->kind) };
	fields[nf++] = (struct lp_field){ .key = "transition", .type = LP_STRING,
		.s = alert_transition_name(e->transition) };
	fields[nf++] = (struct lp_field){ .key = "previous", .type = LP_STRING,
		.s = alert_severity_name(e->from) };
	if (e->has_value && isfinite(e->value))
		fields[nf++] = (struct lp_field){ .key = "value", .type = LP_FLOAT, .f = e->value };
	if (e->has_limit && isfinite(e->limit))
		fields[nf++] = (struct lp_field){ .key = "limit", .type = LP_FLOAT, .f = e->limit };
	fields[nf++] = (struct lp_field){ .key = "message", .type = LP_STRING, .s = e->message };
	if (e->transition == ALERT_ACKNOWLEDGED) {
		fields[nf++] = (struct lp_field){ .key = "by", .type = LP_STRING, .s = e->by };
		fields[nf++] = (struct lp_field){ .key = "note", .type = LP_STRING, .s = e->note };
	}
	return lp_append_line(out, "alert", tags, e->point[0] != '\0' ? 4 : 3, fields, nf,
	    e->time_ms, why);
}
