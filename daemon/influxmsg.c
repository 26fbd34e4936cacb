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
