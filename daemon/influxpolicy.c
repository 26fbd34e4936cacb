/* SPDX-License-Identifier: MIT */
/* The InfluxDB write policy (see influxpolicy.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "influxpolicy.h"

enum influx_action
influx_classify(long status)
{
	if (status >= 200 && status < 300)
		return INFLUX_DONE;
	switch (status) {
	case 400:
	case 422:
		return INFLUX_REJECTED;
	case 401:
	case 403:
	case 404:
		return INFLUX_CONFIG;
	case 413:
		return INFLUX_SPLIT;
	default:
		return INFLUX_RETRY;
	}
}

int64_t
influx_dropped(const char *body)
{
	const char *p = body != NULL ? strstr(body, "dropped=") : NULL;
	int64_t n = 0;

	if (p == NULL)
		return -1;
	p += strlen("dropped=");
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (INT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n;
}

int64_t
influx_retry_after_ms(const char *value, int64_t max_ms)
{
	int64_t s = 0;
	const char *p = value;

	if (p == NULL)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		s = s * 10 + (*p - '0');
		if (s > max_ms / 1000)
			return max_ms;
	}
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p != '\0')
		return -1;
	return s * 1000 > max_ms ? max_ms : s * 1000;
}

const char *
influx_action_name(enum influx_action a)
{
	switch (a) {
	case INFLUX_DONE: return "done";
	case INFLUX_REJECTED: return "rejected";
	case INFLUX_SPLIT: return "split";
	case INFLUX_CONFIG: return "configuration";
	case INFLUX_RETRY: return "retry";
	}
	return "?";
}
