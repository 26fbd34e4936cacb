/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the configuration loader: a full file loads with the values
 * and defaults it should; every kind of error is reported as the exact
 * "FILE:LINE: message" lines, all of them, in file order; @include works and
 * fails cleanly; and every example in config/ loads.  Files are written to a
 * fresh temporary directory and removed at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"

static char dir[64];

/* Write text to dir/name; the path into path. */
static void
put(const char *name, const char *text, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

/* Every message of errs, one a line, each ending in a newline. */
static char *
joined(const struct conf_errors *errs)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < errs->n; i++)
		len += strlen(errs->lines[i]) + 1;
	s = calloc(1, len);
	for (size_t i = 0; s != NULL && i < errs->n; i++) {
		strcat(s, errs->lines[i]);
		strcat(s, "\n");
	}
	return s;
}

/* want with each "@:" made path + ":" and each "%DIR%" made the directory. */
static char *
expand(const char *want, const char *path)
{
	size_t n = 1;
	char *s, *p;

	for (const char *w = want; *w; w++)
		n += *w == '@' ? strlen(path) + 1 : *w == '%' ? strlen(dir) : 1;
	s = p = malloc(n);
	for (const char *w = want; *w; w++) {
		if (w[0] == '@' && w[1] == ':') {
			strcpy(p, path);
			p += strlen(path);
		} else if (strncmp(w, "%DIR%", 5) == 0) {
			strcpy(p, dir);
			p += strlen(dir);
			w += 4;
		} else {
			*p++ = *w;
		}
	}
	*p = '\0';
	return s;
}

/* Load text as dir/name and compare every message with want (see expand). */
static void
check_errors(const char *what, const char *name, const char *text, const char *want)
{
	struct conf_errors errs = { NULL, 0 };
	struct conf *c = NULL;
	char path[256], *got, *exp;
	int rc;

	put(name, text, path, sizeof(path));
	rc = conf_load(path, &c, &errs);
	CHECK_EQ_INT(-EINVAL, rc, "%s: the load fails with -EINVAL", what);
	CHECK(c == NULL, "%s: no configuration on failure", what);
	got = joined(&errs);
	exp = expand(want, path);
	CHECK_EQ_STR(exp, got, "%s: messages", what);
	free(got);
	free(exp);
	conf_free(c);
	conf_errors_clear(&errs);
	unlink(path);
}

/* Load text as dir/name, expecting success; the caller frees. */
static struct conf *
load_ok(const char *what, const char *name, const char *text)
{
	struct conf_errors errs = { NULL, 0 };
	struct conf *c = NULL;
	char path[256];
	int rc;

	put(name, text, path, sizeof(path));
	rc = conf_load(path, &c, &errs);
	CHECK_EQ_INT(0, rc, "%s: loads", what);
	for (size_t i = 0; i < errs.n; i++)
		printf("# %s\n", errs.lines[i]);
	CHECK_EQ_INT(0, errs.n, "%s: no messages", what);
	conf_errors_clear(&errs);
	unlink(path);
	return rc == 0 ? c : NULL;
}

static const char full_text[] =
	"# every key of every group\n"
	"station = {\n"
	"  id = \"pp-06\";\n"
	"  name = \"Lake centre buoy\";\n"
	"  latitude = -18.74;\n"
	"  longitude = -67;\n"				/* an integer where a number is wanted */
	"  elevation = 3686.0;\n"
	"};\n"
	"buses = (\n"
	"  { name = \"rs485\"; type = \"rtu\"; device = \"/dev/ttyUSB0\"; baud = 19200;\n"
	"    parity = \"even\"; data_bits = 7; stop_bits = 2; timeout = \"500ms\"; turnaround = \"10ms\"; },\n"
	"  { name = \"lan\"; type = \"tcp\"; host = \"10.0.0.5\"; port = 1502; timeout = \"2s\";\n"
	"    turnaround = \"1ms\"; },\n"
	"  { name = \"gw-1\"; type = \"rtu-over-tcp\"; host = \"gw.example\"; }\n"
	");\n"
	"devices = (\n"
	"  { name = \"sonde\"; bus = \"rs485\"; unit = 1; model = \"insitu-at400\"; interval = \"30s\";\n"
	"    timeout = \"3s\"; enabled = false; maintenance = true; max_read = 32; max_gap = 4;\n"
	"    plausible = ( { point = \"ph\"; min = 6.0; max = 11.0; },\n"
	"                  { point = \"temperature\"; max = 40; } );\n"
	"    calibration = ( { point = \"ph\"; offset = -0.1; scale = 1.02; },\n"
	"                    { point = \"orp\"; offset = 5; } ); },\n"
	"  { name = \"level\"; bus = \"rs485\"; unit = 2; model = \"keller-x\"; },\n"
	"  { name = \"turb\"; bus = \"lan\"; unit = 3; model = \"generic\"; interval = \"0ms\";\n"
	"    points = (\n"
	"      { name = \"turbidity\"; unit = \"NTU\"; register = \"input\"; address = 0; type = \"f32\";\n"
	"        order = \"cdab\"; scale = 0.5; offset = 1.0; min = 0.0; max = 4000.0; },\n"
	"      { name = \"status\"; unit = \"1\"; address = 65535; }\n"
	"    );\n"
	"    plausible = ( { point = \"turbidity\"; min = 0.0; max = 1000.0; } ); }\n"
	");\n"
	"store = { path = \"data/lw.db\"; retention = \"0s\"; commit_interval = \"250ms\"; };\n"
	"control = { socket = \"/tmp/lw.sock\"; };\n";

static void
test_full(void)
{
	struct conf *c = load_ok("full", "full.conf", full_text);
	const struct conf_device *d, *pd = NULL;
	const struct drv_point *p;
	char want[256];
	size_t pi = 99;
	int ph, temp, orp;

	if (c == NULL)
		return;
	snprintf(want, sizeof(want), "%s/full.conf", dir);
	CHECK_EQ_STR(want, c->path, "path as given");
	CHECK_EQ_STR("pp-06", c->station.id, "station id");
	CHECK_EQ_STR("Lake centre buoy", c->station.name, "station name");
	CHECK(c->station.metrics_interval_ms == 60000, "self-metrics every 60 s by default");
	CHECK(c->station.has_position, "station has a position");
	CHECK_EQ_DBL(-18.74, c->station.latitude, 1e-12, "latitude");
	CHECK_EQ_DBL(-67.0, c->station.longitude, 0, "an integer longitude");
	CHECK_EQ_DBL(3686.0, c->station.elevation, 0, "elevation");

	CHECK_EQ_INT(3, c->nbuses, "three buses");
	CHECK_EQ_STR("rs485", c->buses[0].name, "bus 0 name");
	CHECK_EQ_INT(CONF_BUS_RTU, c->buses[0].type, "bus 0 rtu");
	CHECK_EQ_STR("/dev/ttyUSB0", c->buses[0].device, "bus 0 device");
	CHECK_EQ_INT(19200, c->buses[0].baud, "bus 0 baud");
	CHECK_EQ_INT('E', c->buses[0].parity, "bus 0 parity");
	CHECK_EQ_INT(7, c->buses[0].data_bits, "bus 0 data bits");
	CHECK_EQ_INT(2, c->buses[0].stop_bits, "bus 0 stop bits");
	CHECK_EQ_INT(500, c->buses[0].timeout_ms, "bus 0 timeout");
	CHECK_EQ_INT(10, c->buses[0].turnaround_ms, "bus 0 turnaround");
	CHECK_EQ_INT(10, c->buses[0].line, "bus 0 line");
	CHECK_EQ_INT(CONF_BUS_TCP, c->buses[1].type, "bus 1 tcp");
	CHECK_EQ_STR("10.0.0.5", c->buses[1].host, "bus 1 host");
	CHECK_EQ_INT(1502, c->buses[1].port, "bus 1 port");
	CHECK_EQ_INT(2000, c->buses[1].timeout_ms, "bus 1 timeout");
	CHECK_EQ_INT(1, c->buses[1].turnaround_ms, "bus 1 turnaround");
	CHECK_EQ_INT(CONF_BUS_RTU_OVER_TCP, c->buses[2].type, "bus 2 rtu over tcp");
	CHECK_EQ_STR("gw.example", c->buses[2].host, "bus 2 host");
	CHECK_EQ_INT(502, c->buses[2].port, "bus 2 default port");
	CHECK_EQ_INT(1000, c->buses[2].timeout_ms, "bus 2 default timeout");
	CHECK_EQ_INT(5, c->buses[2].turnaround_ms, "rtu over tcp: default turnaround 5ms");

	CHECK_EQ_INT(3, c->ndevices, "three devices");
	d = &c->devices[0];
	CHECK_EQ_STR("sonde", d->name, "device 0 name");
	CHECK_EQ_INT(0, d->bus, "device 0 bus");
	CHECK_EQ_INT(1, d->unit, "device 0 unit");
	CHECK(d->model == drv_find("insitu-at400"), "device 0 model is the shipped table");
	CHECK(d->generic == NULL, "device 0 owns no model");
	CHECK_EQ_INT(30000, d->interval_ms, "device 0 interval");
	CHECK_EQ_INT(3000, d->timeout_ms, "device 0 timeout");
	CHECK(!d->enabled, "device 0 disabled");
	CHECK(d->maintenance, "device 0 in maintenance");
	CHECK_EQ_INT(32, d->max_read, "device 0 max_read");
	CHECK_EQ_INT(4, d->max_gap, "device 0 max_gap");
	ph = drv_point_index(d->model, "ph");
	temp = drv_point_index(d->model, "temperature");
	orp = drv_point_index(d->model, "orp");
	CHECK(ph >= 0 && temp >= 0 && orp >= 0, "the sonde has ph, temperature and orp");
	if (ph >= 0 && temp >= 0 && orp >= 0 && d->adjust != NULL) {
		CHECK(d->adjust[ph].has_plausible, "ph plausible");
		CHECK_EQ_DBL(6.0, d->adjust[ph].plausible_min, 0, "ph plausible min");
		CHECK_EQ_DBL(11.0, d->adjust[ph].plausible_max, 0, "ph plausible max");
		CHECK_EQ_DBL(1.02, d->adjust[ph].cal_scale, 0, "ph calibration scale");
		CHECK_EQ_DBL(-0.1, d->adjust[ph].cal_offset, 0, "ph calibration offset");
		CHECK(d->adjust[temp].has_plausible, "temperature plausible");
		CHECK(isinf(d->adjust[temp].plausible_min) && d->adjust[temp].plausible_min < 0,
		    "temperature plausible: no minimum");
		CHECK_EQ_DBL(40.0, d->adjust[temp].plausible_max, 0, "temperature plausible max");
		CHECK_EQ_DBL(1.0, d->adjust[temp].cal_scale, 0, "temperature: default scale");
		CHECK_EQ_DBL(0.0, d->adjust[temp].cal_offset, 0, "temperature: default offset");
		CHECK_EQ_DBL(1.0, d->adjust[orp].cal_scale, 0, "orp: default scale");
		CHECK_EQ_DBL(5.0, d->adjust[orp].cal_offset, 0, "orp: integer offset");
		CHECK(!d->adjust[orp].has_plausible, "orp: no plausible range");
	}

	d = &c->devices[1];
	CHECK(d->model == drv_find("keller-x"), "device 1 model");
	CHECK_EQ_INT(60000, d->interval_ms, "device 1 default interval");
	CHECK_EQ_INT(500, d->timeout_ms, "device 1 timeout: the bus's");
	CHECK(d->enabled && !d->maintenance, "device 1 enabled, not in maintenance");
	CHECK_EQ_INT(d->model->max_regs_per_read, d->max_read, "device 1 max_read: the model's");
	CHECK_EQ_INT(d->model->max_gap, d->max_gap, "device 1 max_gap: the model's");
	for (size_t i = 0; d->adjust != NULL && i < d->model->npoints; i++)
		CHECK(d->adjust[i].cal_scale == 1.0 && d->adjust[i].cal_offset == 0.0 &&
		    !d->adjust[i].has_plausible, "device 1 point %zu: no adjustment", i);

	d = &c->devices[2];
	CHECK(d->generic != NULL && d->model == d->generic, "device 2 owns a generic model");
	CHECK_EQ_INT(0, d->interval_ms, "device 2 interval 0");
	CHECK_EQ_INT(2000, d->timeout_ms, "device 2 timeout: the tcp bus's");
	CHECK_EQ_INT(125, d->max_read, "generic: default max_read 125");
	CHECK_EQ_INT(0, d->max_gap, "generic: default max_gap 0");
	if (d->generic != NULL) {
		CHECK_EQ_STR("generic", d->model->name, "generic model name");
		CHECK_EQ_STR("generic Modbus device", d->model->description, "generic description");
		CHECK_EQ_INT(125, d->model->max_regs_per_read, "generic max_regs_per_read");
		CHECK_EQ_INT(2, d->model->npoints, "generic: two points");
		p = &d->model->points[0];
		CHECK_EQ_STR("turbidity", p->name, "point 0 name");
		CHECK_EQ_STR("NTU", p->unit, "point 0 unit");
		CHECK_EQ_INT(MB_INPUT, p->reg, "point 0 input register");
		CHECK_EQ_INT(0, p->addr, "point 0 address");
		CHECK_EQ_INT(MB_F32, p->type, "point 0 f32");
		CHECK_EQ_INT(MB_CDAB, p->order, "point 0 cdab");
		CHECK_EQ_DBL(0.5, p->scale, 0, "point 0 scale");
		CHECK_EQ_DBL(1.0, p->offset, 0, "point 0 offset");
		CHECK_EQ_DBL(0.0, p->rated_min, 0, "point 0 rated min");
		CHECK_EQ_DBL(4000.0, p->rated_max, 0, "point 0 rated max");
		p = &d->model->points[1];
		CHECK_EQ_STR("status", p->name, "point 1 name");
		CHECK_EQ_INT(MB_HOLDING, p->reg, "point 1: default holding");
		CHECK_EQ_INT(65535, p->addr, "point 1: a u16 at the last address");
		CHECK_EQ_INT(MB_U16, p->type, "point 1: default u16");
		CHECK_EQ_INT(MB_ABCD, p->order, "point 1: default abcd");
		CHECK_EQ_DBL(1.0, p->scale, 0, "point 1: default scale");
		CHECK_EQ_DBL(0.0, p->offset, 0, "point 1: default offset");
		CHECK(isinf(p->rated_min) && isinf(p->rated_max), "point 1: no rated range");
		CHECK(d->adjust != NULL && d->adjust[0].has_plausible &&
		    d->adjust[0].plausible_max == 1000.0, "generic point plausible range");
	}

	snprintf(want, sizeof(want), "%s/data/lw.db", dir);
	CHECK_EQ_STR(want, c->store.path, "a relative store path is taken from the file's directory");
	CHECK_EQ_INT(0, c->store.retention_ms, "retention 0s: keep for ever");
	CHECK_EQ_INT(250, c->store.commit_interval_ms, "commit interval");
	CHECK_EQ_STR("/tmp/lw.sock", c->control_socket, "control socket");

	CHECK(conf_find_device(c, "level") == &c->devices[1], "find device level");
	CHECK(conf_find_device(c, "nope") == NULL, "no device nope");
	CHECK(conf_device_bus(c, &c->devices[2]) == &c->buses[1], "device turb is on bus lan");
	CHECK_EQ_INT(0, conf_find_point(c, "sonde.ph", &pd, &pi), "find sonde.ph");
	CHECK(pd == &c->devices[0] && (int)pi == ph, "sonde.ph resolves to the sonde's ph");
	CHECK_EQ_INT(0, conf_find_point(c, "turb.status", &pd, &pi), "find turb.status");
	CHECK(pd == &c->devices[2] && pi == 1, "turb.status is the generic point 1");
	CHECK_EQ_INT(-ENOENT, conf_find_point(c, "sonde.nope", &pd, &pi), "no point sonde.nope");
	CHECK_EQ_INT(-ENOENT, conf_find_point(c, "nope.ph", &pd, &pi), "no device nope.ph");
	CHECK_EQ_INT(-ENOENT, conf_find_point(c, "sonde", &pd, &pi), "no dot: no point");
	conf_free(c);
}

#define ST	"station = { id = \"pp-06\"; };\n"
#define BUS	"buses = ( { name = \"rs485\"; type = \"rtu\"; device = \"/dev/ttyUSB0\"; } );\n"
#define DEV	"devices = ( { name = \"sonde\"; bus = \"rs485\"; unit = 1; model = \"insitu-at400\"; } );\n"
#define DEV_OPEN "devices = ( { name = \"sonde\"; bus = \"rs485\"; unit = 1; model = \"insitu-at400\";\n"
#define ALERTS	ST BUS DEV "alerts = (\n"

