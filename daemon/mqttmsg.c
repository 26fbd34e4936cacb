/* SPDX-License-Identifier: MIT */
/* MQTT topics and payloads of the station (see mqttmsg.h). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "mqttmsg.h"
#include "timefmt.h"

/* One topic level made of a name: not empty, no separator, no wildcard. */
static bool
level_ok(const char *s)
{
	return s[0] != '\0' && strpbrk(s, "/+#") == NULL;
}

static int
topic(char *buf, size_t len, const char *root, const char *station, const char *a,
    const char *b)
{
	int n;

	if (!level_ok(station) || !level_ok(a) || (b != NULL && !level_ok(b)))
		return -EINVAL;
	if (b != NULL)
		n = snprintf(buf, len, "%s/%s/%s/%s", root, station, a, b);
	else
		n = snprintf(buf, len, "%s/%s/%s", root, station, a);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
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
	size_t mark = out->len;
	char when[32];
	const char *quality = lw_quality_name(r->quality);
	int rc;

	if (quality == NULL || timefmt_iso8601(r->time_ms, when, sizeof(when)) < 0)
		return -EINVAL;
	rc = sb_appends(out, "{\"time\":\"");
	if (rc == 0)
		rc = sb_appends(out, when);
	if (rc == 0)
		rc = sb_appends(out, "\",\"value\":");
	if (rc == 0) {
		if (r->has_value && isfinite(r->value))
			rc = json_number(out, r->value);
		else
			rc = sb_appends(out, "null");
	}
	if (rc == 0)
		rc = sb_appends(out, ",\"unit\":");
	if (rc == 0)
		rc = json_string(out, r->unit);
	if (rc == 0)
		rc = sb_appends(out, ",\"quality\":\"");
	if (rc == 0)
		rc = sb_appends(out, quality);
	if (rc == 0)
		rc = sb_appends(out, "\"}");
	if (rc != 0)
		sb_truncate(out, mark);
	return rc;
}
