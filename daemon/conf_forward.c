/* SPDX-License-Identifier: MIT */
/*
 * The forwarders' groups of the configuration: `mqtt` (a broker, SPEC
 * "MQTT") and `influxdb` (a server that speaks the InfluxDB 1.x or 2.x write
 * API, SPEC "InfluxDB").  Both are optional: the store journals every reading
 * either way, and the forwarders feed from it.
 *
 * Only the text is checked here.  The secret files (password_file,
 * token_file) and the TLS files are opened by the forwarders when they start,
 * so that a file can be checked with -n on a machine that does not hold the
 * secrets, as a bus device need not exist to check a file.  Their paths are
 * taken from the main file's directory, like store.path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

/* Well-formed UTF-8: no stray or missing continuation bytes, overlong forms, surrogates. */
static bool
utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		uint32_t cp, min;
		unsigned need;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			need = 1;
			cp = *p & 0x1fu;
			min = 0x80;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			need = 2;
			cp = *p & 0x0fu;
			min = 0x800;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			need = 3;
			cp = *p & 0x07u;
			min = 0x10000;
		} else {
			return false;
		}
		/* A NUL is no continuation byte, so this never reads past the end. */
		for (unsigned i = 1; i <= need; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += need + 1;
	}
	return true;
}

/*
 * A name the server knows (a user, a database, a bucket): optional here, but
 * when given not empty, at most max - 1 bytes, without control characters,
 * and UTF-8.
 */
static bool
get_name(struct conf_loader *L, const struct conf_slot *slot, const char *ctx, const char *key,
    char *buf, size_t max)
{
	if (!conf_get_str(L, slot, ctx, key, max, NULL, buf))
		return false;
	if (slot->s == NULL)
		return true;
	if (buf[0] == '\0') {
		conf_err(L, slot->s, "%s: %s must not be empty", ctx, key);
		return false;
	}
	if (!utf8_ok(buf)) {
		conf_err(L, slot->s, "%s: %s is not valid UTF-8", ctx, key);
		buf[0] = '\0';
		return false;
	}
	return true;
}

/* The member of g named key, for an error about a key that is present. */
static const config_setting_t *
member(const config_setting_t *g, const char *key)
{
	const config_setting_t *m = config_setting_get_member(g, key);

	return m != NULL ? m : g;
}

/* ---- mqtt ------------------------------------------------------------- */

enum {
	MQ_HOST, MQ_PORT, MQ_CLIENT_ID, MQ_KEEPALIVE, MQ_QOS, MQ_RETAIN, MQ_TOPIC_ROOT,
	MQ_USERNAME, MQ_PASSWORD_FILE, MQ_PROTOCOL, MQ_MAX_INFLIGHT, MQ_CONNECT_TIMEOUT, MQ_TLS,
	MQ_NKEYS
};
static const struct conf_key mqtt_keys[MQ_NKEYS] = {
	[MQ_HOST] = { "host", CK_STRING },
	[MQ_PORT] = { "port", CK_INT },
	[MQ_CLIENT_ID] = { "client_id", CK_STRING },
	[MQ_KEEPALIVE] = { "keepalive", CK_DURATION },
	[MQ_QOS] = { "qos", CK_INT },
	[MQ_RETAIN] = { "retain", CK_BOOL },
	[MQ_TOPIC_ROOT] = { "topic_root", CK_STRING },
	[MQ_USERNAME] = { "username", CK_STRING },
	[MQ_PASSWORD_FILE] = { "password_file", CK_STRING },
	[MQ_PROTOCOL] = { "protocol", CK_STRING },
	[MQ_MAX_INFLIGHT] = { "max_inflight", CK_INT },
	[MQ_CONNECT_TIMEOUT] = { "connect_timeout", CK_DURATION },
	[MQ_TLS] = { "tls", CK_GROUP },
};