static void
test_defaults(void)
{
	struct conf *c = load_ok("minimal", "minimal.conf", ST BUS DEV);
	const struct conf_bus *b;
	const struct conf_device *d;

	if (c == NULL)
		return;
	b = &c->buses[0];
	d = &c->devices[0];
	CHECK_EQ_STR("", c->station.name, "station name: empty by default");
	CHECK(!c->station.has_position, "no position");
	CHECK(isnan(c->station.elevation), "elevation: NAN when not given");
	CHECK_EQ_INT(9600, b->baud, "default baud");
	CHECK_EQ_INT('N', b->parity, "default parity");
	CHECK_EQ_INT(8, b->data_bits, "default data bits");
	CHECK_EQ_INT(1, b->stop_bits, "default stop bits");
	CHECK_EQ_INT(1000, b->timeout_ms, "default timeout");
	CHECK_EQ_INT(5, b->turnaround_ms, "rtu: default turnaround 5ms");
	CHECK_EQ_INT(60000, d->interval_ms, "default interval");
	CHECK_EQ_INT(1000, d->timeout_ms, "device timeout: the bus's");
	CHECK(d->enabled, "enabled by default");
	CHECK(!d->maintenance, "not in maintenance by default");
	CHECK_EQ_INT(64, d->max_read, "max_read: the model's");
	CHECK_EQ_INT(16, d->max_gap, "max_gap: the model's");
	CHECK_EQ_STR(CONF_DEFAULT_STORE, c->store.path, "default store path");
	CHECK_EQ_INT(3650LL * 86400000, c->store.retention_ms, "default retention");
	CHECK_EQ_INT(0, c->store.commit_interval_ms, "default commit interval");
	CHECK_EQ_STR(CONF_DEFAULT_CONTROL, c->control_socket, "default control socket");
	conf_free(c);

	c = load_ok("tcp defaults", "tcp.conf", ST
	    "buses = ( { name = \"lan\"; type = \"tcp\"; host = \"h\"; } );\n"
	    "devices = ( { name = \"d\"; bus = \"lan\"; unit = 1; model = \"keller-x\"; } );\n");
	if (c != NULL) {
		CHECK_EQ_INT(502, c->buses[0].port, "tcp: default port 502");
		CHECK_EQ_INT(0, c->buses[0].turnaround_ms, "tcp: default turnaround 0");
		CHECK_EQ_INT(0, c->buses[0].baud, "tcp: no baud");
	}
	conf_free(c);

	/* libconfig 1.5 rejects a comment that ends the text without a newline. */
	c = load_ok("a last comment without a newline", "nonl.conf", ST BUS DEV "# the end");
	conf_free(c);
}

/* Both forwarders with every key; paths relative to the file's directory. */
static const char forward_text[] =
	ST BUS DEV
	"store = { max_size = \"512MiB\"; };\n"
	"mqtt = {\n"							/* 5 */
	"  host = \"broker.example\"; port = 1884; client_id = \"pp06-buoy\";\n"
	"  keepalive = \"2m\"; qos = 2; retain = false; topic_root = \"bolivia/poopo\";\n"
	"  username = \"pp-06\"; password_file = \"secrets/mqtt.password\"; protocol = \"5\";\n"
	"  max_inflight = 20; connect_timeout = \"30s\";\n"
	"  tls = { ca_file = \"/etc/ssl/ca.pem\"; ca_path = \"certs\"; cert_file = \"pp-06.crt\";\n"
	"    key_file = \"/etc/lakewatch/pp-06.key\"; verify_hostname = false; min_version = \"1.3\"; };\n"
	"};\n"
	"influxdb = {\n"						/* 13 */
	"  url = \"https://influx.example:8443/influx//\"; api = \"v1\"; database = \"lakewatch\";\n"
	"  retention_policy = \"ten_years\"; username = \"writer\"; password_file = \"influx.password\";\n"
	"  batch_size = 100000; flush_interval = \"0s\"; gzip = false; timeout = \"10m\";\n"
	"  tls_verify = false; ca_file = \"ca/influx.pem\";\n"
	"};\n";

static void
test_forwarders(void)
{
	struct conf *c = load_ok("mqtt and influxdb", "forward.conf", forward_text);
	const struct conf_mqtt *m;
	const struct conf_influx *in;
	char want[256];

	if (c != NULL) {
		m = &c->mqtt;
		in = &c->influx;
		CHECK_EQ_INT(512LL << 20, c->store.max_size_bytes, "store max_size 512MiB");
		CHECK(m->enabled, "mqtt enabled");
		CHECK_EQ_INT(5, m->line, "mqtt line");
		CHECK_EQ_STR("broker.example", m->host, "mqtt host");
		CHECK_EQ_INT(1884, m->port, "mqtt port");
		CHECK_EQ_STR("pp06-buoy", m->client_id, "mqtt client_id");
		CHECK_EQ_INT(120000, m->keepalive_ms, "mqtt keepalive");
		CHECK_EQ_INT(2, m->qos, "mqtt qos");
		CHECK(!m->retain, "mqtt retain false");
		CHECK_EQ_STR("bolivia/poopo", m->topic_root, "mqtt topic_root");
		CHECK_EQ_STR("pp-06", m->username, "mqtt username");
		snprintf(want, sizeof(want), "%s/secrets/mqtt.password", dir);
		CHECK_EQ_STR(want, m->password_file, "mqtt password_file from the file's directory");
		CHECK_EQ_INT(CONF_MQTT_V5, m->protocol, "mqtt protocol 5");
		CHECK_EQ_INT(20, m->max_inflight, "mqtt max_inflight");
		CHECK_EQ_INT(30000, m->connect_timeout_ms, "mqtt connect_timeout");
		CHECK(m->tls, "mqtt tls");
		CHECK_EQ_STR("/etc/ssl/ca.pem", m->tls_ca_file, "mqtt tls ca_file");
		snprintf(want, sizeof(want), "%s/certs", dir);
		CHECK_EQ_STR(want, m->tls_ca_path, "mqtt tls ca_path from the file's directory");
		snprintf(want, sizeof(want), "%s/pp-06.crt", dir);
		CHECK_EQ_STR(want, m->tls_cert_file, "mqtt tls cert_file from the file's directory");
		CHECK_EQ_STR("/etc/lakewatch/pp-06.key", m->tls_key_file, "mqtt tls key_file");
		CHECK(!m->tls_verify_hostname, "mqtt tls verify_hostname false");
		CHECK_EQ_STR("tlsv1.3", m->tls_version, "mqtt tls min_version as libmosquitto names it");

		CHECK(in->enabled, "influxdb enabled");
		CHECK_EQ_INT(13, in->line, "influxdb line");
		CHECK_EQ_STR("https://influx.example:8443/influx", in->url, "influxdb url, trailing '/'s off");
		CHECK_EQ_INT(CONF_INFLUX_V1, in->api, "influxdb api v1");
		CHECK_EQ_STR("lakewatch", in->database, "influxdb database");
		CHECK_EQ_STR("ten_years", in->retention_policy, "influxdb retention_policy");
		CHECK_EQ_STR("writer", in->username, "influxdb username");
		snprintf(want, sizeof(want), "%s/influx.password", dir);
		CHECK_EQ_STR(want, in->password_file, "influxdb password_file from the file's directory");
		CHECK_EQ_STR("", in->org, "influxdb v1: no org");
		CHECK_EQ_STR("", in->bucket, "influxdb v1: no bucket");
		CHECK_EQ_STR("", in->token_file, "influxdb v1: no token_file");
		CHECK_EQ_INT(100000, in->batch_size, "influxdb batch_size");
		CHECK_EQ_INT(0, in->flush_interval_ms, "influxdb flush_interval 0s");
		CHECK(!in->gzip, "influxdb gzip false");
		CHECK_EQ_INT(600000, in->timeout_ms, "influxdb timeout");
		CHECK(!in->tls_verify, "influxdb tls_verify false");
		snprintf(want, sizeof(want), "%s/ca/influx.pem", dir);
		CHECK_EQ_STR(want, in->ca_file, "influxdb ca_file from the file's directory");
	}
	conf_free(c);

	/* The defaults. */
	c = load_ok("mqtt and influxdb defaults", "forward-defaults.conf", ST BUS DEV
	    "mqtt = { host = \"127.0.0.1\"; };\n"
	    "influxdb = { url = \"http://127.0.0.1:8086/\"; database = \"lakewatch\"; };\n");
	if (c != NULL) {
		m = &c->mqtt;
		in = &c->influx;
		CHECK_EQ_INT(0, c->store.max_size_bytes, "store max_size: no cap by default");
		CHECK(m->enabled, "mqtt enabled");
		CHECK_EQ_INT(4, m->line, "mqtt line");
		CHECK_EQ_INT(1883, m->port, "mqtt default port 1883");
		CHECK_EQ_STR("lakewatch-pp-06", m->client_id, "mqtt client_id from the station id");
		CHECK_EQ_INT(60000, m->keepalive_ms, "mqtt default keepalive 60s");
		CHECK_EQ_INT(1, m->qos, "mqtt default qos 1");
		CHECK(m->retain, "mqtt retained by default");
		CHECK_EQ_STR("lakewatch", m->topic_root, "mqtt default topic_root");
		CHECK_EQ_STR("", m->username, "mqtt no username");
		CHECK_EQ_STR("", m->password_file, "mqtt no password_file");
		CHECK_EQ_INT(CONF_MQTT_V311, m->protocol, "mqtt default protocol 3.1.1");
		CHECK_EQ_INT(1000, m->max_inflight, "mqtt default max_inflight");
		CHECK_EQ_INT(10000, m->connect_timeout_ms, "mqtt default connect_timeout");
		CHECK(!m->tls, "mqtt no tls");
		CHECK_EQ_STR("", m->tls_ca_file, "mqtt no tls ca_file");
		CHECK(m->tls_verify_hostname, "mqtt tls verify_hostname by default");
		CHECK_EQ_STR("tlsv1.2", m->tls_version, "mqtt default tls version");

		CHECK(in->enabled, "influxdb enabled");
		CHECK_EQ_STR("http://127.0.0.1:8086", in->url, "influxdb url, trailing '/' off");
		CHECK_EQ_INT(CONF_INFLUX_V1, in->api, "influxdb api v1 from database");
		CHECK_EQ_STR("", in->retention_policy, "influxdb no retention_policy");
		CHECK_EQ_STR("", in->username, "influxdb no username");
		CHECK_EQ_STR("", in->password_file, "influxdb no password_file");
		CHECK_EQ_INT(5000, in->batch_size, "influxdb default batch_size");
		CHECK_EQ_INT(10000, in->flush_interval_ms, "influxdb default flush_interval");
		CHECK(in->gzip, "influxdb gzip by default");
		CHECK_EQ_INT(10000, in->timeout_ms, "influxdb default timeout");
		CHECK(in->tls_verify, "influxdb tls_verify by default");
		CHECK_EQ_STR("", in->ca_file, "influxdb no ca_file");
	}
	conf_free(c);

	/* Neither group: both off. */
	c = load_ok("no forwarders", "forward-none.conf", ST BUS DEV);
	if (c != NULL) {
		CHECK(!c->mqtt.enabled, "no mqtt group: mqtt off");
		CHECK(!c->influx.enabled, "no influxdb group: influxdb off");
	}
	conf_free(c);

	/* TLS moves the default port; a client certificate comes with its key. */
	c = load_ok("mqtt tls defaults", "forward-tls.conf", ST BUS DEV
	    "mqtt = { host = \"broker.example\";\n tls = { ca_path = \"/etc/ssl/certs\"; }; };\n");
	if (c != NULL) {
		m = &c->mqtt;
		CHECK(m->tls, "mqtt tls");
		CHECK_EQ_INT(8883, m->port, "mqtt default port 8883 with tls");
		CHECK_EQ_STR("", m->tls_ca_file, "mqtt tls no ca_file");
		CHECK_EQ_STR("/etc/ssl/certs", m->tls_ca_path, "mqtt tls ca_path");
		CHECK_EQ_STR("", m->tls_cert_file, "mqtt tls no cert_file");
		CHECK_EQ_STR("", m->tls_key_file, "mqtt tls no key_file");
		CHECK(m->tls_verify_hostname, "mqtt tls verify_hostname by default");
		CHECK_EQ_STR("tlsv1.2", m->tls_version, "mqtt tls default min_version");
	}
	conf_free(c);
	c = load_ok("mqtt tls on port 1883, username without password", "forward-tls2.conf", ST BUS DEV
	    "mqtt = { host = \"h\"; port = 1883; username = \"u\";\n"
	    " tls = { ca_file = \"ca.pem\"; min_version = \"1.2\"; }; };\n");
	if (c != NULL) {
		CHECK_EQ_INT(1883, c->mqtt.port, "mqtt tls: an explicit port wins");
		CHECK_EQ_STR("u", c->mqtt.username, "mqtt username without password_file");
	}
	conf_free(c);
	/* A station id of the longest kind still makes a client id. */
	c = load_ok("mqtt client_id from a long station id", "forward-long.conf",
	    "station = { id = \"abcdefghijabcdefghijabcdefghijabcdefghijabcdefg\"; };\n" BUS DEV
	    "mqtt = { host = \"h\"; qos = 0; keepalive = \"65535s\"; };\n");
	if (c != NULL) {
		CHECK_EQ_STR("lakewatch-abcdefghijabcdefghijabcdefghijabcdefghijabcdefg",
		    c->mqtt.client_id, "mqtt client_id from a 47-character station id");
		CHECK_EQ_INT(0, c->mqtt.qos, "mqtt qos 0");
		CHECK_EQ_INT(65535000, c->mqtt.keepalive_ms, "mqtt keepalive at MQTT's limit");
	}
	conf_free(c);

	/* InfluxDB 2.x: api from the bucket, or said; a token is optional. */
	c = load_ok("influxdb v2", "forward-v2.conf", ST BUS DEV
	    "influxdb = { url = \"http://[::1]:8086\"; org = \"lakewatch\"; bucket = \"poopo\";\n"
	    " token_file = \"/etc/lakewatch/influxdb.token\"; };\n");
	if (c != NULL) {
		in = &c->influx;
		CHECK_EQ_INT(CONF_INFLUX_V2, in->api, "influxdb api v2 from bucket");
		CHECK_EQ_STR("http://[::1]:8086", in->url, "influxdb IPv6 url");
		CHECK_EQ_STR("lakewatch", in->org, "influxdb org");
		CHECK_EQ_STR("poopo", in->bucket, "influxdb bucket");
		CHECK_EQ_STR("/etc/lakewatch/influxdb.token", in->token_file, "influxdb token_file");
		CHECK_EQ_STR("", in->database, "influxdb v2: no database");
	}
	conf_free(c);
	c = load_ok("influxdb api v2 without a token", "forward-v2b.conf", ST BUS DEV
	    "influxdb = { url = \"https://influx.example\"; api = \"v2\"; org = \"o\"; bucket = \"b\";\n"
	    " flush_interval = \"1h\"; batch_size = 1; timeout = \"1s\"; };\n");
	if (c != NULL) {
		in = &c->influx;
		CHECK_EQ_INT(CONF_INFLUX_V2, in->api, "influxdb api v2 as said");
		CHECK_EQ_STR("", in->token_file, "influxdb v2 without token_file");
		CHECK_EQ_INT(3600000, in->flush_interval_ms, "influxdb flush_interval 1h");
		CHECK_EQ_INT(1, in->batch_size, "influxdb batch_size 1");
		CHECK_EQ_INT(1000, in->timeout_ms, "influxdb timeout 1s");
		CHECK(in->tls_verify, "influxdb https: tls_verify by default");
	}
	conf_free(c);

	/* Sizes at the edges of the range. */
	c = load_ok("store max_size 1MB", "size-min.conf", ST BUS DEV "store = { max_size = \"1MB\"; };\n");
	CHECK(c != NULL && c->store.max_size_bytes == 1000000, "store max_size 1MB");
	conf_free(c);
	c = load_ok("store max_size 1TB", "size-max.conf", ST BUS DEV "store = { max_size = \"1TB\"; };\n");
	CHECK(c != NULL && c->store.max_size_bytes == 1000000000000LL, "store max_size 1TB");
	conf_free(c);
	c = load_ok("store max_size 2GB", "size-2gb.conf", ST BUS DEV "store = { max_size = \"2GB\"; };\n");
	CHECK(c != NULL && c->store.max_size_bytes == 2000000000LL, "store max_size 2GB");
	conf_free(c);
}

