/* SPDX-License-Identifier: MIT */
/*
 * The credentials of requests to the station's InfluxDB, for the forwarder
 * and for `lakewatch query --influxdb`: which secret file holds them, and
 * the Authorization header they make (HTTP Basic for the 1.x API, a Token
 * for 2.x; never in the URL).  Pure: the caller reads the file.
 */
#ifndef LW_INFLUXAUTH_H
#define LW_INFLUXAUTH_H

#include "conf.h"
#include "strbuf.h"

/* password_file for the 1.x API, token_file for 2.x; "" when there is none. */
const char	*influxauth_secret_file(const struct conf_influx *);

/*
 * Append "Authorization: ...\r\n" for secret (the file's contents, "" if
 * none), or nothing when the configuration names no user (1.x) or there is
 * no token (2.x).  0, or -ENOMEM with the buffer as it was.
 */
int		 influxauth_header(struct strbuf *, const struct conf_influx *, const char *secret);

#endif
