/* SPDX-License-Identifier: MIT */
/* InfluxDB request credentials (see influxauth.h). */
#include <errno.h>

#include "http.h"
#include "influxauth.h"

const char *
influxauth_secret_file(const struct conf_influx *c)
{
	return c->api == CONF_INFLUX_V1 ? c->password_file : c->token_file;
}

int
influxauth_header(struct strbuf *h, const struct conf_influx *c, const char *secret)
{
	size_t was = h->len;
	int rc = 0;

	if (c->api == CONF_INFLUX_V2 && secret[0] != '\0')
		rc = sb_printf(h, "Authorization: Token %s\r\n", secret);
	if (c->api == CONF_INFLUX_V1 && c->username[0] != '\0') {
		rc = sb_appends(h, "Authorization: ");
		if (rc == 0)
			rc = http_basic_auth(h, c->username, secret);
		if (rc == 0)
			rc = sb_appends(h, "\r\n");
	}
	if (rc != 0) {
		sb_truncate(h, was);
		return -ENOMEM;
	}
	return 0;
}