/* The InfluxDB url: what is taken, as it is kept, and what is refused, with the message. */
static void
test_urls(void)
{
	static const struct {
		const char	*url;
		const char	*want;		/* the url kept, or the message after "@:4: " */
		bool		 ok;
	} urls[] = {
		{ "http://h", "http://h", true },
		{ "http://10.0.0.2:8086", "http://10.0.0.2:8086", true },
		{ "https://influx.example.org:443/", "https://influx.example.org:443", true },
		{ "http://h:8086///", "http://h:8086", true },
		{ "http://[fe80::1]:8086/influx//", "http://[fe80::1]:8086/influx", true },
		{ "https://proxy.example/a/b", "https://proxy.example/a/b", true },
		{ "http://h/writer", "http://h/writer", true },
		{ "http://my_influx:08086", "http://my_influx:08086", true },
		{ "ftp://h", "influxdb: url 'ftp://h' must start with http:// or https://", false },
		{ "h:8086", "influxdb: url 'h:8086' must start with http:// or https://", false },
		{ "HTTP://h", "influxdb: url 'HTTP://h' must start with http:// or https://", false },
		{ "", "influxdb: url '' must start with http:// or https://", false },
		{ "http://", "influxdb: url 'http://' has no valid host: a name, an IPv4 address or an "
		  "IPv6 address in brackets", false },
		{ "http://:8086", "influxdb: url 'http://:8086' has no valid host: a name, an IPv4 "
		  "address or an IPv6 address in brackets", false },
		{ "http:///write", "influxdb: url 'http:///write' has no valid host: a name, an IPv4 "
		  "address or an IPv6 address in brackets", false },
		{ "http://h$x", "influxdb: url 'http://h$x' has no valid host: a name, an IPv4 "
		  "address or an IPv6 address in brackets", false },
		{ "http://[::1", "influxdb: url 'http://[::1' has no valid host: a name, an IPv4 "
		  "address or an IPv6 address in brackets", false },
		{ "http://[]:80", "influxdb: url 'http://[]:80' has no valid host: a name, an IPv4 "
		  "address or an IPv6 address in brackets", false },
		{ "http://[::1]x", "influxdb: url 'http://[::1]x' has no valid host: a name, an IPv4 "
		  "address or an IPv6 address in brackets", false },
		{ "http://h h", "influxdb: url 'http://h h' must be printable ASCII without spaces "
		  "(anything else %-encoded)", false },
		{ "http://h/a?db=lakewatch", "influxdb: url 'http://h/a?db=lakewatch' must not have a "
		  "query or a fragment: the database, the bucket and the rest are keys of their own", false },
		{ "http://h#top", "influxdb: url 'http://h#top' must not have a query or a fragment: the "
		  "database, the bucket and the rest are keys of their own", false },
		{ "http://admin:secret@h:8086", "influxdb: url 'http://admin:secret@h:8086' must not hold a "
		  "user or a password: use 'username' and 'password_file' (api 'v1') or 'token_file' "
		  "(api 'v2')", false },
		{ "http://h:0", "influxdb: url 'http://h:0': port '0' out of range 1..65535", false },
		{ "http://h:65536", "influxdb: url 'http://h:65536': port '65536' out of range 1..65535", false },
		{ "http://h:", "influxdb: url 'http://h:': port '' out of range 1..65535", false },
		{ "http://h:80a/", "influxdb: url 'http://h:80a/': port '80a' out of range 1..65535", false },
		{ "http://h:0000080", "influxdb: url 'http://h:0000080': port '0000080' out of range "
		  "1..65535", false },
		{ "http://h:8086/write", "influxdb: url 'http://h:8086/write' must be the server's, "
		  "without '/write': the forwarder adds the API's path", false },
		{ "http://h:8086/api/v2/write/", "influxdb: url 'http://h:8086/api/v2/write' must be the "
		  "server's, without '/api/v2/write': the forwarder adds the API's path", false },
	};

	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		char text[512], want[600], what[128];

		snprintf(text, sizeof(text), ST BUS DEV "influxdb = { url = \"%s\"; database = \"d\"; };\n",
		    urls[i].url);
		snprintf(what, sizeof(what), "url '%s'", urls[i].url);
		if (urls[i].ok) {
			struct conf *c = load_ok(what, "url.conf", text);

			CHECK(c != NULL && strcmp(c->influx.url, urls[i].want) == 0, "url '%s' is kept as '%s'",
			    urls[i].url, urls[i].want);
			conf_free(c);
		} else {
			snprintf(want, sizeof(want), "@:4: %s\n", urls[i].want);
			check_errors(what, "url.conf", text, want);
		}
	}
}

/* Every key of an alert rule and of a notify program, and their defaults. */
static const char alerts_text[] =
	ST BUS
	"devices = ( { name = \"sonde\"; bus = \"rs485\"; unit = 1; model = \"insitu-at400\"; },\n"
	"  { name = \"level\"; bus = \"rs485\"; unit = 2; model = \"keller-x\"; } );\n"
	"alerts = (\n"							/* 5 */
	"  { point = \"sonde.ph\"; unit = \"[pH]\"; suspect = true; message = \"fish kill risk, Untavi 2014\";\n"
	"    warn_high = 9; crit_high = 9.2; warn_low = 7.5; crit_low = 6;\n"
	"    hysteresis = 0.05; hold = \"5m\"; clear_hold = \"15m\";\n"
	"    rate = 0.5; rate_crit = 1; rate_window = \"2h\"; rate_direction = \"falling\";\n"
	"    stale = \"15m\"; stale_severity = \"critical\";\n"
	"    flatline = \"6h\"; flatline_tolerance = 0.001; flatline_severity = \"critical\";\n"
	"    comm_failures = 5; comm_severity = \"warning\"; },\n"
	"  { point = \"level.pressure\"; crit_low = 0.67; },\n"	/* 13 */
	"  { point = \"*\"; rate_crit = 2.5; rate_direction = \"rising\"; },\n"
	"  { point = \"sonde.*\"; stale = \"1s\"; },\n"
	"  { point = \"*.temperature\"; flatline = \"30d\"; },\n"
	"  { point = \"*.turbidity\"; comm_failures = 10000; }\n"
	");\n"
	"notify = (\n"							/* 19 */
	"  { name = \"sms-duty\"; exec = \"/usr/local/bin/lakewatch-sms\";\n"
	"    args = ( \"--to\", \"+59170000000\", \"\" ); min_severity = \"critical\";\n"
	"    timeout = \"10m\"; repeat = \"30d\"; min_interval = \"1d\"; },\n"
	"  { exec = \"/usr/local/bin/Lakewatch_Mail.sh\"; args = [ \"ops@example.org\" ];\n"
	"    repeat = \"60s\"; min_interval = \"0s\"; timeout = \"1s\"; },\n"
	"  { exec = \"/usr/local/bin/lakewatch-sms\"; name = \"sms-all\"; args = ( ); repeat = \"0s\"; },\n"
	"  { exec = \"/bin/logger\"; }\n"
	");\n";

static void
test_alerts(void)
{
	struct conf *c = load_ok("alerts and notify", "alerts.conf", alerts_text);
	const struct conf_alert *a;
	const struct conf_notify *nt;

	if (c == NULL)
		return;
	CHECK_EQ_INT(6, c->nalerts, "six alert rules");
	a = &c->alerts[0];
	CHECK_EQ_STR("sonde.ph", a->pattern, "rule 0 pattern");
	CHECK_EQ_STR("[pH]", a->unit, "rule 0 unit");
	CHECK(a->use_suspect, "rule 0 suspect");
	CHECK_EQ_STR("fish kill risk, Untavi 2014", a->message, "rule 0 message");
	CHECK_EQ_DBL(9.0, a->warn_high, 0, "rule 0 warn_high (an integer)");
	CHECK_EQ_DBL(9.2, a->crit_high, 0, "rule 0 crit_high");
	CHECK_EQ_DBL(7.5, a->warn_low, 0, "rule 0 warn_low");
	CHECK_EQ_DBL(6.0, a->crit_low, 0, "rule 0 crit_low");
	CHECK_EQ_DBL(0.05, a->hysteresis, 0, "rule 0 hysteresis");
	CHECK_EQ_INT(300000, a->hold_ms, "rule 0 hold");
	CHECK_EQ_INT(900000, a->clear_hold_ms, "rule 0 clear_hold");
	CHECK_EQ_DBL(0.5, a->rate_warn, 0, "rule 0 rate");
	CHECK_EQ_DBL(1.0, a->rate_crit, 0, "rule 0 rate_crit");
	CHECK_EQ_INT(7200000, a->rate_window_ms, "rule 0 rate_window");
	CHECK_EQ_INT(-1, a->rate_direction, "rule 0 rate_direction falling");
	CHECK_EQ_INT(900000, a->stale_ms, "rule 0 stale");
	CHECK_EQ_INT(ALERT_CRITICAL, a->stale_severity, "rule 0 stale_severity");
	CHECK_EQ_INT(21600000, a->flatline_ms, "rule 0 flatline");
	CHECK_EQ_DBL(0.001, a->flatline_tolerance, 0, "rule 0 flatline_tolerance");
	CHECK_EQ_INT(ALERT_CRITICAL, a->flatline_severity, "rule 0 flatline_severity");
	CHECK_EQ_INT(5, a->comm_failures, "rule 0 comm_failures");
	CHECK_EQ_INT(ALERT_WARNING, a->comm_severity, "rule 0 comm_severity");
	CHECK_EQ_INT(6, a->line, "rule 0 line");

	/* Defaults: nothing but a critical low limit. */
	a = &c->alerts[1];
	CHECK_EQ_STR("level.pressure", a->pattern, "rule 1 pattern");
	CHECK_EQ_STR("", a->unit, "rule 1: any unit");
	CHECK(!a->use_suspect, "rule 1: suspect readings do not count by default");
	CHECK_EQ_STR("", a->message, "rule 1: no message");
	CHECK(isnan(a->warn_high) && isnan(a->crit_high) && isnan(a->warn_low),
	    "rule 1: limits not given are NAN");
	CHECK_EQ_DBL(0.67, a->crit_low, 0, "rule 1 crit_low");
	CHECK_EQ_DBL(0.0, a->hysteresis, 0, "rule 1: hysteresis 0");
	CHECK_EQ_INT(0, a->hold_ms, "rule 1: hold 0");
	CHECK_EQ_INT(0, a->clear_hold_ms, "rule 1: clear_hold 0");
	CHECK(isnan(a->rate_warn) && isnan(a->rate_crit), "rule 1: no rate");
	CHECK_EQ_INT(3600000, a->rate_window_ms, "rule 1: rate_window 1h");
	CHECK_EQ_INT(0, a->rate_direction, "rule 1: rate_direction both");
	CHECK_EQ_INT(0, a->stale_ms, "rule 1: not watched for staleness");
	CHECK_EQ_INT(ALERT_WARNING, a->stale_severity, "rule 1: stale_severity warning");
	CHECK_EQ_INT(0, a->flatline_ms, "rule 1: no flatline");
	CHECK_EQ_DBL(0.0, a->flatline_tolerance, 0, "rule 1: flatline_tolerance 0");
	CHECK_EQ_INT(ALERT_WARNING, a->flatline_severity, "rule 1: flatline_severity warning");
	CHECK_EQ_INT(0, a->comm_failures, "rule 1: no comm");
	CHECK_EQ_INT(ALERT_CRITICAL, a->comm_severity, "rule 1: comm_severity critical");
	CHECK_EQ_INT(13, a->line, "rule 1 line");
	a = &c->alerts[2];
	CHECK(isnan(a->rate_warn) && a->rate_crit == 2.5, "rule 2: rate_crit alone");
	CHECK_EQ_INT(1, a->rate_direction, "rule 2: rate_direction rising");
	CHECK_EQ_INT(1000, c->alerts[3].stale_ms, "rule 3: stale 1s");
	CHECK_EQ_INT(30LL * 86400000, c->alerts[4].flatline_ms, "rule 4: flatline 30d");
	CHECK_EQ_INT(10000, c->alerts[5].comm_failures, "rule 5: comm_failures 10000");

	CHECK_EQ_INT(4, c->nnotify, "four notify programs");
	nt = &c->notify[0];
	CHECK_EQ_STR("sms-duty", nt->name, "notify 0 name");
	CHECK_EQ_STR("/usr/local/bin/lakewatch-sms", nt->exec, "notify 0 exec");
	CHECK_EQ_INT(3, nt->nargs, "notify 0: three args");
	CHECK(nt->args != NULL && strcmp(nt->args[0], "--to") == 0 &&
	    strcmp(nt->args[1], "+59170000000") == 0 && strcmp(nt->args[2], "") == 0 &&
	    nt->args[3] == NULL, "notify 0 args, NULL-ended");
	CHECK_EQ_INT(ALERT_CRITICAL, nt->min_severity, "notify 0 min_severity");
	CHECK_EQ_INT(600000, nt->timeout_ms, "notify 0 timeout");
	CHECK_EQ_INT(30LL * 86400000, nt->repeat_ms, "notify 0 repeat");
	CHECK_EQ_INT(86400000, nt->min_interval_ms, "notify 0 min_interval");
	CHECK_EQ_INT(20, nt->line, "notify 0 line");
	nt = &c->notify[1];
	CHECK_EQ_STR("lakewatch_mailsh", nt->name, "notify 1: named after exec, lower case, [a-z0-9_-] only");
	CHECK(nt->nargs == 1 && strcmp(nt->args[0], "ops@example.org") == 0 && nt->args[1] == NULL,
	    "notify 1: args as an array");
	CHECK_EQ_INT(60000, nt->repeat_ms, "notify 1 repeat 60s");
	CHECK_EQ_INT(0, nt->min_interval_ms, "notify 1 min_interval 0s");
	CHECK_EQ_INT(1000, nt->timeout_ms, "notify 1 timeout 1s");
	nt = &c->notify[2];
	CHECK_EQ_STR("sms-all", nt->name, "notify 2: the same program under another name");
	CHECK(nt->nargs == 0 && nt->args != NULL && nt->args[0] == NULL, "notify 2: an empty args list");
	CHECK_EQ_INT(0, nt->repeat_ms, "notify 2: repeat 0s is never");
	nt = &c->notify[3];
	CHECK_EQ_STR("logger", nt->name, "notify 3: named after exec");
	CHECK(nt->nargs == 0 && nt->args != NULL && nt->args[0] == NULL, "notify 3: no args");
	CHECK_EQ_INT(ALERT_WARNING, nt->min_severity, "notify 3: min_severity warning");
	CHECK_EQ_INT(10000, nt->timeout_ms, "notify 3: timeout 10s");
	CHECK_EQ_INT(0, nt->repeat_ms, "notify 3: repeat never");
	CHECK_EQ_INT(300000, nt->min_interval_ms, "notify 3: min_interval 5m");
	conf_free(c);

	/* Empty lists, and neither list: nothing to watch, nobody to tell. */
	c = load_ok("empty alerts and notify", "alerts-empty.conf", ST BUS DEV "alerts = ( );\nnotify = ( );\n");
	CHECK(c != NULL && c->nalerts == 0 && c->alerts == NULL && c->nbinds == 0 && c->binds == NULL &&
	    c->nnotify == 0 && c->notify == NULL, "empty lists: no rules, binds or programs");
	conf_free(c);
	c = load_ok("no alerts", "alerts-none.conf", ST BUS DEV);
	CHECK(c != NULL && c->nalerts == 0 && c->nbinds == 0 && c->nnotify == 0, "no lists: nothing");
	conf_free(c);
	/* A hold with a rate only, a wildcard that matches nothing. */
	c = load_ok("hold with a rate, a pattern matching nothing", "alerts-rate.conf", ST BUS DEV
	    "alerts = ( { point = \"sonde.*\"; rate = 1; hold = \"1d\"; },\n"
	    " { point = \"*.turbidity\"; warn_high = 100; } );\n");
	CHECK(c != NULL && c->alerts[0].hold_ms == 86400000, "hold with a rate limit");
	conf_free(c);

	/* Rules from an @include inside the list, as the presets are; the station's win. */
	{
		char path[256];

		put("rules.inc", "# a preset\n\t{ point = \"*.ph\"; warn_high = 9.0; crit_high = 9.2; },\n",
		    path, sizeof(path));
		c = load_ok("alerts from an @include", "inc-alerts.conf", ST BUS DEV
		    "alerts = (\n@include \"rules.inc\"\n { point = \"sonde.ph\"; warn_high = 8.8; }\n);\n");
		CHECK(c != NULL && c->nalerts == 2 && c->alerts[0].line == 2 && c->alerts[1].line == 6 &&
		    c->nbinds == 1 && c->binds[0].rule == 1 && c->binds[0].kind == ALERT_VALUE,
		    "an included rule, replaced by the station's own");
		conf_free(c);
		put("rules-bad.inc", "\n\t{ point = \"*.ph\"; warn_high = 9.5; crit_high = 9.2; },\n",
		    path, sizeof(path));
		check_errors("an error in an included rule", "inc-alerts-bad.conf", ST BUS DEV
		    "alerts = (\n@include \"rules-bad.inc\"\n { point = \"sonde.orp\"; warn_high = 1; }\n);\n",
		    "%DIR%/rules-bad.inc:2: alert '*.ph': warn_high 9.5 is not below crit_high 9.2\n");
		/* libconfig 1.5 refuses the preset's last comma before ')'. */
		check_errors("an included rule last in the list", "inc-alerts-last.conf", ST BUS DEV
		    "alerts = (\n@include \"rules.inc\"\n);\n", "@:6: syntax error\n");
	}
}

