/* SPDX-License-Identifier: MIT */
/* Unit tests for InfluxDB request credentials: the secret file and the header by API. */
#include <string.h>

#include "influxauth.h"
#include "tap.h"

int
main(void)
{
	struct conf_influx c;
	struct strbuf h;

	memset(&c, 0, sizeof(c));
	sb_init(&h);
	c.api = CONF_INFLUX_V1;
	strcpy(c.password_file, "/etc/lakewatch/influx.pw");
	strcpy(c.token_file, "/etc/lakewatch/influx.token");
	CHECK_EQ_STR("/etc/lakewatch/influx.pw", influxauth_secret_file(&c), "1.x: the password file");
	CHECK_EQ_INT(0, influxauth_header(&h, &c, "s3cret"), "1.x without a user");
	CHECK_EQ_INT(0, (int)h.len, "sends no Authorization");
	strcpy(c.username, "lake");
	CHECK_EQ_INT(0, influxauth_header(&h, &c, "s3cret"), "1.x with a user");
	CHECK_EQ_STR("Authorization: Basic bGFrZTpzM2NyZXQ=\r\n", h.data,
	    "HTTP Basic of user:password");
	sb_reset(&h);
	CHECK_EQ_INT(0, influxauth_header(&h, &c, ""), "a user without a password file");
	CHECK_EQ_STR("Authorization: Basic bGFrZTo=\r\n", h.data, "Basic with an empty password");
	sb_reset(&h);
	c.api = CONF_INFLUX_V2;
	CHECK_EQ_STR("/etc/lakewatch/influx.token", influxauth_secret_file(&c), "2.x: the token file");
	CHECK_EQ_INT(0, influxauth_header(&h, &c, "tok=="), "2.x with a token");
	CHECK_EQ_STR("Authorization: Token tok==\r\n", h.data, "a Token header, no Basic");
	sb_reset(&h);
	CHECK_EQ_INT(0, influxauth_header(&h, &c, ""), "2.x without a token");
	CHECK_EQ_INT(0, (int)h.len, "sends no Authorization");
	sb_free(&h);
	return tap_done();
}