enum {
	TL_CA_FILE, TL_CA_PATH, TL_CERT_FILE, TL_KEY_FILE, TL_VERIFY_HOSTNAME, TL_MIN_VERSION,
	TL_NKEYS
};
static const struct conf_key tls_keys[TL_NKEYS] = {
	[TL_CA_FILE] = { "ca_file", CK_STRING },
	[TL_CA_PATH] = { "ca_path", CK_STRING },
	[TL_CERT_FILE] = { "cert_file", CK_STRING },
	[TL_KEY_FILE] = { "key_file", CK_STRING },
	[TL_VERIFY_HOSTNAME] = { "verify_hostname", CK_BOOL },
	[TL_MIN_VERSION] = { "min_version", CK_STRING },
};

static const char *const protocols[] = { "3.1.1", "5" };
static const char *const tls_versions[] = { "1.2", "1.3" };

#define MQTT_KEEPALIVE_MAX	65535000LL	/* the protocol's 16-bit seconds */

static void
check_tls(struct conf_loader *L, const config_setting_t *g, struct conf_mqtt *m)
{
	struct conf_slot k[TL_NKEYS];
	const char *ctx = "mqtt: tls";
	char v[16];

	conf_walk_group(L, g, ctx, tls_keys, TL_NKEYS, k);
	conf_get_path(L, &k[TL_CA_FILE], ctx, "ca_file", NULL, m->tls_ca_file,
	    sizeof(m->tls_ca_file));
	conf_get_path(L, &k[TL_CA_PATH], ctx, "ca_path", NULL, m->tls_ca_path,
	    sizeof(m->tls_ca_path));
	conf_get_path(L, &k[TL_CERT_FILE], ctx, "cert_file", NULL, m->tls_cert_file,
	    sizeof(m->tls_cert_file));
	conf_get_path(L, &k[TL_KEY_FILE], ctx, "key_file", NULL, m->tls_key_file,
	    sizeof(m->tls_key_file));
	if (!k[TL_CA_FILE].present && !k[TL_CA_PATH].present)
		conf_err(L, g, "mqtt: tls: needs 'ca_file', 'ca_path' or both");
	if (k[TL_CERT_FILE].present != k[TL_KEY_FILE].present) {
		const char *given = k[TL_CERT_FILE].present ? "cert_file" : "key_file";

		conf_err(L, member(g, given), "mqtt: tls: '%s' without '%s'", given,
		    k[TL_CERT_FILE].present ? "key_file" : "cert_file");
	}
	conf_get_bool(L, &k[TL_VERIFY_HOSTNAME], true, &m->tls_verify_hostname);
	if (conf_get_str(L, &k[TL_MIN_VERSION], ctx, "min_version", sizeof(v), "1.2", v)) {
		if (conf_one_of(v, tls_versions, 2) < 0)
			conf_err(L, k[TL_MIN_VERSION].s, "mqtt: tls: min_version '%s' is not '1.2' or "
			    "'1.3'", v);
		else
			snprintf(m->tls_version, sizeof(m->tls_version), "tlsv%.3s", v);
	}
}

/* The first levels of every topic: ROOT/STATION/DEVICE/POINT. */
static void
check_topic_root(struct conf_loader *L, const config_setting_t *s, const char *t)
{
	size_t n = strlen(t);

	if (n == 0) {
		conf_err(L, s, "mqtt: topic_root must not be empty");
		return;
	}
	if (!utf8_ok(t)) {
		conf_err(L, s, "mqtt: topic_root is not valid UTF-8");
		return;
	}
	if (strpbrk(t, "+#") != NULL)
		conf_err(L, s, "mqtt: topic_root '%s' must not hold the wildcards '+' and '#'", t);
	if (t[0] == '/' || t[n - 1] == '/')
		conf_err(L, s, "mqtt: topic_root '%s' must not start or end with '/'", t);
	if (strstr(t, "//") != NULL)
		conf_err(L, s, "mqtt: topic_root '%s' must not have an empty level", t);
	if (t[0] == '$')
		conf_err(L, s, "mqtt: topic_root '%s' must not start with '$': such topics are the "
		    "broker's", t);
}