/* One expected bind: names, so the test does not depend on driver point order. */
struct want_bind {
	const char	*device;
	const char	*point;		/* NULL for comm */
	enum alert_kind	 kind;
	size_t		 rule;
};

static int
bind_cmp(const void *x, const void *y)
{
	const struct conf_alert_bind *a = x, *b = y;

	if (a->device != b->device)
		return a->device < b->device ? -1 : 1;
	if (a->point != b->point)
		return a->point < b->point ? -1 : 1;
	return a->kind < b->kind ? -1 : a->kind > b->kind ? 1 : 0;
}

/* c->binds is exactly want (in the documented order). */
static void
check_binds(const char *what, const struct conf *c, const struct want_bind *want, size_t n)
{
	struct conf_alert_bind *exp = calloc(n + 1, sizeof(*exp));
	bool same;

	for (size_t i = 0; exp != NULL && i < n; i++) {
		const struct conf_device *d = conf_find_device(c, want[i].device);

		exp[i].device = d != NULL ? (size_t)(d - c->devices) : 999;
		exp[i].point = want[i].point == NULL ? -1 : d != NULL ?
		    drv_point_index(d->model, want[i].point) : -99;
		exp[i].kind = want[i].kind;
		exp[i].rule = want[i].rule;
	}
	if (exp == NULL)
		return;
	qsort(exp, n, sizeof(*exp), bind_cmp);
	CHECK_EQ_INT(n, c->nbinds, "%s: %zu binds", what, n);
	same = c->nbinds == n;
	for (size_t i = 0; same && i < n; i++) {
		const struct conf_alert_bind *b = &c->binds[i];

		if (b->device != exp[i].device || b->point != exp[i].point || b->kind != exp[i].kind ||
		    b->rule != exp[i].rule) {
			printf("# bind %zu: want %zu %d %d %zu, got %zu %d %d %zu\n", i, exp[i].device,
			    exp[i].point, exp[i].kind, exp[i].rule, b->device, b->point, b->kind, b->rule);
			same = false;
		}
	}
	CHECK(same, "%s: the binds, in order", what);
	free(exp);
}

static void
test_binds(void)
{
	static const struct want_bind want[] = {
		{ "sonde", NULL, ALERT_COMM, 2 },
		{ "sonde", "ph", ALERT_VALUE, 3 },		/* rule 3 replaces rule 0 */
		{ "sonde", "ph", ALERT_RATE, 3 },
		{ "sonde", "ph", ALERT_STALE, 1 },
		{ "sonde", "ph", ALERT_FLATLINE, 2 },
		{ "sonde", "temperature", ALERT_STALE, 1 },
		{ "sonde", "temperature", ALERT_FLATLINE, 2 },
		{ "sonde", "tds", ALERT_VALUE, 4 },		/* ppt: rule 4 */
		{ "sonde", "tds", ALERT_STALE, 1 },
		{ "sonde", "tds", ALERT_FLATLINE, 2 },
		{ "probe", NULL, ALERT_COMM, 2 },
		{ "probe", "ph", ALERT_VALUE, 0 },
		{ "probe", "ph", ALERT_FLATLINE, 2 },
		{ "probe", "temperature", ALERT_FLATLINE, 2 },
		{ "probe", "ph_mv", ALERT_FLATLINE, 2 },
		{ "spare", NULL, ALERT_COMM, 6 },		/* rule 6 (mg/L tds) after rule 5 */
		{ "spare", "tds", ALERT_VALUE, 7 },		/* mg/L: rule 7, not rule 4 */
		{ "spare", "tds", ALERT_FLATLINE, 2 },
		{ "spare", "ph", ALERT_VALUE, 0 },
		{ "spare", "ph", ALERT_FLATLINE, 2 },
	};
	struct conf *c = load_ok("binds", "binds.conf", ST BUS
	    "devices = (\n"
	    "  { name = \"sonde\"; bus = \"rs485\"; unit = 1; model = \"generic\"; points = (\n"
	    "      { name = \"ph\"; unit = \"[pH]\"; address = 0; },\n"
	    "      { name = \"temperature\"; unit = \"Cel\"; address = 1; },\n"
	    "      { name = \"tds\"; unit = \"ppt\"; address = 2; } ); },\n"
	    "  { name = \"probe\"; bus = \"rs485\"; unit = 2; model = \"yosemitech-y532\"; },\n"
	    "  { name = \"spare\"; bus = \"rs485\"; unit = 3; model = \"generic\"; enabled = false; points = (\n"
	    "      { name = \"tds\"; unit = \"mg/L\"; address = 0; },\n"
	    "      { name = \"ph\"; unit = \"[pH]\"; address = 1; } ); }\n"
	    ");\n"
	    "alerts = (\n"
	    "  { point = \"*.ph\"; warn_high = 9.0; crit_high = 9.2; },\n"		/* 0 */
	    "  { point = \"sonde.*\"; stale = \"15m\"; },\n"			/* 1 */
	    "  { point = \"*\"; comm_failures = 3; flatline = \"6h\"; },\n"		/* 2 */
	    "  { point = \"sonde.ph\"; warn_high = 8.8; rate = 0.5; },\n"		/* 3 */
	    "  { point = \"*.tds\"; unit = \"ppt\"; warn_high = 1.0; },\n"		/* 4 */
	    "  { point = \"spare.*\"; comm_failures = 5; },\n"			/* 5 */
	    "  { point = \"*.tds\"; unit = \"mg/L\"; comm_failures = 7; },\n"	/* 6 */
	    "  { point = \"*.tds\"; unit = \"mg/L\"; warn_high = 1000; },\n"	/* 7 */
	    "  { point = \"*.turbidity\"; warn_high = 100; comm_failures = 1; }\n"	/* 8: nothing */
	    ");\n");

	if (c == NULL)
		return;
	check_binds("wildcards, units, later rules", c, want, sizeof(want) / sizeof(want[0]));
	conf_free(c);

	/* "*" and "*.*" are the same; a rule of one device leaves the others alone. */
	{
		static const struct want_bind w2[] = {
			{ "sonde", NULL, ALERT_COMM, 1 },
			{ "sonde", "ph", ALERT_STALE, 0 },
			{ "sonde", "orp", ALERT_STALE, 0 },
			{ "level", "pressure", ALERT_STALE, 0 },
			{ "level", "temperature", ALERT_STALE, 0 },
			{ "level", "conductivity", ALERT_STALE, 0 },
		};
		struct want_bind all[2 + 3 + 11];
		size_t n = 0;
		const struct drv_model *m = drv_find("insitu-at400");

		c = load_ok("binds of *.*", "binds2.conf", ST BUS
		    "devices = ( { name = \"sonde\"; bus = \"rs485\"; unit = 1; model = \"insitu-at400\"; },\n"
		    "  { name = \"level\"; bus = \"rs485\"; unit = 2; model = \"keller-x\"; } );\n"
		    "alerts = ( { point = \"*.*\"; stale = \"1h\"; },\n"
		    "  { point = \"sonde.ph\"; comm_failures = 3; } );\n");
		if (c == NULL || m == NULL)
			return;
		all[n++] = w2[0];
		for (size_t i = 0; i < m->npoints; i++)
			all[n++] = (struct want_bind){ "sonde", m->points[i].name, ALERT_STALE, 0 };
		for (size_t i = 3; i < 6; i++)
			all[n++] = w2[i];
		check_binds("*.* and a comm rule of one point", c, all, n);
		conf_free(c);
	}
}

struct error_case {
	const char	*what;
	const char	*text;
	const char	*want;	/* "@:" stands for the file's path and a colon */
};

