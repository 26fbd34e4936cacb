/* SPDX-License-Identifier: MIT */
/*
 * What the InfluxDB forwarder does with the answer to a write (the policy of
 * the project's reference notes, section 4.1, and of InfluxDB 2.x's
 * documented codes).  Pure.
 *
 *   2xx                     done: advance the cursor
 *   400, 422                the good lines are stored (a partial write) or
 *                           none can ever be: advance, count and log the
 *                           rejected lines; a poison batch is never retried
 *   401, 403                credentials: keep the data, back off, log
 *   404                     no such database, org or bucket: the same
 *   413                     too large: split the batch and send the halves
 *   408, 429, 5xx, other    retry with backoff (Retry-After honoured)
 *   transport failure       retry with backoff
 */
#ifndef LW_INFLUXPOLICY_H
#define LW_INFLUXPOLICY_H

#include <stddef.h>
#include <stdint.h>

enum influx_action {
	INFLUX_DONE,		/* accepted */
	INFLUX_REJECTED,	/* (some) lines refused for good: advance past the batch */
	INFLUX_SPLIT,		/* too large: send it in halves */
	INFLUX_CONFIG,		/* credentials or target wrong: keep, back off, tell the operator */
	INFLUX_RETRY,		/* the server or the link is unwell: keep, back off */
};

/* The action for an HTTP status (0 for a transport failure). */
enum influx_action influx_classify(long status);

/*
 * How many lines the server says it dropped, from an error body such as
 * InfluxDB 1.x's `{"error":"partial write: ... dropped=3"}`; -1 when the body
 * does not say.
 */
int64_t	 influx_dropped(const char *body);

/*
 * A Retry-After header value in seconds ("120"; an HTTP date is not
 * understood) as milliseconds, capped at max_ms; -1 when absent or invalid.
 */
int64_t	 influx_retry_after_ms(const char *value, int64_t max_ms);

/* A short name for an action, for logs. */
const char *influx_action_name(enum influx_action);

#endif