void
conf_check_mqtt(struct conf_loader *L, const config_setting_t *g, struct conf *c)
{
	struct conf_mqtt *m = &c->mqtt;
	struct conf_slot k[MQ_NKEYS];
	const char *ctx = "mqtt";
	char def[sizeof(m->client_id)], protocol[16];
	long long v;

	m->enabled = true;
	m->line = (int)config_setting_source_line(g);
	conf_walk_group(L, g, ctx, mqtt_keys, MQ_NKEYS, k);
	if (conf_require(L, g, ctx, &k[MQ_HOST], "host") &&
	    conf_get_str(L, &k[MQ_HOST], ctx, "host", sizeof(m->host), NULL, m->host)) {
		if (m->host[0] == '\0')
			conf_err(L, k[MQ_HOST].s, "mqtt: host must not be empty");
		else if (strpbrk(m->host, " /") != NULL)
			conf_err(L, k[MQ_HOST].s, "mqtt: host '%s' must be a host name or an address, "
			    "without scheme, port or path", m->host);
	}
	m->tls = k[MQ_TLS].present;
	if (conf_get_int(L, &k[MQ_PORT], ctx, "port", 1, 65535, m->tls ? 8883 : 1883, &v))
		m->port = (unsigned)v;

	snprintf(def, sizeof(def), "lakewatch-%s", c->station.id);
	if (conf_get_str(L, &k[MQ_CLIENT_ID], ctx, "client_id", sizeof(m->client_id), def,
	    m->client_id) && k[MQ_CLIENT_ID].s != NULL) {
		if (m->client_id[0] == '\0') {
			conf_err(L, k[MQ_CLIENT_ID].s, "mqtt: client_id must not be empty");
		} else {
			for (const char *p = m->client_id; *p != '\0'; p++)
				if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
					conf_err(L, k[MQ_CLIENT_ID].s, "mqtt: client_id '%s' must be "
					    "printable ASCII without spaces", m->client_id);
					break;
				}
		}
	}
	if (conf_get_dur(L, &k[MQ_KEEPALIVE], ctx, "keepalive", 5000, MQTT_KEEPALIVE_MAX, 60000,
	    &m->keepalive_ms) && m->keepalive_ms % 1000 != 0)
		conf_err(L, k[MQ_KEEPALIVE].s, "mqtt: keepalive '%s' must be whole seconds",
		    config_setting_get_string(k[MQ_KEEPALIVE].s));
	if (conf_get_int(L, &k[MQ_QOS], ctx, "qos", 0, 2, 1, &v))
		m->qos = (int)v;
	conf_get_bool(L, &k[MQ_RETAIN], true, &m->retain);
	if (conf_get_str(L, &k[MQ_TOPIC_ROOT], ctx, "topic_root", sizeof(m->topic_root),
	    "lakewatch", m->topic_root) && k[MQ_TOPIC_ROOT].s != NULL)
		check_topic_root(L, k[MQ_TOPIC_ROOT].s, m->topic_root);

	get_name(L, &k[MQ_USERNAME], ctx, "username", m->username, sizeof(m->username));
	conf_get_path(L, &k[MQ_PASSWORD_FILE], ctx, "password_file", NULL, m->password_file,
	    sizeof(m->password_file));
	if (k[MQ_PASSWORD_FILE].present && !k[MQ_USERNAME].present)
		conf_err(L, member(g, "password_file"), "mqtt: 'password_file' without 'username'");

	m->protocol = CONF_MQTT_V311;
	if (conf_get_str(L, &k[MQ_PROTOCOL], ctx, "protocol", sizeof(protocol), "3.1.1",
	    protocol)) {
		int i = conf_one_of(protocol, protocols, 2);

		if (i < 0)
			conf_err(L, k[MQ_PROTOCOL].s, "mqtt: protocol '%s' is not '3.1.1' or '5'",
			    protocol);
		else
			m->protocol = i == 0 ? CONF_MQTT_V311 : CONF_MQTT_V5;
	}
	if (conf_get_int(L, &k[MQ_MAX_INFLIGHT], ctx, "max_inflight", 1, 65535, 1000, &v))
		m->max_inflight = (unsigned)v;
	conf_get_dur(L, &k[MQ_CONNECT_TIMEOUT], ctx, "connect_timeout", 1000, 300000, 10000,
	    &m->connect_timeout_ms);

	m->tls_verify_hostname = true;
	snprintf(m->tls_version, sizeof(m->tls_version), "tlsv1.2");
	if (k[MQ_TLS].s != NULL)
		check_tls(L, k[MQ_TLS].s, m);
}