static const struct error_case cases[] = {
	/* Unknown keys, in every group. */
	{ "unknown top-level key", ST BUS DEV "colour = \"blue\";\n",
	  "@:4: unknown top-level key 'colour'\n" },
	{ "unknown station key", "station = { id = \"pp-06\"; colour = 1; };\n" BUS DEV,
	  "@:1: station: unknown key 'colour'\n" },
	{ "unknown bus key", ST "buses = ( { name = \"rs485\"; type = \"rtu\"; device = \"/dev/x\";\n"
	  " speed = 9600; } );\n" DEV,
	  "@:3: bus 'rs485': unknown key 'speed'\n" },
	{ "unknown device key", ST BUS DEV_OPEN " colour = \"blue\"; } );\n",
	  "@:4: device 'sonde': unknown key 'colour'\n" },
	{ "unknown plausible key", ST BUS DEV_OPEN
	  " plausible = ( { point = \"ph\"; min = 6.0; high = 9.0; } ); } );\n",
	  "@:4: device 'sonde': plausible 'ph': unknown key 'high'\n" },
	{ "unknown calibration key", ST BUS DEV_OPEN
	  " calibration = ( { point = \"ph\"; gain = 2.0; } ); } );\n",
	  "@:4: device 'sonde': calibration 'ph': unknown key 'gain'\n" },
	{ "unknown point key", ST BUS "devices = (\n { name = \"t\"; bus = \"rs485\"; unit = 1; model = \"generic\";\n"
	  " points = ( { name = \"x\"; unit = \"1\"; address = 0; bits = 16; } ); } );\n",
	  "@:5: device 't': point 'x': unknown key 'bits'\n" },
	{ "unknown store key", ST BUS DEV "store = { path = \"x.db\"; size = 10; };\n",
	  "@:4: store: unknown key 'size'\n" },
	{ "unknown control key", ST BUS DEV "control = { port = 1; };\n",
	  "@:4: control: unknown key 'port'\n" },

	/* Wrong types. */
	{ "unit as a string", ST BUS "devices = ( { name = \"sonde\"; bus = \"rs485\";\n unit = \"1\"; model = \"keller-x\"; } );\n",
	  "@:4: device 'sonde': 'unit' must be an integer, not a string\n" },
	{ "unit as a float", ST BUS "devices = ( { name = \"sonde\"; bus = \"rs485\";\n unit = 1.0; model = \"keller-x\"; } );\n",
	  "@:4: device 'sonde': 'unit' must be an integer, not a float\n" },
	{ "latitude as a string", "station = { id = \"x\";\n latitude = \"-18\"; longitude = -67.0; };\n" BUS DEV,
	  "@:2: station: 'latitude' must be a number, not a string\n" },
	{ "enabled as an integer", ST BUS DEV_OPEN " enabled = 1; } );\n",
	  "@:4: device 'sonde': 'enabled' must be true or false, not an integer\n" },
	{ "interval as an integer", ST BUS DEV_OPEN " interval = 60; } );\n",
	  "@:4: device 'sonde': 'interval' must be a duration string such as '30s', not an integer\n" },
	{ "station as a list", "station = ( 1 );\n" BUS DEV,
	  "@:1: 'station' must be a group { ... }, not a list\n" },
	{ "buses as a group", ST "buses = { name = \"rs485\"; };\n" DEV,
	  "@:2: 'buses' must be a list ( ... ), not a group\n" },
	{ "a bus that is not a group", ST "buses = ( \"rs485\" );\n" DEV,
	  "@:2: bus #1: must be a group { ... }, not a string\n" },
	{ "points as an array", ST BUS "devices = (\n { name = \"t\"; bus = \"rs485\"; unit = 1; model = \"generic\";\n"
	  " points = [ 1, 2 ]; } );\n",
	  "@:5: device 't': 'points' must be a list ( ... ), not an array\n" },

	/* Ranges. */
	{ "self-metrics more often than a second", "station = { id = \"pp-06\";\n metrics_interval = \"500ms\"; };\n" BUS DEV,
	  "@:2: station: metrics_interval '500ms' is not 0s or at least 1s\n" },
	{ "self-metrics less often than a day", "station = { id = \"pp-06\";\n metrics_interval = \"2d\"; };\n" BUS DEV,
	  "@:2: station: metrics_interval '2d' out of range 0s..1d\n" },
	{ "a device named as the daemon's own figures", ST BUS
	  "devices = ( { name = \"lakewatchd\"; bus = \"rs485\"; unit = 1; model = \"insitu-at400\"; } );\n",
	  "@:3: device 'lakewatchd': the name is reserved for the daemon's own figures (station.metrics_interval)\n" },
	{ "unit 0", ST BUS "devices = ( { name = \"sonde\"; bus = \"rs485\";\n unit = 0; model = \"keller-x\"; } );\n",
	  "@:4: device 'sonde': unit 0 out of range 1..247\n" },
	{ "unit 248", ST BUS "devices = ( { name = \"sonde\"; bus = \"rs485\";\n unit = 248; model = \"keller-x\"; } );\n",
	  "@:4: device 'sonde': unit 248 out of range 1..247\n" },
	{ "latitude 91", "station = { id = \"x\";\n latitude = 91.0; longitude = 0; };\n" BUS DEV,
	  "@:2: station: latitude 91 out of range -90..90\n" },
	{ "longitude -180.5", "station = { id = \"x\"; latitude = 0;\n longitude = -180.5; };\n" BUS DEV,
	  "@:2: station: longitude -180.5 out of range -180..180\n" },
	{ "elevation 9001", "station = { id = \"x\";\n elevation = 9001; };\n" BUS DEV,
	  "@:2: station: elevation 9001 out of range -500..9000\n" },
	{ "an infinite latitude", "station = { id = \"x\";\n latitude = 1e999; longitude = 0; };\n" BUS DEV,
	  "@:2: station: latitude is not a finite number\n" },
	{ "latitude without longitude", "station = { id = \"x\"; latitude = -18.7; };\n" BUS DEV,
	  "@:1: station: 'latitude' without 'longitude'\n" },
	{ "baud 12345", ST "buses = ( { name = \"rs485\"; type = \"rtu\"; device = \"/dev/x\";\n baud = 12345; } );\n" DEV,
	  "@:3: bus 'rs485': baud 12345 is not a standard rate: 1200, 2400, 4800, 9600, 19200, "
	  "38400, 57600, 115200, 230400, 460800 or 921600\n" },
	{ "parity mark", ST "buses = ( { name = \"rs485\"; type = \"rtu\"; device = \"/dev/x\";\n parity = \"mark\"; } );\n" DEV,
	  "@:3: bus 'rs485': parity 'mark' is not 'none', 'even' or 'odd'\n" },
	{ "data bits 6, stop bits 3", ST "buses = ( { name = \"rs485\"; type = \"rtu\"; device = \"/dev/x\";\n data_bits = 6;\n stop_bits = 3; } );\n" DEV,
	  "@:3: bus 'rs485': data_bits 6 is not 7 or 8\n"
	  "@:4: bus 'rs485': stop_bits 3 is not 1 or 2\n" },
	{ "port 0 and 65536", ST "buses = ( { name = \"a\"; type = \"tcp\"; host = \"h\";\n port = 0; },\n"
	  " { name = \"b\"; type = \"tcp\"; host = \"h\"; port = 65536; } );\n" DEV,
	  "@:3: bus 'a': port 0 out of range 1..65535\n"
	  "@:4: bus 'b': port 65536 out of range 1..65535\n"
	  "@:5: device 'sonde': no bus named 'rs485'\n" },
	{ "bus type serial", ST "buses = ( { name = \"rs485\";\n type = \"serial\"; device = \"/dev/x\"; } );\n" DEV,
	  "@:3: bus 'rs485': type 'serial' is not 'rtu', 'tcp' or 'rtu-over-tcp'\n" },
	{ "bus timeouts", ST "buses = ( { name = \"rs485\"; type = \"rtu\"; device = \"/dev/x\";\n timeout = \"5ms\";\n turnaround = \"11s\"; } );\n"
	  "devices = ( { name = \"sonde\"; bus = \"rs485\"; unit = 1; model = \"keller-x\";\n timeout = \"61s\"; } );\n",
	  "@:3: bus 'rs485': timeout '5ms' out of range 10ms..60s\n"
	  "@:4: bus 'rs485': turnaround '11s' out of range 0s..10s\n"
	  "@:6: device 'sonde': timeout '61s' out of range 10ms..60s\n" },
	{ "interval 2d", ST BUS DEV_OPEN " interval = \"2d\"; } );\n",
	  "@:4: device 'sonde': interval '2d' out of range 0s..1d\n" },
	{ "max_read 0 and 126, max_gap 126", ST BUS "devices = (\n { name = \"a\"; bus = \"rs485\"; unit = 1; model = \"keller-x\"; max_read = 0; },\n"
	  " { name = \"b\"; bus = \"rs485\"; unit = 2; model = \"keller-x\"; max_read = 126; max_gap = 126; } );\n",
	  "@:4: device 'a': max_read 0 out of range 1..125\n"
	  "@:5: device 'b': max_read 126 out of range 1..125\n"
	  "@:5: device 'b': max_gap 126 out of range 0..125\n" },
	{ "max_read above the model's", ST BUS DEV_OPEN " max_read = 100; } );\n",
	  "@:4: device 'sonde': max_read 100 is more than model 'insitu-at400' allows (64)\n" },
	{ "max_read below a point's registers", ST BUS "devices = (\n { name = \"level\"; bus = \"rs485\"; unit = 1; model = \"keller-x\";\n max_read = 1; } );\n",
	  "@:5: device 'level': max_read 1 is less than the 2 registers of point 'pressure'\n" },
	{ "store durations", ST BUS DEV "store = {\n retention = \"36501d\";\n commit_interval = \"61s\"; };\n",
	  "@:5: store: retention '36501d' out of range 0s..36500d\n"
	  "@:6: store: commit_interval '61s' out of range 0s..60s\n" },
	{ "bad duration", ST BUS DEV_OPEN " interval = \"soon\"; } );\n",
	  "@:4: device 'sonde': interval 'soon' is not a duration: a number and a unit, one of ms, s, m, h, d\n" },
	{ "a duration without a unit", ST BUS DEV_OPEN " interval = \"60\"; } );\n",
	  "@:4: device 'sonde': interval '60' is not a duration: a number and a unit, one of ms, s, m, h, d\n" },
	{ "an integer too large for libconfig", ST BUS "devices = ( { name = \"sonde\"; bus = \"rs485\";\n unit = 4294967297; model = \"keller-x\"; } );\n",
	  "@:4: integer 4294967297 out of range -2147483648..2147483647\n" },

	/* Names. */
	{ "station id upper case", "station = { id = \"PP-06\"; };\n" BUS DEV,
	  "@:1: station: id 'PP-06' must be lower-case letters, digits, '-' and '_'\n" },
	{ "station id too long", "station = { id = \"abcdefghijabcdefghijabcdefghijabcdefghijabcdefgh\"; };\n" BUS DEV,
	  "@:1: station: id is longer than 47 characters\n" },
	{ "station without id", "station = { name = \"x\"; };\n" BUS DEV,
	  "@:1: station: missing required key 'id'\n" },
	{ "bus name with a space", ST "buses = ( { name = \"rs 485\"; type = \"rtu\"; device = \"/dev/x\"; } );\n" DEV,
	  "@:2: bus #1: name 'rs 485' must be lower-case letters, digits, '-' and '_'\n" },
	{ "device names", ST BUS "devices = (\n { name = \"Sonde\"; bus = \"rs485\"; unit = 1; model = \"keller-x\"; },\n"
	  " { name = \"sonde.1\"; bus = \"rs485\"; unit = 2; model = \"keller-x\"; },\n"
	  " { name = \"1sonde\"; bus = \"rs485\"; unit = 3; model = \"keller-x\"; } );\n",
	  "@:4: device #1: name 'Sonde' must be lower snake case: a letter, then letters, digits and '_'\n"
	  "@:5: device #2: name 'sonde.1' must be lower snake case: a letter, then letters, digits and '_'\n"
	  "@:6: device #3: name '1sonde' must be lower snake case: a letter, then letters, digits and '_'\n" },
	{ "a control character in a name", ST BUS "devices = ( { name = \"a\\nb\"; bus = \"rs485\"; unit = 1; model = \"keller-x\"; } );\n",
	  "@:3: device #1: name contains a control character\n" },

	/* References and uniqueness. */
	{ "duplicate bus names", ST "buses = ( { name = \"rs485\"; type = \"rtu\"; device = \"/dev/a\"; },\n"
	  " { name = \"rs485\"; type = \"tcp\"; host = \"h\"; } );\n" DEV,
	  "@:3: bus 'rs485': name already used by the bus at line 2\n" },
	{ "duplicate device names", ST BUS "devices = ( { name = \"sonde\"; bus = \"rs485\"; unit = 1; model = \"keller-x\"; },\n"
	  " { name = \"sonde\"; bus = \"rs485\"; unit = 2; model = \"keller-x\"; } );\n",
	  "@:4: device 'sonde': name already used by the device at line 3\n" },
	{ "dangling bus", ST BUS "devices = ( { name = \"sonde\";\n bus = \"nowhere\"; unit = 1; model = \"keller-x\"; } );\n",
	  "@:4: device 'sonde': no bus named 'nowhere'\n" },
	{ "unknown model", ST BUS "devices = ( { name = \"sonde\"; bus = \"rs485\"; unit = 1;\n model = \"no-such-model\"; } );\n",
	  "@:4: device 'sonde': unknown model 'no-such-model'\n" },
	{ "generic without points", ST BUS "devices = ( { name = \"t\"; bus = \"rs485\"; unit = 1;\n model = \"generic\"; } );\n",
	  "@:4: device 't': model 'generic' needs a 'points' list\n" },
	{ "generic with an empty points list", ST BUS "devices = ( { name = \"t\"; bus = \"rs485\"; unit = 1; model = \"generic\";\n points = ( ); } );\n",
	  "@:4: device 't': 'points' must list at least one point\n" },
	{ "points on a shipped model", ST BUS DEV_OPEN " points = ( { name = \"x\"; unit = \"1\"; address = 0; } ); } );\n",
	  "@:4: device 'sonde': 'points' is only for model 'generic', not 'insitu-at400'\n" },
	{ "serial keys on a tcp bus", ST "buses = ( { name = \"lan\"; type = \"tcp\"; host = \"h\";\n baud = 9600;\n device = \"/dev/x\"; } );\n"
	  "devices = ( { name = \"d\"; bus = \"lan\"; unit = 1; model = \"keller-x\"; } );\n",
	  "@:3: bus 'lan': mixed up RTU and TCP options: 'baud' on a 'tcp' bus\n"
	  "@:4: bus 'lan': mixed up RTU and TCP options: 'device' on a 'tcp' bus\n" },
	{ "tcp keys on an rtu bus", ST "buses = ( { name = \"rs485\"; type = \"rtu\"; device = \"/dev/x\";\n host = \"h\"; port = 502; } );\n" DEV,
	  "@:3: bus 'rs485': mixed up RTU and TCP options: 'host' on an 'rtu' bus\n"
	  "@:3: bus 'rs485': mixed up RTU and TCP options: 'port' on an 'rtu' bus\n" },
	{ "missing bus keys", ST "buses = (\n { name = \"a\"; },\n { name = \"b\"; type = \"rtu\"; },\n { name = \"c\"; type = \"rtu-over-tcp\"; } );\n"
	  "devices = ( { name = \"d\"; bus = \"a\"; unit = 1; model = \"keller-x\"; } );\n",
	  "@:3: bus 'a': missing required key 'type'\n"
	  "@:4: bus 'b': missing required key 'device'\n"
	  "@:5: bus 'c': missing required key 'host'\n" },
	{ "missing device keys", ST BUS "devices = (\n { name = \"d\"; } );\n",
	  "@:4: device 'd': missing required key 'bus'\n"
	  "@:4: device 'd': missing required key 'unit'\n"
	  "@:4: device 'd': missing required key 'model'\n" },
	{ "two devices on one unit", ST BUS "devices = ( { name = \"a\"; bus = \"rs485\"; unit = 7; model = \"keller-x\"; },\n"
	  " { name = \"b\"; bus = \"rs485\";\n unit = 7; model = \"keller-x\"; } );\n",
	  "@:5: device 'b': unit 7 on bus 'rs485' is already used by device 'a'\n" },
	{ "two buses on one serial line", ST "buses = ( { name = \"a\"; type = \"rtu\"; device = \"/dev/ttyUSB0\"; },\n"
	  " { name = \"b\"; type = \"rtu\";\n device = \"/dev/ttyUSB0\"; } );\n" DEV,
	  "@:4: bus 'b': device '/dev/ttyUSB0' is already used by bus 'a'\n"
	  "@:5: device 'sonde': no bus named 'rs485'\n" },
	{ "empty lists", ST "buses = ( );\ndevices = ( );\n",
	  "@:2: 'buses' must list at least one bus\n"
	  "@:3: 'devices' must list at least one device\n" },
	{ "empty buses, a device", ST "buses = ( );\n" DEV,
	  "@:2: 'buses' must list at least one bus\n" },

	/* Plausible ranges and calibrations. */
	{ "plausible on an unknown point", ST BUS DEV_OPEN " plausible = ( { point = \"phh\"; min = 1.0; } ); } );\n",
	  "@:4: device 'sonde': plausible: model 'insitu-at400' has no point 'phh'\n" },
	{ "calibration on an unknown point", ST BUS DEV_OPEN " calibration = ( { point = \"depth\"; offset = 1.0; } ); } );\n",
	  "@:4: device 'sonde': calibration: model 'insitu-at400' has no point 'depth'\n" },
	{ "plausible min not below max", ST BUS DEV_OPEN " plausible = ( { point = \"ph\"; min = 9.0; max = 6.0; } ); } );\n",
	  "@:4: device 'sonde': plausible 'ph': min 9 is not below max 6\n" },
	{ "plausible without bounds, twice, no point", ST BUS DEV_OPEN " plausible = ( { point = \"ph\"; max = 9.0; },\n"
	  "  { point = \"ph\"; },\n  { min = 1.0; } ); } );\n",
	  "@:5: device 'sonde': plausible 'ph' given twice (first at line 4)\n"
	  "@:5: device 'sonde': plausible 'ph': needs 'min', 'max' or both\n"
	  "@:6: device 'sonde': plausible #3: missing required key 'point'\n" },
	{ "calibration scale 0", ST BUS DEV_OPEN " calibration = ( { point = \"ph\"; scale = 0; } ); } );\n",
	  "@:4: device 'sonde': calibration 'ph': scale must not be 0\n" },

	/* Generic points. */
	{ "generic point errors", ST BUS "devices = ( { name = \"t\"; bus = \"rs485\"; unit = 1; model = \"generic\"; points = (\n"
	  " { name = \"a\"; unit = \"1\"; address = 65535; type = \"f32\"; },\n"
	  " { name = \"a\"; unit = \"1\"; address = 0; },\n"
	  " { name = \"b\"; unit = \"\"; address = 65536; type = \"f33\"; order = \"xyz\"; register = \"coil\"; },\n"
	  " { name = \"c\"; unit = \"1\"; address = 1; scale = 0.0; min = 5; max = 5; },\n"
	  " { unit = \"1\"; } ); } );\n",
	  "@:4: device 't': point 'a': address 65535 with type 'f32' goes past register 65535\n"
	  "@:5: device 't': point 'a' defined twice (first at line 4)\n"
	  "@:6: device 't': point 'b': unit must not be empty (write '1' for a dimensionless value)\n"
	  "@:6: device 't': point 'b': register 'coil' is not one of holding, input\n"
	  "@:6: device 't': point 'b': type 'f33' is not one of u16, i16, u32, i32, f32, u64, i64, f64\n"
	  "@:6: device 't': point 'b': order 'xyz' is not one of abcd, dcba, badc, cdab\n"
	  "@:6: device 't': point 'b': address 65536 out of range 0..65535\n"
	  "@:7: device 't': point 'c': scale must not be 0\n"
	  "@:7: device 't': point 'c': min 5 is not below max 5\n"
	  "@:8: device 't': point #5: missing required key 'name'\n"
	  "@:8: device 't': point #5: missing required key 'address'\n" },

	/* Store and control. */
	{ "an empty store path", ST BUS DEV "store = { path = \"\"; };\n",
	  "@:4: store: path must not be empty\n" },
	{ "a control socket path too long", ST BUS DEV "control = { socket = \"/run/"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "\"; };\n",
	  "@:4: control: socket '/run/"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "' is longer than 107 characters\n" },

	/* The store's size cap. */
	{ "store max_size out of range", ST BUS DEV "store = {\n max_size = \"2TB\"; };\n",
	  "@:5: store: max_size '2TB' out of range 1MB..1TB\n" },
	{ "store max_size below 1MB", ST BUS DEV "store = { max_size = \"999999B\"; };\n",
	  "@:4: store: max_size '999999B' out of range 1MB..1TB\n" },
	{ "store max_size 0B", ST BUS DEV "store = { max_size = \"0B\"; };\n",
	  "@:4: store: max_size '0B' out of range 1MB..1TB\n" },
	{ "store max_size too large for 64 bits", ST BUS DEV "store = { max_size = \"99999999999999999999GB\"; };\n",
	  "@:4: store: max_size '99999999999999999999GB' out of range 1MB..1TB\n" },
	{ "store max_size without a unit", ST BUS DEV "store = { max_size = \"500\"; };\n",
	  "@:4: store: max_size '500' needs a unit, as in \"500MB\": one of B, kB, MB, GB, TB, KiB, MiB, GiB, TiB\n" },
	{ "store max_size as an integer", ST BUS DEV "store = { max_size = 2048; };\n",
	  "@:4: store: max_size 2048 needs a unit, as in \"2048MB\": one of B, kB, MB, GB, TB, KiB, MiB, GiB, TiB\n" },
	{ "store max_size as the integer 0", ST BUS DEV "store = { max_size = 0; };\n",
	  "@:4: store: max_size 0 needs a unit, as in \"500MB\": one of B, kB, MB, GB, TB, KiB, MiB, GiB, TiB\n" },
	{ "store max_size with a fraction", ST BUS DEV "store = { max_size = \"1.5GB\"; };\n",
	  "@:4: store: max_size '1.5GB' is not a size: a whole number and a unit, one of B, kB, MB, GB, TB, KiB, MiB, GiB, TiB\n" },
	{ "store max_size with a space", ST BUS DEV "store = { max_size = \"500 MB\"; };\n",
	  "@:4: store: max_size '500 MB' is not a size: a whole number and a unit, one of B, kB, MB, GB, TB, KiB, MiB, GiB, TiB\n" },
	{ "store max_size mb", ST BUS DEV "store = { max_size = \"500mb\"; };\n",
	  "@:4: store: max_size '500mb' is not a size: a whole number and a unit, one of B, kB, MB, GB, TB, KiB, MiB, GiB, TiB\n" },
	{ "store max_size as a float", ST BUS DEV "store = { max_size = 1.5; };\n",
	  "@:4: store: 'max_size' must be a size string such as '500MB', not a float\n" },

	/* mqtt. */
	{ "mqtt unknown keys", ST BUS DEV "mqtt = { host = \"h\"; colour = 1;\n tls = { ca_file = \"x\"; crl_file = \"y\"; }; };\n",
	  "@:4: mqtt: unknown key 'colour'\n"
	  "@:5: mqtt: tls: unknown key 'crl_file'\n" },
	{ "mqtt without host", ST BUS DEV "mqtt = { port = 1883; };\n",
	  "@:4: mqtt: missing required key 'host'\n" },
	{ "mqtt wrong types", ST BUS DEV "mqtt = { host = 1;\n port = \"1883\";\n retain = 1;\n keepalive = 60;\n"
	  " protocol = 5;\n tls = true; };\n",
	  "@:4: mqtt: 'host' must be a string, not an integer\n"
	  "@:5: mqtt: 'port' must be an integer, not a string\n"
	  "@:6: mqtt: 'retain' must be true or false, not an integer\n"
	  "@:7: mqtt: 'keepalive' must be a duration string such as '30s', not an integer\n"
	  "@:8: mqtt: 'protocol' must be a string, not an integer\n"
	  "@:9: mqtt: 'tls' must be a group { ... }, not a boolean\n" },
	{ "mqtt as a list", ST BUS DEV "mqtt = ( );\n",
	  "@:4: 'mqtt' must be a group { ... }, not a list\n" },
	{ "mqtt ranges, low", ST BUS DEV "mqtt = { host = \"h\";\n port = 0;\n qos = -1;\n max_inflight = 0;\n"
	  " keepalive = \"4s\";\n connect_timeout = \"999ms\"; };\n",
	  "@:5: mqtt: port 0 out of range 1..65535\n"
	  "@:6: mqtt: qos -1 out of range 0..2\n"
	  "@:7: mqtt: max_inflight 0 out of range 1..65535\n"
	  "@:8: mqtt: keepalive '4s' out of range 5s..65535s\n"
	  "@:9: mqtt: connect_timeout '999ms' out of range 1s..5m\n" },
	{ "mqtt ranges, high", ST BUS DEV "mqtt = { host = \"h\";\n port = 65536;\n qos = 3;\n max_inflight = 65536;\n"
	  " keepalive = \"65536s\";\n connect_timeout = \"6m\"; };\n",
	  "@:5: mqtt: port 65536 out of range 1..65535\n"
	  "@:6: mqtt: qos 3 out of range 0..2\n"
	  "@:7: mqtt: max_inflight 65536 out of range 1..65535\n"
	  "@:8: mqtt: keepalive '65536s' out of range 5s..65535s\n"
	  "@:9: mqtt: connect_timeout '6m' out of range 1s..5m\n" },
	{ "mqtt keepalive in part of a second", ST BUS DEV "mqtt = { host = \"h\";\n keepalive = \"5500ms\"; };\n",
	  "@:5: mqtt: keepalive '5500ms' must be whole seconds\n" },
	{ "mqtt keepalive not a duration", ST BUS DEV "mqtt = { host = \"h\";\n keepalive = \"1 min\"; };\n",
	  "@:5: mqtt: keepalive '1 min' is not a duration: a number and a unit, one of ms, s, m, h, d\n" },
	{ "mqtt empty host", ST BUS DEV "mqtt = { host = \"\"; };\n",
	  "@:4: mqtt: host must not be empty\n" },
	{ "mqtt host as a URL", ST BUS DEV "mqtt = { host = \"mqtt://broker.example\"; };\n",
	  "@:4: mqtt: host 'mqtt://broker.example' must be a host name or an address, without scheme, port or path\n" },
	{ "mqtt client_id with a space", ST BUS DEV "mqtt = { host = \"h\";\n client_id = \"pp 06\"; };\n",
	  "@:5: mqtt: client_id 'pp 06' must be printable ASCII without spaces\n" },
	{ "mqtt client_id not ASCII", ST BUS DEV "mqtt = { host = \"h\";\n client_id = \"pp-06-\xc3\xa9\"; };\n",
	  "@:5: mqtt: client_id 'pp-06-\xc3\xa9' must be printable ASCII without spaces\n" },
	{ "mqtt client_id empty", ST BUS DEV "mqtt = { host = \"h\";\n client_id = \"\"; };\n",
	  "@:5: mqtt: client_id must not be empty\n" },
	{ "mqtt client_id too long", ST BUS DEV "mqtt = { host = \"h\";\n client_id = \""
	  "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
	  "abcdefghijabcdefghijabcdefghijabcdefgh\"; };\n",
	  "@:5: mqtt: client_id is longer than 127 characters\n" },
	{ "mqtt topic_root empty", ST BUS DEV "mqtt = { host = \"h\";\n topic_root = \"\"; };\n",
	  "@:5: mqtt: topic_root must not be empty\n" },
	{ "mqtt topic_root wildcards", ST BUS DEV "mqtt = { host = \"h\";\n topic_root = \"lake/+/x\"; };\n",
	  "@:5: mqtt: topic_root 'lake/+/x' must not hold the wildcards '+' and '#'\n" },
	{ "mqtt topic_root #", ST BUS DEV "mqtt = { host = \"h\";\n topic_root = \"lake#\"; };\n",
	  "@:5: mqtt: topic_root 'lake#' must not hold the wildcards '+' and '#'\n" },
	{ "mqtt topic_root leading /", ST BUS DEV "mqtt = { host = \"h\";\n topic_root = \"/lakewatch\"; };\n",
	  "@:5: mqtt: topic_root '/lakewatch' must not start or end with '/'\n" },
	{ "mqtt topic_root trailing /", ST BUS DEV "mqtt = { host = \"h\";\n topic_root = \"lakewatch/\"; };\n",
	  "@:5: mqtt: topic_root 'lakewatch/' must not start or end with '/'\n" },
	{ "mqtt topic_root empty level", ST BUS DEV "mqtt = { host = \"h\";\n topic_root = \"bolivia//poopo\"; };\n",
	  "@:5: mqtt: topic_root 'bolivia//poopo' must not have an empty level\n" },
	{ "mqtt topic_root $", ST BUS DEV "mqtt = { host = \"h\";\n topic_root = \"$SYS/lakewatch\"; };\n",
	  "@:5: mqtt: topic_root '$SYS/lakewatch' must not start with '$': such topics are the broker's\n" },
	{ "mqtt topic_root with several faults", ST BUS DEV "mqtt = { host = \"h\";\n topic_root = \"/a//#\"; };\n",
	  "@:5: mqtt: topic_root '/a//#' must not hold the wildcards '+' and '#'\n"
	  "@:5: mqtt: topic_root '/a//#' must not start or end with '/'\n"
	  "@:5: mqtt: topic_root '/a//#' must not have an empty level\n" },
	{ "mqtt topic_root not UTF-8", ST BUS DEV "mqtt = { host = \"h\";\n topic_root = \"lake\\xff\"; };\n",
	  "@:5: mqtt: topic_root is not valid UTF-8\n" },
	{ "mqtt topic_root with a control character", ST BUS DEV "mqtt = { host = \"h\";\n topic_root = \"a\\tb\"; };\n",
	  "@:5: mqtt: topic_root contains a control character\n" },
	{ "mqtt username empty", ST BUS DEV "mqtt = { host = \"h\";\n username = \"\"; };\n",
	  "@:5: mqtt: username must not be empty\n" },
	{ "mqtt username not UTF-8", ST BUS DEV "mqtt = { host = \"h\";\n username = \"\\xc3\\x28\"; };\n",
	  "@:5: mqtt: username is not valid UTF-8\n" },
	{ "mqtt password_file without username", ST BUS DEV "mqtt = { host = \"h\";\n password_file = \"/etc/lakewatch/mqtt.password\"; };\n",
	  "@:5: mqtt: 'password_file' without 'username'\n" },
	{ "mqtt password_file empty", ST BUS DEV "mqtt = { host = \"h\"; username = \"u\";\n password_file = \"\"; };\n",
	  "@:5: mqtt: password_file must not be empty\n" },
	{ "mqtt protocol 4", ST BUS DEV "mqtt = { host = \"h\";\n protocol = \"3.1\"; };\n",
	  "@:5: mqtt: protocol '3.1' is not '3.1.1' or '5'\n" },
	{ "mqtt tls without a CA", ST BUS DEV "mqtt = { host = \"h\";\n tls = { verify_hostname = true; }; };\n",
	  "@:5: mqtt: tls: needs 'ca_file', 'ca_path' or both\n" },
	{ "mqtt tls empty", ST BUS DEV "mqtt = { host = \"h\";\n tls = { }; };\n",
	  "@:5: mqtt: tls: needs 'ca_file', 'ca_path' or both\n" },
	{ "mqtt tls cert_file without key_file", ST BUS DEV "mqtt = { host = \"h\";\n tls = { ca_path = \"/etc/ssl/certs\";\n cert_file = \"c.pem\"; }; };\n",
	  "@:6: mqtt: tls: 'cert_file' without 'key_file'\n" },
	{ "mqtt tls key_file without cert_file", ST BUS DEV "mqtt = { host = \"h\";\n tls = { ca_file = \"ca.pem\";\n key_file = \"k.pem\"; }; };\n",
	  "@:6: mqtt: tls: 'key_file' without 'cert_file'\n" },
	{ "mqtt tls errors", ST BUS DEV "mqtt = { host = \"h\";\n tls = { ca_file = \"\";\n min_version = \"1.1\";\n"
	  " verify_hostname = \"yes\"; }; };\n",
	  "@:5: mqtt: tls: ca_file must not be empty\n"
	  "@:6: mqtt: tls: min_version '1.1' is not '1.2' or '1.3'\n"
	  "@:7: mqtt: tls: 'verify_hostname' must be true or false, not a string\n" },

	/* influxdb. */
	{ "influxdb unknown key", ST BUS DEV "influxdb = { url = \"http://h\"; database = \"d\";\n precision = \"s\"; };\n",
	  "@:5: influxdb: unknown key 'precision'\n" },
	{ "influxdb without url", ST BUS DEV "influxdb = { database = \"d\"; };\n",
	  "@:4: influxdb: missing required key 'url'\n" },
	{ "influxdb without database or bucket", ST BUS DEV "influxdb = { url = \"http://h:8086\"; };\n",
	  "@:4: influxdb: needs 'database' (api 'v1', InfluxDB 1.x) or 'bucket' (api 'v2', InfluxDB 2.x)\n" },
	{ "influxdb with database and bucket", ST BUS DEV "influxdb = { url = \"http://h:8086\";\n database = \"d\";\n bucket = \"b\"; };\n",
	  "@:4: influxdb: 'database' is for api 'v1' (InfluxDB 1.x) and 'bucket' for api 'v2' (InfluxDB 2.x): keep one of them\n" },
	{ "influxdb v2 keys with database", ST BUS DEV "influxdb = { url = \"http://h\"; database = \"d\";\n org = \"o\";\n token_file = \"t\"; };\n",
	  "@:5: influxdb: 'org' is for api 'v2' (InfluxDB 2.x), but 'database' makes this api 'v1'\n"
	  "@:6: influxdb: 'token_file' is for api 'v2' (InfluxDB 2.x), but 'database' makes this api 'v1'\n" },
	{ "influxdb v1 keys with bucket", ST BUS DEV "influxdb = { url = \"http://h\"; org = \"o\"; bucket = \"b\";\n"
	  " username = \"u\";\n password_file = \"p\";\n retention_policy = \"rp\"; };\n",
	  "@:5: influxdb: 'username' is for api 'v1' (InfluxDB 1.x), but 'bucket' makes this api 'v2'\n"
	  "@:6: influxdb: 'password_file' is for api 'v1' (InfluxDB 1.x), but 'bucket' makes this api 'v2'\n"
	  "@:7: influxdb: 'retention_policy' is for api 'v1' (InfluxDB 1.x), but 'bucket' makes this api 'v2'\n" },
	{ "influxdb api disagrees", ST BUS DEV "influxdb = { url = \"http://h\"; api = \"v2\";\n database = \"d\"; };\n",
	  "@:4: influxdb: missing required key 'org'\n"
	  "@:4: influxdb: missing required key 'bucket'\n"
	  "@:5: influxdb: 'database' is for api 'v1' (InfluxDB 1.x), but 'api' is 'v2'\n" },
	{ "influxdb api v1 without database", ST BUS DEV "influxdb = { url = \"http://h\"; api = \"v1\"; };\n",
	  "@:4: influxdb: missing required key 'database'\n" },
	{ "influxdb v2 without org", ST BUS DEV "influxdb = { url = \"http://h\"; bucket = \"b\"; };\n",
	  "@:4: influxdb: missing required key 'org'\n" },
	{ "influxdb api v3", ST BUS DEV "influxdb = { url = \"http://h\"; database = \"d\";\n api = \"v3\"; };\n",
	  "@:5: influxdb: api 'v3' is not 'v1' or 'v2'\n" },
	{ "influxdb names", ST BUS DEV "influxdb = { url = \"http://h\";\n database = \"\";\n retention_policy = \"a\\tb\";\n"
	  " username = \"\\xe2\\x82\";\n password_file = \"\"; };\n",
	  "@:5: influxdb: database must not be empty\n"
	  "@:6: influxdb: retention_policy contains a control character\n"
	  "@:7: influxdb: username is not valid UTF-8\n"
	  "@:8: influxdb: password_file must not be empty\n" },
	{ "influxdb v2 names", ST BUS DEV "influxdb = { url = \"http://h\";\n org = \"\";\n bucket = \""
	  "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
	  "abcdefghijabcdefghijabcdefghijabcdefgh\";\n token_file = \"\"; };\n",
	  "@:5: influxdb: org must not be empty\n"
	  "@:6: influxdb: bucket is longer than 127 characters\n"
	  "@:7: influxdb: token_file must not be empty\n" },
	{ "influxdb password_file without username", ST BUS DEV "influxdb = { url = \"http://h\"; database = \"d\";\n"
	  " password_file = \"/etc/lakewatch/influxdb.password\"; };\n",
	  "@:5: influxdb: 'password_file' without 'username'\n" },
	{ "influxdb ranges", ST BUS DEV "influxdb = { url = \"http://h\"; database = \"d\";\n batch_size = 0;\n"
	  " flush_interval = \"61m\";\n timeout = \"999ms\"; };\n",
	  "@:5: influxdb: batch_size 0 out of range 1..100000\n"
	  "@:6: influxdb: flush_interval '61m' out of range 0s..1h\n"
	  "@:7: influxdb: timeout '999ms' out of range 1s..10m\n" },
	{ "influxdb ranges, high", ST BUS DEV "influxdb = { url = \"http://h\"; database = \"d\";\n batch_size = 100001;\n"
	  " timeout = \"601s\"; };\n",
	  "@:5: influxdb: batch_size 100001 out of range 1..100000\n"
	  "@:6: influxdb: timeout '601s' out of range 1s..10m\n" },
	{ "influxdb wrong types", ST BUS DEV "influxdb = { url = \"https://h\"; database = \"d\";\n gzip = \"yes\";\n"
	  " batch_size = 10.5;\n tls_verify = 0;\n flush_interval = 10; };\n",
	  "@:5: influxdb: 'gzip' must be true or false, not a string\n"
	  "@:6: influxdb: 'batch_size' must be an integer, not a float\n"
	  "@:7: influxdb: 'tls_verify' must be true or false, not an integer\n"
	  "@:8: influxdb: 'flush_interval' must be a duration string such as '30s', not an integer\n" },
	{ "influxdb TLS keys for http", ST BUS DEV "influxdb = { url = \"http://h:8086\"; database = \"d\";\n"
	  " tls_verify = false;\n ca_file = \"ca.pem\"; };\n",
	  "@:5: influxdb: 'tls_verify' is only for an https:// url\n"
	  "@:6: influxdb: 'ca_file' is only for an https:// url\n" },
	{ "influxdb as a list", ST BUS DEV "influxdb = ( );\n",
	  "@:4: 'influxdb' must be a group { ... }, not a list\n" },

	/* alerts: keys and types. */
	{ "alerts as a group", ST BUS DEV "alerts = { point = \"sonde.ph\"; };\n",
	  "@:4: 'alerts' must be a list ( ... ), not a group\n" },
	{ "an alert that is not a group", ST BUS DEV "alerts = ( \"sonde.ph\" );\n",
	  "@:4: alert #1: must be a group { ... }, not a string\n" },
	{ "unknown alert key", ALERTS " { point = \"sonde.ph\"; warn_high = 9.0;\n high = 9.5; }\n);\n",
	  "@:6: alert 'sonde.ph': unknown key 'high'\n" },
	{ "alert without point", ALERTS " { warn_high = 9.0; }\n);\n",
	  "@:5: alert #1: missing required key 'point'\n" },
	{ "alert wrong types", ALERTS " { point = \"sonde.ph\";\n warn_high = \"9\";\n suspect = 1;\n"
	  " comm_failures = 2.5;\n stale = 60;\n message = 1;\n rate = true; }\n);\n",
	  "@:6: alert 'sonde.ph': 'warn_high' must be a number, not a string\n"
	  "@:7: alert 'sonde.ph': 'suspect' must be true or false, not an integer\n"
	  "@:8: alert 'sonde.ph': 'comm_failures' must be an integer, not a float\n"
	  "@:9: alert 'sonde.ph': 'stale' must be a duration string such as '30s', not an integer\n"
	  "@:10: alert 'sonde.ph': 'message' must be a string, not an integer\n"
	  "@:11: alert 'sonde.ph': 'rate' must be a number, not a boolean\n" },
	{ "alert watching nothing", ALERTS " { point = \"sonde.ph\"; suspect = true; message = \"x\"; }\n);\n",
	  "@:5: alert 'sonde.ph': watches nothing: give warn_high, crit_high, warn_low, crit_low, "
	  "rate, rate_crit, stale, flatline or comm_failures\n" },

	/* alerts: patterns. */
	{ "alert patterns with a '*' in a name", ALERTS " { point = \"son*.ph\"; stale = \"1h\"; },\n"
	  " { point = \"sonde.p*\"; stale = \"1h\"; },\n { point = \"**\"; stale = \"1h\"; },\n"
	  " { point = \"*ph\"; stale = \"1h\"; }\n);\n",
	  "@:5: alert #1: point 'son*.ph': a '*' stands for a whole name, as in '*.ph' or 'sonde.*', "
	  "or alone for every point\n"
	  "@:6: alert #2: point 'sonde.p*': a '*' stands for a whole name, as in '*.ph' or 'sonde.*', "
	  "or alone for every point\n"
	  "@:7: alert #3: point '**': a '*' stands for a whole name, as in '*.ph' or 'sonde.*', "
	  "or alone for every point\n"
	  "@:8: alert #4: point '*ph': a '*' stands for a whole name, as in '*.ph' or 'sonde.*', "
	  "or alone for every point\n" },
	{ "alert patterns of the wrong form", ALERTS " { point = \"sonde\"; stale = \"1h\"; },\n"
	  " { point = \"sonde.ph.x\"; stale = \"1h\"; },\n { point = \"Sonde.ph\"; stale = \"1h\"; },\n"
	  " { point = \".ph\"; stale = \"1h\"; },\n { point = \"*.\"; stale = \"1h\"; },\n"
	  " { point = \"\"; stale = \"1h\"; },\n { point = \"*.*.*\"; stale = \"1h\"; }\n);\n",
	  "@:5: alert #1: point 'sonde' is not DEVICE.POINT (lower snake case names, either one may be "
	  "'*') or '*'\n"
	  "@:6: alert #2: point 'sonde.ph.x' is not DEVICE.POINT (lower snake case names, either one may "
	  "be '*') or '*'\n"
	  "@:7: alert #3: point 'Sonde.ph' is not DEVICE.POINT (lower snake case names, either one may "
	  "be '*') or '*'\n"
	  "@:8: alert #4: point '.ph' is not DEVICE.POINT (lower snake case names, either one may be "
	  "'*') or '*'\n"
	  "@:9: alert #5: point '*.' is not DEVICE.POINT (lower snake case names, either one may be "
	  "'*') or '*'\n"
	  "@:10: alert #6: point '' is not DEVICE.POINT (lower snake case names, either one may be "
	  "'*') or '*'\n"
	  "@:11: alert #7: point '*.*.*' is not DEVICE.POINT (lower snake case names, either one may "
	  "be '*') or '*'\n" },
	{ "alert pattern too long", ALERTS " { point = \"abcdefghijabcdefghijabcdefghijabcdefghijabcdefg."
	  "abcdefghijabcdefghijabcdefghijabcdefghijabcdefgh\"; stale = \"1h\"; }\n);\n",
	  "@:5: alert #1: point is longer than 95 characters\n" },
	{ "alert on a point that does not exist", ALERTS " { point = \"sonde.phh\"; warn_high = 9.0; }\n);\n",
	  "@:5: alert 'sonde.phh': device 'sonde' has no point 'phh' (model 'insitu-at400': "
	  "dissolved_oxygen, temperature, dissolved_oxygen_saturation, conductivity, "
	  "specific_conductance, salinity, tds, resistivity, ph, ph_mv, orp)\n" },
	{ "alert on a generic point that does not exist", ST BUS "devices = ( { name = \"t\"; bus = \"rs485\";"
	  " unit = 1; model = \"generic\";\n points = ( { name = \"turbidity\"; unit = \"NTU\"; address = 0; },"
	  " { name = \"status\"; unit = \"1\"; address = 1; } ); } );\n"
	  "alerts = ( { point = \"t.ntu\"; warn_high = 100; } );\n",
	  "@:5: alert 't.ntu': device 't' has no point 'ntu' (model 'generic': turbidity, status)\n" },
	{ "alert on a device that does not exist", ALERTS " { point = \"level.depth\"; warn_low = 0.3; },\n"
	  " { point = \"level.*\"; stale = \"1h\"; },\n { point = \"*.nothing\"; stale = \"1h\"; }\n);\n",
	  "@:5: alert 'level.depth': no device named 'level'\n"
	  "@:6: alert 'level.*': no device named 'level'\n" },
	{ "alert on a point in another unit", ALERTS " { point = \"sonde.tds\";\n unit = \"mg/L\"; warn_high = 1000; },\n"
	  " { point = \"*.tds\"; unit = \"mg/L\"; warn_high = 1000; },\n"
	  " { point = \"sonde.*\"; unit = \"furlongs\"; warn_high = 1000; }\n);\n",
	  "@:5: alert 'sonde.tds': point 'tds' of device 'sonde' is in 'ppt', not 'mg/L'\n" },
	{ "alert units", ALERTS " { point = \"*.tds\"; unit = \"\"; warn_high = 1; },\n"
	  " { point = \"*.tds\"; unit = \"abcdefghijabcdefghijabcdefghijab\"; warn_high = 1; }\n);\n",
	  "@:5: alert '*.tds': unit must not be empty\n"
	  "@:6: alert '*.tds': unit is longer than 31 characters\n" },
	{ "alerts on devices in error", ST BUS "devices = ( { name = \"Sonde\"; bus = \"rs485\"; unit = 1;"
	  " model = \"insitu-at400\"; },\n { name = \"level\"; bus = \"rs485\"; unit = 2; model = \"nope\"; } );\n"
	  "alerts = ( { point = \"sonde.ph\"; warn_high = 9.0; },\n { point = \"level.depth\"; warn_low = 0.3; } );\n",
	  "@:3: device #1: name 'Sonde' must be lower snake case: a letter, then letters, digits and '_'\n"
	  "@:4: device 'level': unknown model 'nope'\n" },

	/* alerts: messages. */
	{ "alert message too long", ALERTS " { point = \"sonde.ph\"; warn_high = 9.0; message = \""
	  "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
	  "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij\"; }\n);\n",
	  "@:5: alert 'sonde.ph': message is longer than 159 characters\n" },
	{ "alert message with a control character", ALERTS " { point = \"sonde.ph\"; warn_high = 9.0;\n"
	  " message = \"call\\tnow\"; },\n { point = \"sonde.orp\"; warn_high = 9.0;\n"
	  " message = \"\\xc3\\x28\"; }\n);\n",
	  "@:6: alert 'sonde.ph': message contains a control character\n"
	  "@:8: alert 'sonde.orp': message is not valid UTF-8\n" },

	/* alerts: value limits. */
	{ "alert limits out of order", ALERTS " { point = \"sonde.ph\"; warn_high = 9.2;\n crit_high = 9.0;\n"
	  " warn_low = 6.0;\n crit_low = 7.5; }\n);\n",
	  "@:6: alert 'sonde.ph': warn_high 9.2 is not below crit_high 9\n"
	  "@:7: alert 'sonde.ph': crit_low 7.5 is not below warn_low 6\n" },
	{ "alert equal limits", ALERTS " { point = \"sonde.ph\"; warn_high = 9;\n crit_high = 9; }\n);\n",
	  "@:6: alert 'sonde.ph': warn_high 9 is not below crit_high 9\n" },
	{ "alert lows above highs", ALERTS " { point = \"sonde.ph\"; warn_high = 8.0;\n warn_low = 9.0; },\n"
	  " { point = \"sonde.orp\"; crit_high = 100;\n crit_low = 100; },\n"
	  " { point = \"sonde.tds\"; crit_low = 5; warn_low = 6;\n crit_high = 5.5; }\n);\n",
	  "@:5: alert 'sonde.ph': warn_low 9 is not below warn_high 8\n"
	  "@:7: alert 'sonde.orp': crit_low 100 is not below crit_high 100\n"
	  "@:10: alert 'sonde.tds': warn_low 6 is not below crit_high 5.5\n" },
	{ "alert infinite limit", ALERTS " { point = \"sonde.ph\";\n warn_high = 1e999; }\n);\n",
	  "@:6: alert 'sonde.ph': warn_high is not a finite number\n" },
	{ "alert hysteresis", ALERTS " { point = \"sonde.ph\"; warn_high = 9;\n hysteresis = -0.1; },\n"
	  " { point = \"sonde.orp\"; stale = \"1h\";\n hysteresis = 0.1; }\n);\n",
	  "@:6: alert 'sonde.ph': hysteresis -0.1 is below 0\n"
	  "@:8: alert 'sonde.orp': 'hysteresis' needs a limit: warn_high, crit_high, warn_low or crit_low\n" },
	{ "alert holds", ALERTS " { point = \"sonde.ph\"; warn_high = 9;\n hold = \"2d\";\n clear_hold = \"x\"; },\n"
	  " { point = \"sonde.orp\"; stale = \"1h\";\n hold = \"5m\";\n clear_hold = \"5m\"; }\n);\n",
	  "@:6: alert 'sonde.ph': hold '2d' out of range 0s..1d\n"
	  "@:7: alert 'sonde.ph': clear_hold 'x' is not a duration: a number and a unit, one of ms, s, m, h, d\n"
	  "@:9: alert 'sonde.orp': 'hold' needs a limit: warn_high, crit_high, warn_low, crit_low, rate or rate_crit\n"
	  "@:10: alert 'sonde.orp': 'clear_hold' needs a limit: warn_high, crit_high, warn_low, crit_low, rate or rate_crit\n" },

	/* alerts: rate. */
	{ "alert rates", ALERTS " { point = \"sonde.ph\";\n rate = 0;\n rate_crit = -1; },\n"
	  " { point = \"sonde.orp\"; rate = 2;\n rate_crit = 2; },\n"
	  " { point = \"sonde.tds\"; rate = 1;\n rate_window = \"59s\";\n rate_direction = \"up\"; },\n"
	  " { point = \"sonde.temperature\"; rate_crit = 1;\n rate_window = \"8d\"; }\n);\n",
	  "@:6: alert 'sonde.ph': rate 0 is not above 0\n"
	  "@:7: alert 'sonde.ph': rate_crit -1 is not above 0\n"
	  "@:9: alert 'sonde.orp': rate 2 is not below rate_crit 2\n"
	  "@:11: alert 'sonde.tds': rate_window '59s' out of range 60s..7d\n"
	  "@:12: alert 'sonde.tds': rate_direction 'up' is not 'both', 'rising' or 'falling'\n"
	  "@:14: alert 'sonde.temperature': rate_window '8d' out of range 60s..7d\n" },
	{ "alert rate keys without a rate", ALERTS " { point = \"sonde.ph\"; warn_high = 9;\n rate_window = \"1h\";\n"
	  " rate_direction = \"rising\"; }\n);\n",
	  "@:6: alert 'sonde.ph': 'rate_window' needs 'rate' or 'rate_crit'\n"
	  "@:7: alert 'sonde.ph': 'rate_direction' needs 'rate' or 'rate_crit'\n" },

	/* alerts: stale, flatline, comm. */
	{ "alert stale", ALERTS " { point = \"sonde.ph\";\n stale = \"999ms\"; },\n { point = \"sonde.orp\";\n stale = \"31d\";\n"
	  " stale_severity = \"major\"; },\n { point = \"sonde.tds\"; warn_high = 1;\n stale_severity = \"critical\"; }\n);\n",
	  "@:6: alert 'sonde.ph': stale '999ms' out of range 1s..30d\n"
	  "@:8: alert 'sonde.orp': stale '31d' out of range 1s..30d\n"
	  "@:9: alert 'sonde.orp': stale_severity 'major' is not 'warning' or 'critical'\n"
	  "@:11: alert 'sonde.tds': 'stale_severity' needs 'stale'\n" },
	{ "alert flatline", ALERTS " { point = \"sonde.ph\";\n flatline = \"999ms\";\n flatline_tolerance = -1;\n"
	  " flatline_severity = \"ok\"; },\n { point = \"sonde.orp\"; warn_high = 1;\n flatline_tolerance = 0.1;\n"
	  " flatline_severity = \"warning\"; },\n { point = \"sonde.tds\";\n flatline = \"31d\"; }\n);\n",
	  "@:6: alert 'sonde.ph': flatline '999ms' out of range 1s..30d\n"
	  "@:7: alert 'sonde.ph': flatline_tolerance -1 is below 0\n"
	  "@:8: alert 'sonde.ph': flatline_severity 'ok' is not 'warning' or 'critical'\n"
	  "@:10: alert 'sonde.orp': 'flatline_tolerance' needs 'flatline'\n"
	  "@:11: alert 'sonde.orp': 'flatline_severity' needs 'flatline'\n"
	  "@:13: alert 'sonde.tds': flatline '31d' out of range 1s..30d\n" },
	{ "alert comm", ALERTS " { point = \"sonde.*\";\n comm_failures = 0; },\n { point = \"*\";\n comm_failures = 10001;\n"
	  " comm_severity = \"unknown\"; },\n { point = \"sonde.ph\"; warn_high = 9;\n comm_severity = \"warning\"; }\n);\n",
	  "@:6: alert 'sonde.*': comm_failures 0 out of range 1..10000\n"
	  "@:8: alert '*': comm_failures 10001 out of range 1..10000\n"
	  "@:9: alert '*': comm_severity 'unknown' is not 'warning' or 'critical'\n"
	  "@:11: alert 'sonde.ph': 'comm_severity' needs 'comm_failures'\n" },

	/* notify. */
	{ "notify as a group", ST BUS DEV "notify = { exec = \"/bin/true\"; };\n",
	  "@:4: 'notify' must be a list ( ... ), not a group\n" },
	{ "notify entry not a group", ST BUS DEV "notify = ( \"/bin/true\" );\n",
	  "@:4: notify #1: must be a group { ... }, not a string\n" },
	{ "notify unknown key", ST BUS DEV "notify = ( { exec = \"/usr/local/bin/lakewatch-sms\";\n to = \"+591\"; } );\n",
	  "@:5: notify 'lakewatch-sms': unknown key 'to'\n" },
	{ "notify without exec", ST BUS DEV "notify = ( { name = \"sms\"; },\n { timeout = \"5s\"; } );\n",
	  "@:4: notify 'sms': missing required key 'exec'\n"
	  "@:5: notify #2: missing required key 'exec'\n" },
	{ "notify exec", ST BUS DEV "notify = ( { exec = \"lakewatch-sms\"; },\n { exec = \"\"; },\n"
	  " { exec = \"/usr/local/bin/\"; },\n { exec = \"/opt/...\"; },\n { exec = 1; } );\n",
	  "@:4: notify #1: exec 'lakewatch-sms' must be an absolute path\n"
	  "@:5: notify #2: exec must not be empty\n"
	  "@:6: notify #3: exec '/usr/local/bin/' must name a file, not a directory\n"
	  "@:7: notify #4: exec '/opt/...' gives no name to go by: set 'name'\n"
	  "@:8: notify #5: 'exec' must be a string, not an integer\n" },
	{ "notify names", ST BUS DEV "notify = ( { exec = \"/bin/a\"; name = \"SMS\"; },\n"
	  " { exec = \"/bin/b\"; name = \"abcdefghijabcdefghijabcdefghijabcdefghijabcdefgh\"; },\n"
	  " { exec = \"/bin/c\"; name = \"\"; } );\n",
	  "@:4: notify #1: name 'SMS' must be lower-case letters, digits, '-' and '_'\n"
	  "@:5: notify #2: name is longer than 47 characters\n"
	  "@:6: notify #3: name '' must be lower-case letters, digits, '-' and '_'\n" },
	{ "notify names used twice", ST BUS DEV "notify = ( { exec = \"/usr/local/bin/lakewatch-sms\"; },\n"
	  " { exec = \"/opt/lakewatch/bin/lakewatch-sms\"; },\n"
	  " { exec = \"/bin/mail\"; name = \"lakewatch-sms\"; },\n"
	  " { exec = \"/bin/mail\"; name = \"mail\"; },\n { exec = \"/usr/bin/Mail\"; } );\n",
	  "@:5: notify 'lakewatch-sms': the name from exec is already used by the notify entry at line 4: set 'name'\n"
	  "@:6: notify 'lakewatch-sms': name already used by the notify entry at line 4\n"
	  "@:8: notify 'mail': the name from exec is already used by the notify entry at line 7: set 'name'\n" },
	{ "notify args", ST BUS DEV "notify = ( { exec = \"/bin/a\";\n args = \"-v\"; },\n"
	  " { exec = \"/bin/b\"; args = ( \"ok\",\n 2,\n \"a\\tb\",\n ( \"x\" ) ); } );\n",
	  "@:5: notify 'a': 'args' must be a list of strings ( \"...\", ... ), not a string\n"
	  "@:7: notify 'b': args #2 must be a string, not an integer\n"
	  "@:8: notify 'b': args #3 contains a control character\n"
	  "@:9: notify 'b': args #4 must be a string, not a list\n" },
	{ "notify severity and durations", ST BUS DEV "notify = ( { exec = \"/bin/a\";\n min_severity = \"ok\";\n"
	  " timeout = \"999ms\";\n repeat = \"59s\";\n min_interval = \"2d\"; },\n"
	  " { exec = \"/bin/b\";\n timeout = \"11m\";\n repeat = \"31d\";\n min_severity = 2; } );\n",
	  "@:5: notify 'a': min_severity 'ok' is not 'warning' or 'critical'\n"
	  "@:6: notify 'a': timeout '999ms' out of range 1s..10m\n"
	  "@:7: notify 'a': repeat '59s' must be 0s (never) or at least 60s\n"
	  "@:8: notify 'a': min_interval '2d' out of range 0s..1d\n"
	  "@:10: notify 'b': timeout '11m' out of range 1s..10m\n"
	  "@:11: notify 'b': repeat '31d' out of range 0s..30d\n"
	  "@:12: notify 'b': 'min_severity' must be a string, not an integer\n" },

	/* Whole files. */
	{ "an empty file", "",
	  "@:1: missing required group 'station'\n"
	  "@:1: missing required list 'buses'\n"
	  "@:1: missing required list 'devices'\n" },
	{ "five errors in file order",
	  "station = { id = \"pp-06\";\n"
	  "  latitude = 95.0; longitude = 0; };\n"		/* 2: range */
	  "buses = ( { name = \"rs485\"; type = \"rtu\"; device = \"/dev/x\";\n"
	  "  baud = 12345; } );\n"				/* 4: baud */
	  "devices = (\n"
	  "  { name = \"sonde\"; bus = \"rs485\"; unit = 300; model = \"insitu-at400\"; },\n"	/* 6 */
	  "  { name = \"level\"; bus = \"nowhere\"; unit = 2; model = \"keller-x\";\n"	/* 7 */
	  "    colour = \"blue\"; }\n"				/* 8 */
	  ");\n",
	  "@:2: station: latitude 95 out of range -90..90\n"
	  "@:4: bus 'rs485': baud 12345 is not a standard rate: 1200, 2400, 4800, 9600, 19200, "
	  "38400, 57600, 115200, 230400, 460800 or 921600\n"
	  "@:6: device 'sonde': unit 300 out of range 1..247\n"
	  "@:7: device 'level': no bus named 'nowhere'\n"
	  "@:8: device 'level': unknown key 'colour'\n" },

	/* What libconfig itself refuses. */
	{ "a syntax error", "station = { id = \"x\" \n buses = ( ;\n",
	  "@:2: syntax error\n" },
	{ "a key given twice", "station = { id = \"x\";\n id = \"y\"; };\n",
	  "@:2: duplicate setting name\n" },
	{ "@include of a missing file", ST "@include \"missing.conf\"\n" BUS DEV,
	  "@:2: cannot open include file '" "%DIR%" "/missing.conf': No such file or directory\n" },
};