/* ---- influxdb --------------------------------------------------------- */

enum {
	IN_URL, IN_API, IN_DATABASE, IN_RETENTION_POLICY, IN_USERNAME, IN_PASSWORD_FILE, IN_ORG,
	IN_BUCKET, IN_TOKEN_FILE, IN_BATCH_SIZE, IN_FLUSH_INTERVAL, IN_GZIP, IN_TIMEOUT,
	IN_TLS_VERIFY, IN_CA_FILE, IN_NKEYS
};
static const struct conf_key influx_keys[IN_NKEYS] = {
	[IN_URL] = { "url", CK_STRING },
	[IN_API] = { "api", CK_STRING },
	[IN_DATABASE] = { "database", CK_STRING },
	[IN_RETENTION_POLICY] = { "retention_policy", CK_STRING },
	[IN_USERNAME] = { "username", CK_STRING },
	[IN_PASSWORD_FILE] = { "password_file", CK_STRING },
	[IN_ORG] = { "org", CK_STRING },
	[IN_BUCKET] = { "bucket", CK_STRING },
	[IN_TOKEN_FILE] = { "token_file", CK_STRING },
	[IN_BATCH_SIZE] = { "batch_size", CK_INT },
	[IN_FLUSH_INTERVAL] = { "flush_interval", CK_DURATION },
	[IN_GZIP] = { "gzip", CK_BOOL },
	[IN_TIMEOUT] = { "timeout", CK_DURATION },
	[IN_TLS_VERIFY] = { "tls_verify", CK_BOOL },
	[IN_CA_FILE] = { "ca_file", CK_STRING },
};

/* The keys of one API only. */
static const int v1_only[] = { IN_DATABASE, IN_RETENTION_POLICY, IN_USERNAME, IN_PASSWORD_FILE };
static const int v2_only[] = { IN_ORG, IN_BUCKET, IN_TOKEN_FILE };
static const char *const apis[] = { "v1", "v2" };
static const char *const api_products[] = { "InfluxDB 1.x", "InfluxDB 2.x" };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static bool
is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_';
}

/* s (n bytes) ends in the path suffix sfx. */
static bool
ends_with(const char *s, size_t n, const char *sfx)
{
	size_t k = strlen(sfx);

	return n >= k && memcmp(s + n - k, sfx, k) == 0;
}

/*
 * The server's base URL: http:// or https://, a host name or address (IPv6
 * in brackets), an optional port and an optional path prefix (a reverse
 * proxy's), to which the forwarder adds /write or /api/v2/write.  Trailing
 * '/'s are taken off url in place.  1 for https, 0 for http, -1 when wrong.
 */
static int
check_url(struct conf_loader *L, const config_setting_t *s, char *url)
{
	char *host, *port, *path;
	size_t n;
	int https;

	if (strncmp(url, "http://", 7) == 0) {
		https = 0;
		host = url + 7;
	} else if (strncmp(url, "https://", 8) == 0) {
		https = 1;
		host = url + 8;
	} else {
		conf_err(L, s, "influxdb: url '%s' must start with http:// or https://", url);
		return -1;
	}
	for (const char *p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
			conf_err(L, s, "influxdb: url '%s' must be printable ASCII without spaces "
			    "(anything else %%-encoded)", url);
			return -1;
		}
	if (strpbrk(url, "?#") != NULL) {
		conf_err(L, s, "influxdb: url '%s' must not have a query or a fragment: the "
		    "database, the bucket and the rest are keys of their own", url);
		return -1;
	}
	path = host + strcspn(host, "/");
	if (memchr(host, '@', (size_t)(path - host)) != NULL) {
		conf_err(L, s, "influxdb: url '%s' must not hold a user or a password: use "
		    "'username' and 'password_file' (api 'v1') or 'token_file' (api 'v2')", url);
		return -1;
	}
	if (host[0] == '[') {
		char *end = memchr(host, ']', (size_t)(path - host));

		if (end == NULL || end == host + 1 ||
		    strspn(host + 1, "0123456789abcdefABCDEF:.") != (size_t)(end - host - 1))
			port = NULL;
		else
			port = end + 1;
	} else {
		port = host;
		while (port < path && is_host_char(*port))
			port++;
		if (port == host)
			port = NULL;
	}
	if (port == NULL || (port < path && *port != ':')) {
		conf_err(L, s, "influxdb: url '%s' has no valid host: a name, an IPv4 address or "
		    "an IPv6 address in brackets", url);
		return -1;
	}
	if (port < path) {
		size_t digits = (size_t)(path - port - 1);
		long v = digits > 0 && digits <= 5 ? strtol(port + 1, NULL, 10) : 0;

		if (strspn(port + 1, "0123456789") < digits || v < 1 || v > 65535) {
			conf_err(L, s, "influxdb: url '%s': port '%.*s' out of range 1..65535", url,
			    (int)(digits > 10 ? 10 : digits), port + 1);
			return -1;
		}
	}
	n = strlen(path);
	while (n > 0 && path[n - 1] == '/')
		path[--n] = '\0';
	if (ends_with(path, n, "/write")) {
		conf_err(L, s, "influxdb: url '%s' must be the server's, without '%s': the "
		    "forwarder adds the API's path", url,
		    ends_with(path, n, "/api/v2/write") ? "/api/v2/write" : "/write");
		return -1;
	}
	return https;
}

/* Which API: from `api` when given, else from `database` or `bucket`; -1 when unknown. */
static int
influx_api(struct conf_loader *L, const config_setting_t *g, const struct conf_slot *k,
    const char **why)
{
	char api[16];
	int v;

	*why = NULL;
	if (k[IN_API].present) {
		if (!conf_get_str(L, &k[IN_API], "influxdb", "api", sizeof(api), NULL, api))
			return -1;
		v = conf_one_of(api, apis, 2);
		if (v < 0)
			conf_err(L, k[IN_API].s, "influxdb: api '%s' is not 'v1' or 'v2'", api);
		return v;
	}
	if (k[IN_DATABASE].present && k[IN_BUCKET].present) {
		conf_err(L, g, "influxdb: 'database' is for api 'v1' (InfluxDB 1.x) and 'bucket' "
		    "for api 'v2' (InfluxDB 2.x): keep one of them");
		return -1;
	}
	if (!k[IN_DATABASE].present && !k[IN_BUCKET].present) {
		conf_err(L, g, "influxdb: needs 'database' (api 'v1', InfluxDB 1.x) or 'bucket' "
		    "(api 'v2', InfluxDB 2.x)");
		return -1;
	}
	*why = k[IN_DATABASE].present ? "database" : "bucket";
	return k[IN_DATABASE].present ? CONF_INFLUX_V1 : CONF_INFLUX_V2;
}