static void
test_errors(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct error_case *k = &cases[i];
		char name[32];

		snprintf(name, sizeof(name), "case%zu.conf", i);
		check_errors(k->what, name, k->text, k->want);
	}
}

/* A NUL byte would cut the text libconfig sees short: it is an error. */
static void
test_nul(void)
{
	static const char text[] = ST BUS "devices = (\n\0 );\n";
	struct conf_errors errs = { NULL, 0 };
	struct conf *c = NULL;
	char path[256], want[512], *got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/nul.conf", dir);
	f = fopen(path, "w");
	if (f == NULL)
		return;
	fwrite(text, 1, sizeof(text) - 1, f);
	fclose(f);
	CHECK_EQ_INT(-EINVAL, conf_load(path, &c, &errs), "a NUL byte: fails");
	got = joined(&errs);
	snprintf(want, sizeof(want), "%s:4: unexpected NUL byte\n", path);
	CHECK_EQ_STR(want, got, "a NUL byte: named with its line");
	free(got);
	conf_errors_clear(&errs);
	unlink(path);
}

static void
test_include(void)
{
	struct conf_errors errs = { NULL, 0 };
	struct conf *c = NULL;
	char inc[128], main_path[128], want[512], sub[128], msg[256], *got;
	int rc;

	/* A working @include: its settings count, its errors name it. */
	put("devices.inc", DEV, inc, sizeof(inc));
	c = load_ok("@include", "inc-ok.conf", ST BUS "@include \"devices.inc\"\n");
	CHECK(c != NULL && c->ndevices == 1 && strcmp(c->devices[0].name, "sonde") == 0,
	    "@include: the included devices are loaded");
	conf_free(c);
	c = NULL;

	put("bad.inc", "# devices\n"
	    "devices = ( { name = \"sonde\"; bus = \"rs485\";\n"
	    "  unit = 0; model = \"insitu-at400\"; } );\n", inc, sizeof(inc));
	put("inc-bad.conf", "station = { id = \"pp-06\";\n  colour = 1; };\n" BUS
	    "@include \"bad.inc\"\nstation2 = 1;\n", main_path, sizeof(main_path));
	rc = conf_load(main_path, &c, &errs);
	CHECK_EQ_INT(-EINVAL, rc, "@include with an error: fails");
	got = joined(&errs);
	snprintf(want, sizeof(want), "%s:2: station: unknown key 'colour'\n"
	    "%s/bad.inc:3: device 'sonde': unit 0 out of range 1..247\n"
	    "%s:5: unknown top-level key 'station2'\n", main_path, dir, main_path);
	CHECK_EQ_STR(want, got, "@include: errors in reading order, the included file's named");
	free(got);
	conf_errors_clear(&errs);

	/* A nested @include is taken from the main file's directory. */
	mkdir(strcat(strcpy(sub, dir), "/sub"), 0700);
	put("sub/outer.inc", "@include \"inner.inc\"\n", inc, sizeof(inc));
	put("inner.inc", DEV, inc, sizeof(inc));
	c = load_ok("nested @include", "nested.conf", ST BUS "@include \"sub/outer.inc\"\n");
	CHECK(c != NULL && c->ndevices == 1, "nested @include: loaded");
	conf_free(c);
	c = NULL;

	/* Loading the main file from another directory still finds the includes. */
	{
		char cwd[512];

		if (getcwd(cwd, sizeof(cwd)) != NULL && chdir("/") == 0) {
			put("fromroot.conf", ST BUS "@include \"devices.inc\"\n", main_path, sizeof(main_path));
			rc = conf_load(main_path, &c, &errs);
			CHECK_EQ_INT(0, rc, "@include works whatever the working directory");
			conf_free(c);
			c = NULL;
			conf_errors_clear(&errs);
			unlink(main_path);
			CHECK(chdir(cwd) == 0, "back to the working directory");
		}
	}

	/* Failures: absolute, a directory, a missing nested one, a backslash, too deep. */
	snprintf(want, sizeof(want), ST BUS DEV "@include \"%s/devices.inc\"\n", dir);
	snprintf(msg, sizeof(msg), "@:4: cannot include '%s/devices.inc': give the path "
	    "relative to the directory of the main configuration file\n", dir);
	check_errors("@include of an absolute path", "abs.conf", want, msg);
	check_errors("@include of a directory", "incdir.conf", ST BUS DEV "@include \"sub\"\n",
	    "@:4: cannot open include file '%DIR%/sub': Is a directory\n");
	put("outer2.inc", "\n@include \"gone.inc\"\n", inc, sizeof(inc));
	snprintf(want, sizeof(want), "%s/outer2.inc:2: cannot open include file '%s/gone.inc': "
	    "No such file or directory\n", dir, dir);
	{
		char text[] = ST BUS DEV "@include \"outer2.inc\"\n";

		put("nested-missing.conf", text, main_path, sizeof(main_path));
		rc = conf_load(main_path, &c, &errs);
		CHECK_EQ_INT(-EINVAL, rc, "a missing nested include: fails");
		got = joined(&errs);
		CHECK_EQ_STR(want, got, "a missing nested include: named, at the including file's line");
		free(got);
		conf_errors_clear(&errs);
	}
	check_errors("@include with a backslash", "bs.conf", ST BUS DEV "@include \"a\\q.inc\"\n",
	    "@:4: @include path with a backslash or a NUL byte\n");
	put("self.inc", "@include \"self.inc\"\n", inc, sizeof(inc));
	snprintf(want, sizeof(want), "%s/self.inc:1: cannot include 'self.inc': @include nested more "
	    "than 10 deep\n", dir);
	put("deep.conf", ST BUS DEV "@include \"self.inc\"\n", main_path, sizeof(main_path));
	rc = conf_load(main_path, &c, &errs);
	CHECK_EQ_INT(-EINVAL, rc, "@include of itself: fails");
	got = joined(&errs);
	CHECK_EQ_STR(want, got, "@include of itself: too deep");
	free(got);
	conf_errors_clear(&errs);
	put("nonl.inc", DEV "# no newline", inc, sizeof(inc));
	snprintf(want, sizeof(want), "%s/nonl.inc:2: the comment on the last line needs a newline after it\n", dir);
	put("nonl-inc.conf", ST BUS "@include \"nonl.inc\"\n", main_path, sizeof(main_path));
	rc = conf_load(main_path, &c, &errs);
	CHECK_EQ_INT(-EINVAL, rc, "an included file ending in a comment without a newline: fails");
	got = joined(&errs);
	CHECK_EQ_STR(want, got, "a comment ending an included file: named");
	free(got);
	conf_errors_clear(&errs);
	/* An @include in a comment or a string is not one. */
	c = load_ok("@include in comments", "inc-comment.conf", ST BUS DEV
	    "# @include \"nowhere.inc\"\n// @include \"nowhere.inc\"\n/*\n@include \"nowhere.inc\"\n*/\n");
	conf_free(c);
	check_errors("@include in a string", "inc-string.conf", ST BUS DEV
	    "store = { path = \"x\n@include \\\"nowhere.inc\\\"\n\"; };\n",
	    "@:4: store: path contains a control character\n");
}