void
conf_check_influx(struct conf_loader *L, const config_setting_t *g, struct conf *c)
{
	struct conf_influx *in = &c->influx;
	struct conf_slot k[IN_NKEYS];
	const char *ctx = "influxdb", *why;
	int https = -1, api;
	long long v;

	in->enabled = true;
	in->line = (int)config_setting_source_line(g);
	conf_walk_group(L, g, ctx, influx_keys, IN_NKEYS, k);
	if (conf_require(L, g, ctx, &k[IN_URL], "url") &&
	    conf_get_str(L, &k[IN_URL], ctx, "url", sizeof(in->url), NULL, in->url))
		https = check_url(L, k[IN_URL].s, in->url);

	api = influx_api(L, g, k, &why);
	in->api = api == CONF_INFLUX_V2 ? CONF_INFLUX_V2 : CONF_INFLUX_V1;
	if (api >= 0) {
		const int *other = api == CONF_INFLUX_V1 ? v2_only : v1_only;
		size_t nother = api == CONF_INFLUX_V1 ? NELEM(v2_only) : NELEM(v1_only);
		int oapi = api == CONF_INFLUX_V1 ? CONF_INFLUX_V2 : CONF_INFLUX_V1;

		for (size_t i = 0; i < nother; i++) {
			const char *key = influx_keys[other[i]].name;

			if (!k[other[i]].present)
				continue;
			if (why == NULL)
				conf_err(L, member(g, key), "influxdb: '%s' is for api '%s' (%s), but "
				    "'api' is '%s'", key, apis[oapi], api_products[oapi], apis[api]);
			else
				conf_err(L, member(g, key), "influxdb: '%s' is for api '%s' (%s), but "
				    "'%s' makes this api '%s'", key, apis[oapi], api_products[oapi], why,
				    apis[api]);
		}
		if (api == CONF_INFLUX_V1) {
			conf_require(L, g, ctx, &k[IN_DATABASE], "database");
		} else {
			conf_require(L, g, ctx, &k[IN_ORG], "org");
			conf_require(L, g, ctx, &k[IN_BUCKET], "bucket");
		}
	}
	get_name(L, &k[IN_DATABASE], ctx, "database", in->database, sizeof(in->database));
	get_name(L, &k[IN_RETENTION_POLICY], ctx, "retention_policy", in->retention_policy,
	    sizeof(in->retention_policy));
	get_name(L, &k[IN_USERNAME], ctx, "username", in->username, sizeof(in->username));
	conf_get_path(L, &k[IN_PASSWORD_FILE], ctx, "password_file", NULL, in->password_file,
	    sizeof(in->password_file));
	if (k[IN_PASSWORD_FILE].present && !k[IN_USERNAME].present && api != CONF_INFLUX_V2)
		conf_err(L, member(g, "password_file"), "influxdb: 'password_file' without "
		    "'username'");
	get_name(L, &k[IN_ORG], ctx, "org", in->org, sizeof(in->org));
	get_name(L, &k[IN_BUCKET], ctx, "bucket", in->bucket, sizeof(in->bucket));
	conf_get_path(L, &k[IN_TOKEN_FILE], ctx, "token_file", NULL, in->token_file,
	    sizeof(in->token_file));

	if (conf_get_int(L, &k[IN_BATCH_SIZE], ctx, "batch_size", 1, 100000, 5000, &v))
		in->batch_size = (unsigned)v;
	conf_get_dur(L, &k[IN_FLUSH_INTERVAL], ctx, "flush_interval", 0, 3600000, 10000,
	    &in->flush_interval_ms);
	conf_get_bool(L, &k[IN_GZIP], true, &in->gzip);
	conf_get_dur(L, &k[IN_TIMEOUT], ctx, "timeout", 1000, 600000, 10000, &in->timeout_ms);
	conf_get_bool(L, &k[IN_TLS_VERIFY], true, &in->tls_verify);
	conf_get_path(L, &k[IN_CA_FILE], ctx, "ca_file", NULL, in->ca_file, sizeof(in->ca_file));
	/* Mixed up: TLS settings for a server spoken to in the clear. */
	if (https == 0) {
		static const int tls_only[] = { IN_TLS_VERIFY, IN_CA_FILE };

		for (size_t i = 0; i < NELEM(tls_only); i++)
			if (k[tls_only[i]].present)
				conf_err(L, member(g, influx_keys[tls_only[i]].name), "influxdb: '%s' "
				    "is only for an https:// url", influx_keys[tls_only[i]].name);
	}
}