static void
test_files(void)
{
	struct conf_errors errs = { NULL, 0 };
	struct conf *c = NULL;
	char path[256];

	snprintf(path, sizeof(path), "%s/does-not-exist.conf", dir);
	CHECK_EQ_INT(-ENOENT, conf_load(path, &c, &errs), "a missing file: -ENOENT");
	CHECK_EQ_INT(0, errs.n, "a missing file: no messages, the errno says it");
	CHECK_EQ_INT(-EISDIR, conf_load(dir, &c, &errs), "a directory: -EISDIR");
	CHECK(c == NULL, "nothing loaded");

	/* conf_load_string is the same loader. */
	snprintf(path, sizeof(path), "%s/string.conf", dir);
	CHECK_EQ_INT(0, conf_load_string(path, ST BUS DEV, &c, &errs), "conf_load_string loads");
	CHECK(c != NULL && strcmp(c->path, path) == 0, "conf_load_string: the path as given");
	conf_free(c);
	c = NULL;
	CHECK_EQ_INT(-EINVAL, conf_load_string("x.conf", "station = 1;\n", &c, &errs),
	    "conf_load_string: errors");
	CHECK(errs.n == 3 && strcmp(errs.lines[0], "x.conf:1: 'station' must be a group { ... }, "
	    "not an integer") == 0, "conf_load_string: messages name the file as given");
	conf_errors_clear(&errs);

	/* Errors are appended to what errs already holds. */
	CHECK_EQ_INT(-EINVAL, conf_load_string("a.conf", "", &c, &errs), "first load");
	CHECK_EQ_INT(-EINVAL, conf_load_string("b.conf", "", &c, &errs), "second load");
	CHECK(errs.n == 6 && strncmp(errs.lines[3], "b.conf:1: ", 10) == 0,
	    "messages of two loads are appended");
	conf_errors_clear(&errs);
	CHECK(errs.n == 0 && errs.lines == NULL, "conf_errors_clear empties");
	conf_errors_clear(&errs);
	conf_free(NULL);
}

/* Lists too long for a station are refused whole, before any pairwise check. */
static void
test_limits(void)
{
	size_t cap = 512 * 1024, at;
	char *text = malloc(cap);
	int i;

	if (text == NULL)
		return;
	at = (size_t)snprintf(text, cap, ST "buses = (\n");
	for (i = 0; i < 257; i++)
		at += (size_t)snprintf(text + at, cap - at, "%s{ name = \"b%d\"; type = \"tcp\"; "
		    "host = \"h\"; }", i ? ", " : "", i);
	at += (size_t)snprintf(text + at, cap - at, ");\n" DEV);
	check_errors("257 buses", "buses.conf", text, "@:2: 'buses' lists 257 buses, more than 256\n");

	at = (size_t)snprintf(text, cap, ST BUS "devices = (\n");
	for (i = 0; i < 4097; i++)
		at += (size_t)snprintf(text + at, cap - at, "%s{ name = \"d%d\"; bus = \"rs485\"; "
		    "unit = 1; model = \"keller-x\"; }", i ? ", " : "", i);
	snprintf(text + at, cap - at, ");\n");
	check_errors("4097 devices", "devices.conf", text,
	    "@:3: 'devices' lists 4097 devices, more than 4096\n");

	at = (size_t)snprintf(text, cap, ST BUS DEV "alerts = (\n");
	for (i = 0; i < 4097; i++)
		at += (size_t)snprintf(text + at, cap - at, "%s{ point = \"*\"; stale = \"1h\"; }",
		    i ? ", " : "");
	snprintf(text + at, cap - at, ");\n");
	check_errors("4097 alerts", "alerts.conf", text,
	    "@:4: 'alerts' lists 4097 alerts, more than 4096\n");

	at = (size_t)snprintf(text, cap, ST BUS DEV "notify = (\n");
	for (i = 0; i < 65; i++)
		at += (size_t)snprintf(text + at, cap - at, "%s{ exec = \"/bin/n%d\"; }", i ? ", " : "", i);
	snprintf(text + at, cap - at, ");\n");
	check_errors("65 notify programs", "notify.conf", text,
	    "@:4: 'notify' lists 65 programs, more than 64\n");

	at = (size_t)snprintf(text, cap, ST BUS DEV "notify = ( { exec = \"/bin/n\";\n args = (");
	for (i = 0; i < 33; i++)
		at += (size_t)snprintf(text + at, cap - at, "%s\"a%d\"", i ? ", " : "", i);
	snprintf(text + at, cap - at, "); } );\n");
	check_errors("33 args", "args.conf", text,
	    "@:5: notify 'n': 'args' lists 33 arguments, more than 32\n");

	/* The longest argument that fits, and one byte more. */
	at = (size_t)snprintf(text, cap, ST BUS DEV "notify = ( { exec = \"/bin/n\"; args = ( \"");
	memset(text + at, 'x', 1023);
	at += 1023;
	snprintf(text + at, cap - at, "\" ); } );\n");
	{
		struct conf *c = load_ok("an argument of 1023 bytes", "arg-max.conf", text);

		CHECK(c != NULL && c->notify[0].nargs == 1 && strlen(c->notify[0].args[0]) == 1023,
		    "an argument of 1023 bytes is kept");
		conf_free(c);
	}
	snprintf(text + at, cap - at, "x\" ); } );\n");
	check_errors("an argument of 1024 bytes", "arg-long.conf", text,
	    "@:4: notify 'n': args #1 is longer than 1023 characters\n");
	free(text);
}

/* Every shipped example loads without a message. */
static void
test_examples(void)
{
	const char *top = getenv("LW_TOP");
	char pattern[300];
	glob_t g;
	size_t n = 0;

	snprintf(pattern, sizeof(pattern), "%s/config/*.conf", top ? top : ".");
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct conf_errors errs = { NULL, 0 };
			struct conf *c = NULL;
			int rc = conf_load(g.gl_pathv[i], &c, &errs);

			for (size_t e = 0; e < errs.n; e++)
				printf("# %s\n", errs.lines[e]);
			CHECK_EQ_INT(0, rc, "example %s loads", g.gl_pathv[i]);
			conf_free(c);
			conf_errors_clear(&errs);
			n++;
		}
		globfree(&g);
	}
	CHECK(n >= 2, "the examples were found (%zu in %s)", n, pattern);
}

/*
 * Every preset of config/presets/ loads inside the alerts list of a station
 * with a device of each shipped model (and a generic one for the point names
 * no driver has), and each of its rules binds at least one point there: a
 * misspelt point name or unit in a preset would otherwise match nothing in
 * silence.  The presets have no station of their own, so only this and the
 * examples that include them check them.
 */
static void
test_presets(void)
{
	const char *top = getenv("LW_TOP");
	char pattern[300], name[300], *text;
	size_t cap = 16384, at, n = 0;
	glob_t g;

	text = malloc(cap);
	if (text == NULL)
		return;
	snprintf(pattern, sizeof(pattern), "%s/config/presets/*.conf", top ? top : ".");
	snprintf(name, sizeof(name), "%s/config/preset-check.conf", top ? top : ".");
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			const char *base = strrchr(g.gl_pathv[i], '/') + 1;
			struct conf_errors errs = { NULL, 0 };
			struct conf *c = NULL;
			size_t nrules;
			int rc;

			at = (size_t)snprintf(text, cap, ST BUS "devices = (\n");
			for (size_t m = 0; m < drv_nmodels; m++)
				at += (size_t)snprintf(text + at, cap - at, "{ name = \"d%zu\"; bus = \"rs485\"; "
				    "unit = %zu; model = \"%s\"; },\n", m, m + 1, drv_models[m]->name);
			at += (size_t)snprintf(text + at, cap - at, "{ name = \"g\"; bus = \"rs485\"; unit = 200; "
			    "model = \"generic\"; points = ( { name = \"water_level\"; unit = \"m\"; "
			    "address = 0; } ); }\n);\nalerts = (\n@include \"presets/%s\"\n"
			    "{ point = \"g.water_level\"; comm_failures = 1; }\n);\n", base);
			rc = conf_load_string(name, text, &c, &errs);
			for (size_t e = 0; e < errs.n; e++)
				printf("# %s\n", errs.lines[e]);
			CHECK_EQ_INT(0, rc, "preset %s loads in a station of every model", base);
			if (c != NULL) {
				nrules = c->nalerts - 1;
				CHECK(nrules > 0, "preset %s has rules", base);
				for (size_t r = 0; r < nrules; r++) {
					bool bound = false;

					for (size_t b = 0; b < c->nbinds && !bound; b++)
						bound = c->binds[b].rule == r;
					CHECK(bound, "preset %s: the rule '%s' at line %d binds a point",
					    base, c->alerts[r].pattern, c->alerts[r].line);
				}
			}
			conf_free(c);
			conf_errors_clear(&errs);
			n++;
		}
		globfree(&g);
	}
	CHECK(n >= 6, "the presets were found (%zu in %s)", n, pattern);
	free(text);
}

/* Remove path and what it holds: only ever the directory this test made. */
static void
remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char sub[512];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(sub);
		else
			unlink(sub);
	}
	if (d != NULL)
		closedir(d);
	rmdir(path);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/lw-test-conf-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_full();
	test_defaults();
	test_forwarders();
	test_urls();
	test_alerts();
	test_binds();
	test_errors();
	test_nul();
	test_include();
	test_files();
	test_limits();
	test_examples();
	test_presets();
	remove_tree(dir);
	return tap_done();
}
