/* SPDX-License-Identifier: MIT */
/*
 * The schema walk: every setting libconfig parsed is compared with a table of
 * the keys its group allows and the type each must have, because libconfig
 * itself accepts unknown keys silently and its lookup functions cannot tell a
 * missing key from one of the wrong type.  Every problem is reported, not
 * only the first.  This file has the shared value getters and the top level,
 * station, buses, store and control; conf_device.c has the devices,
 * conf_forward.c the mqtt and influxdb groups, and conf_alert.c the alerts
 * and notify lists.
 *
 * An integer is accepted where a number is wanted; a string never is.
 * Relative paths (store.path, control.socket, and the secret and certificate
 * files of conf_forward.c) are taken from the directory of the main
 * configuration file.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "conf_impl.h"
#include "duration.h"
#include "size.h"

#define CTX(ctx)	(ctx) ? (ctx) : "", (ctx) ? ": " : ""

const char *
conf_type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a float";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	default:
		return "nothing";
	}
}

static const char *
kind_name(enum conf_kind k)
{
	switch (k) {
	case CK_STRING:
		return "a string";
	case CK_INT:
		return "an integer";
	case CK_NUMBER:
		return "a number";
	case CK_BOOL:
		return "true or false";
	case CK_DURATION:
		return "a duration string such as '30s'";
	case CK_SIZE:
		return "a size string such as '500MB'";
	case CK_GROUP:
		return "a group { ... }";
	case CK_LIST:
		return "a list ( ... )";
	case CK_STRINGS:
		return "a list of strings ( \"...\", ... )";
	}
	return "?";
}

static bool
kind_ok(enum conf_kind k, const config_setting_t *s)
{
	int t = config_setting_type(s);

	switch (k) {
	case CK_STRING:
	case CK_DURATION:
		return t == CONFIG_TYPE_STRING;
	case CK_INT:
		return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
	case CK_SIZE:
		return t == CONFIG_TYPE_STRING || t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
	case CK_NUMBER:
		return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT;
	case CK_BOOL:
		return t == CONFIG_TYPE_BOOL;
	case CK_GROUP:
		return t == CONFIG_TYPE_GROUP;
	case CK_LIST:
		return t == CONFIG_TYPE_LIST;
	case CK_STRINGS:
		return t == CONFIG_TYPE_LIST || t == CONFIG_TYPE_ARRAY;
	}
	return false;
}

void
conf_walk_group(struct conf_loader *L, const config_setting_t *g, const char *ctx,
    const struct conf_key *keys, size_t nkeys, struct conf_slot *slots)
{
	int n = config_setting_length(g);

	memset(slots, 0, nkeys * sizeof(*slots));
	for (int i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = m ? config_setting_name(m) : NULL;
		size_t k;

		if (name == NULL)
			continue;
		for (k = 0; k < nkeys; k++)
			if (strcmp(keys[k].name, name) == 0)
				break;
		if (k == nkeys) {
			conf_err(L, m, "%s%sunknown key '%s'", CTX(ctx), name);
			continue;
		}
		slots[k].present = true;
		if (!kind_ok(keys[k].kind, m)) {
			conf_err(L, m, "%s%s'%s' must be %s, not %s", CTX(ctx), name,
			    kind_name(keys[k].kind), conf_type_name(m));
			continue;
		}
		slots[k].s = m;
	}
}

bool
conf_require(struct conf_loader *L, const config_setting_t *group, const char *ctx,
    const struct conf_slot *slot, const char *key)
{
	if (slot->present)
		return true;
	conf_err(L, group, "%s%smissing required key '%s'", CTX(ctx), key);
	return false;
}

static long long
int_value(const config_setting_t *s)
{
	if (config_setting_type(s) == CONFIG_TYPE_INT64)
		return config_setting_get_int64(s);
	return config_setting_get_int(s);
}

bool
conf_get_int(struct conf_loader *L, const struct conf_slot *slot, const char *ctx,
    const char *key, long long lo, long long hi, long long def, long long *ret)
{
	long long v;

	if (slot->s == NULL) {
		*ret = def;
		return !slot->present;
	}
	v = int_value(slot->s);
	if (v < lo || v > hi) {
		conf_err(L, slot->s, "%s%s%s %lld out of range %lld..%lld", CTX(ctx), key, v, lo, hi);
		return false;
	}
	*ret = v;
	return true;
}

bool
conf_get_num(struct conf_loader *L, const struct conf_slot *slot, const char *ctx,
    const char *key, double lo, double hi, double def, double *ret)
{
	double v;

	if (slot->s == NULL) {
		*ret = def;
		return !slot->present;
	}
	if (config_setting_type(slot->s) == CONFIG_TYPE_FLOAT)
		v = config_setting_get_float(slot->s);
	else
		v = (double)int_value(slot->s);
	if (!isfinite(v)) {
		conf_err(L, slot->s, "%s%s%s is not a finite number", CTX(ctx), key);
		return false;
	}
	if (v < lo || v > hi) {
		conf_err(L, slot->s, "%s%s%s %g out of range %g..%g", CTX(ctx), key, v, lo, hi);
		return false;
	}
	*ret = v;
	return true;
}

/* Milliseconds as the shortest exact duration: "10ms", "60s", "5m", "1d". */
static const char *
dur_text(int64_t ms, char *buf, size_t len)
{
	static const struct { int64_t ms; const char *unit; } units[] = {
		{ 86400000, "d" }, { 3600000, "h" }, { 60000, "m" }, { 1000, "s" },
	};

	/* A minute reads better as "60s", like the other bounds in seconds. */
	for (size_t i = 0; ms != 0 && i < sizeof(units) / sizeof(units[0]); i++)
		if (ms % units[i].ms == 0 && (units[i].ms != 60000 || ms > 60000)) {
			snprintf(buf, len, "%lld%s", (long long)(ms / units[i].ms), units[i].unit);
			return buf;
		}
	snprintf(buf, len, "%lld%s", (long long)ms, ms == 0 ? "s" : "ms");
	return buf;
}

bool
conf_get_dur(struct conf_loader *L, const struct conf_slot *slot, const char *ctx,
    const char *key, int64_t lo, int64_t hi, int64_t def, int64_t *ret)
{
	char a[32], b[32];
	const char *text;
	int64_t ms = 0;
	int rc;

	if (slot->s == NULL) {
		*ret = def;
		return !slot->present;
	}
	text = config_setting_get_string(slot->s);
	rc = duration_parse(text, &ms);
	if (rc == -ERANGE || (rc == 0 && (ms < lo || ms > hi))) {
		conf_err(L, slot->s, "%s%s%s '%s' out of range %s..%s", CTX(ctx), key, text,
		    dur_text(lo, a, sizeof(a)), dur_text(hi, b, sizeof(b)));
		return false;
	}
	if (rc != 0) {
		conf_err(L, slot->s, "%s%s%s '%s' is not a duration: a number and a unit, "
		    "one of ms, s, m, h, d", CTX(ctx), key, text);
		return false;
	}
	*ret = ms;
	return true;
}

bool
conf_get_str(struct conf_loader *L, const struct conf_slot *slot, const char *ctx,
    const char *key, size_t max, const char *def, char *buf)
{
	const char *v;
	size_t n;

	if (slot->s == NULL) {
		if (def != NULL)
			snprintf(buf, max, "%s", def);
		else
			buf[0] = '\0';
		return !slot->present;
	}
	v = config_setting_get_string(slot->s);
	n = strlen(v);
	buf[0] = '\0';
	if (n >= max) {
		conf_err(L, slot->s, "%s%s%s is longer than %zu characters", CTX(ctx), key, max - 1);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			conf_err(L, slot->s, "%s%s%s contains a control character", CTX(ctx), key);
			return false;
		}
	memcpy(buf, v, n + 1);
	return true;
}

bool
conf_get_size(struct conf_loader *L, const struct conf_slot *slot, const char *ctx,
    const char *key, int64_t lo, int64_t hi, int64_t def, int64_t *ret)
{
	char a[32], b[32], shown[32];
	const char *text;
	long long v = 0;
	int64_t bytes = 0;
	size_t n;
	int rc;

	if (slot->s == NULL) {
		*ret = def;
		return !slot->present;
	}
	if (config_setting_type(slot->s) == CONFIG_TYPE_STRING) {
		text = config_setting_get_string(slot->s);
		rc = size_parse(text, &bytes);
		if (rc == -ERANGE || (rc == 0 && (bytes < lo || bytes > hi))) {
			conf_err(L, slot->s, "%s%s%s '%s' out of range %s..%s", CTX(ctx), key, text,
			    size_format(lo, a, sizeof(a)), size_format(hi, b, sizeof(b)));
			return false;
		}
		if (rc == 0) {
			*ret = bytes;
			return true;
		}
		n = strspn(text, "0123456789");
		if (n == 0 || text[n] != '\0') {
			conf_err(L, slot->s, "%s%s%s '%s' is not a size: a whole number and a unit, "
			    "one of " SIZE_UNITS, CTX(ctx), key, text);
			return false;
		}
		v = n <= 18 ? strtoll(text, NULL, 10) : 0;
		snprintf(shown, sizeof(shown), "'%.24s'", text);
	} else {
		v = int_value(slot->s);
		snprintf(shown, sizeof(shown), "%lld", v);
	}
	/* Bytes, or megabytes?  Only the operator can say. */
	conf_err(L, slot->s, "%s%s%s %s needs a unit, as in \"%lldMB\": one of " SIZE_UNITS,
	    CTX(ctx), key, shown, v > 0 ? v : 500);
	return false;
}

bool
conf_get_bool(struct conf_loader *L, const struct conf_slot *slot, bool def, bool *ret)
{
	(void)L;
	*ret = slot->s != NULL ? config_setting_get_bool(slot->s) != 0 : def;
	return slot->s != NULL || !slot->present;
}

bool
conf_name_ok(const char *s, bool snake, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max || (snake && !(s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
			continue;
		if (c == '-' && !snake)
			continue;
		return false;
	}
	return true;
}

const char *
conf_group_name(const config_setting_t *g, bool snake, size_t max)
{
	const config_setting_t *n = config_setting_get_member(g, "name");
	const char *s;

	if (n == NULL || config_setting_type(n) != CONFIG_TYPE_STRING)
		return NULL;
	s = config_setting_get_string(n);
	return s != NULL && conf_name_ok(s, snake, max) ? s : NULL;
}

int
conf_one_of(const char *text, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(text, names[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- station ---------------------------------------------------------- */

enum { ST_ID, ST_NAME, ST_LAT, ST_LON, ST_ELEV, ST_METRICS, ST_NKEYS };
static const struct conf_key station_keys[ST_NKEYS] = {
	[ST_ID] = { "id", CK_STRING },
	[ST_NAME] = { "name", CK_STRING },
	[ST_LAT] = { "latitude", CK_NUMBER },
	[ST_LON] = { "longitude", CK_NUMBER },
	[ST_ELEV] = { "elevation", CK_NUMBER },
	[ST_METRICS] = { "metrics_interval", CK_DURATION },
};

static void
check_station(struct conf_loader *L, const config_setting_t *g, struct conf_station *st)
{
	struct conf_slot k[ST_NKEYS];
	const char *ctx = "station";

	conf_walk_group(L, g, ctx, station_keys, ST_NKEYS, k);
	if (conf_require(L, g, ctx, &k[ST_ID], "id") &&
	    conf_get_str(L, &k[ST_ID], ctx, "id", sizeof(st->id), NULL, st->id) &&
	    !conf_name_ok(st->id, false, sizeof(st->id)))
		conf_err(L, k[ST_ID].s, "station: id '%s' must be lower-case letters, digits, "
		    "'-' and '_'", st->id);
	conf_get_str(L, &k[ST_NAME], ctx, "name", sizeof(st->name), "", st->name);
	conf_get_num(L, &k[ST_LAT], ctx, "latitude", -90, 90, 0, &st->latitude);
	conf_get_num(L, &k[ST_LON], ctx, "longitude", -180, 180, 0, &st->longitude);
	conf_get_num(L, &k[ST_ELEV], ctx, "elevation", -500, 9000, NAN, &st->elevation);
	/* The daemon's own figures as readings of device `lakewatchd`: 0s turns them off. */
	conf_get_dur(L, &k[ST_METRICS], ctx, "metrics_interval", 0, 86400000, 60000,
	    &st->metrics_interval_ms);
	if (st->metrics_interval_ms > 0 && st->metrics_interval_ms < 1000)
		conf_err(L, k[ST_METRICS].s, "station: metrics_interval '%lldms' is not 0s or at "
		    "least 1s", (long long)st->metrics_interval_ms);
	if (k[ST_LAT].present != k[ST_LON].present) {
		bool lat = k[ST_LAT].present;

		conf_err(L, g, "station: '%s' without '%s'", lat ? "latitude" : "longitude",
		    lat ? "longitude" : "latitude");
	}
	st->has_position = k[ST_LAT].s != NULL && k[ST_LON].s != NULL;
}

/* ---- buses ------------------------------------------------------------ */

enum {
	BUS_NAME, BUS_TYPE, BUS_DEVICE, BUS_BAUD, BUS_PARITY, BUS_DATA_BITS, BUS_STOP_BITS,
	BUS_HOST, BUS_PORT, BUS_TIMEOUT, BUS_TURNAROUND, BUS_NKEYS
};
static const struct conf_key bus_keys[BUS_NKEYS] = {
	[BUS_NAME] = { "name", CK_STRING },
	[BUS_TYPE] = { "type", CK_STRING },
	[BUS_DEVICE] = { "device", CK_STRING },
	[BUS_BAUD] = { "baud", CK_INT },
	[BUS_PARITY] = { "parity", CK_STRING },
	[BUS_DATA_BITS] = { "data_bits", CK_INT },
	[BUS_STOP_BITS] = { "stop_bits", CK_INT },
	[BUS_HOST] = { "host", CK_STRING },
	[BUS_PORT] = { "port", CK_INT },
	[BUS_TIMEOUT] = { "timeout", CK_DURATION },
	[BUS_TURNAROUND] = { "turnaround", CK_DURATION },
};

static const char *const bus_types[] = { "rtu", "tcp", "rtu-over-tcp" };
static const char *const parities[] = { "none", "even", "odd" };
static const unsigned bauds[] = {
	1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600,
};

static void
check_serial(struct conf_loader *L, const struct conf_slot *k, const char *ctx,
    const config_setting_t *g, struct conf_bus *b)
{
	long long v;
	char parity[64];

	if (conf_require(L, g, ctx, &k[BUS_DEVICE], "device") &&
	    conf_get_str(L, &k[BUS_DEVICE], ctx, "device", sizeof(b->device), NULL, b->device) &&
	    b->device[0] == '\0')
		conf_err(L, k[BUS_DEVICE].s, "%s: device must not be empty", ctx);
	if (conf_get_int(L, &k[BUS_BAUD], ctx, "baud", 0, 100000000, 9600, &v)) {
		size_t i;

		for (i = 0; i < sizeof(bauds) / sizeof(bauds[0]); i++)
			if (v == bauds[i])
				break;
		if (i < sizeof(bauds) / sizeof(bauds[0]))
			b->baud = (unsigned)v;
		else
			conf_err(L, k[BUS_BAUD].s, "%s: baud %lld is not a standard rate: 1200, 2400, "
			    "4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800 or 921600", ctx, v);
	}
	b->parity = 'N';
	if (conf_get_str(L, &k[BUS_PARITY], ctx, "parity", sizeof(parity), "none", parity)) {
		int i = conf_one_of(parity, parities, 3);

		if (i < 0)
			conf_err(L, k[BUS_PARITY].s, "%s: parity '%s' is not 'none', 'even' or 'odd'",
			    ctx, parity);
		else
			b->parity = "NEO"[i];
	}
	if (conf_get_int(L, &k[BUS_DATA_BITS], ctx, "data_bits", INT_MIN, INT_MAX, 8, &v)) {
		if (v == 7 || v == 8)
			b->data_bits = (unsigned)v;
		else
			conf_err(L, k[BUS_DATA_BITS].s, "%s: data_bits %lld is not 7 or 8", ctx, v);
	}
	if (conf_get_int(L, &k[BUS_STOP_BITS], ctx, "stop_bits", INT_MIN, INT_MAX, 1, &v)) {
		if (v == 1 || v == 2)
			b->stop_bits = (unsigned)v;
		else
			conf_err(L, k[BUS_STOP_BITS].s, "%s: stop_bits %lld is not 1 or 2", ctx, v);
	}
}

static void
check_bus(struct conf_loader *L, const config_setting_t *g, size_t index, struct conf *c,
    const config_setting_t **where)
{
	struct conf_bus *b = &c->buses[index];
	struct conf_slot k[BUS_NKEYS];
	char ctx[LW_NAME_MAX + 16], type[64], name[LW_NAME_MAX];
	int t = -1;
	long long v;

	snprintf(ctx, sizeof(ctx), "bus #%zu", index + 1);
	b->line = (int)config_setting_source_line(g);
	if (conf_group_name(g, false, sizeof(name)) == NULL)
		L->buses_unnamed = true;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_err(L, g, "%s: must be a group { ... }, not %s", ctx, conf_type_name(g));
		return;
	}
	if (conf_group_name(g, false, sizeof(name)) != NULL)
		snprintf(ctx, sizeof(ctx), "bus '%s'", conf_group_name(g, false, sizeof(name)));
	conf_walk_group(L, g, ctx, bus_keys, BUS_NKEYS, k);
	if (conf_require(L, g, ctx, &k[BUS_NAME], "name") &&
	    conf_get_str(L, &k[BUS_NAME], ctx, "name", sizeof(name), NULL, name)) {
		size_t i;

		if (!conf_name_ok(name, false, sizeof(name))) {
			conf_err(L, k[BUS_NAME].s, "%s: name '%s' must be lower-case letters, digits, "
			    "'-' and '_'", ctx, name);
		} else {
			for (i = 0; i < index; i++)
				if (strcmp(c->buses[i].name, name) == 0)
					break;
			if (i < index) {
				char at[CONF_PATH_MAX + 32];

				conf_err(L, k[BUS_NAME].s, "bus '%s': name already used by the bus at %s",
				    name, conf_where(L, where[i], k[BUS_NAME].s, at, sizeof(at)));
			} else {
				memcpy(b->name, name, sizeof(b->name));
				where[index] = k[BUS_NAME].s;
			}
			snprintf(ctx, sizeof(ctx), "bus '%s'", name);
		}
	}
	if (conf_require(L, g, ctx, &k[BUS_TYPE], "type") &&
	    conf_get_str(L, &k[BUS_TYPE], ctx, "type", sizeof(type), NULL, type)) {
		t = conf_one_of(type, bus_types, 3);
		if (t < 0)
			conf_err(L, k[BUS_TYPE].s, "%s: type '%s' is not 'rtu', 'tcp' or 'rtu-over-tcp'",
			    ctx, type);
	}
	if (t == CONF_BUS_RTU) {
		static const int tcp_only[] = { BUS_HOST, BUS_PORT };

		b->type = CONF_BUS_RTU;
		for (size_t i = 0; i < 2; i++)
			if (k[tcp_only[i]].present)
				conf_err(L, config_setting_get_member(g, bus_keys[tcp_only[i]].name),
				    "%s: mixed up RTU and TCP options: '%s' on an 'rtu' bus", ctx,
				    bus_keys[tcp_only[i]].name);
		check_serial(L, k, ctx, g, b);
	} else if (t == CONF_BUS_TCP || t == CONF_BUS_RTU_OVER_TCP) {
		static const int rtu_only[] = {
			BUS_DEVICE, BUS_BAUD, BUS_PARITY, BUS_DATA_BITS, BUS_STOP_BITS,
		};

		b->type = (enum conf_bus_type)t;
		for (size_t i = 0; i < 5; i++)
			if (k[rtu_only[i]].present)
				conf_err(L, config_setting_get_member(g, bus_keys[rtu_only[i]].name),
				    "%s: mixed up RTU and TCP options: '%s' on a '%s' bus", ctx,
				    bus_keys[rtu_only[i]].name, bus_types[t]);
		if (conf_require(L, g, ctx, &k[BUS_HOST], "host") &&
		    conf_get_str(L, &k[BUS_HOST], ctx, "host", sizeof(b->host), NULL, b->host) &&
		    b->host[0] == '\0')
			conf_err(L, k[BUS_HOST].s, "%s: host must not be empty", ctx);
		if (conf_get_int(L, &k[BUS_PORT], ctx, "port", 1, 65535, 502, &v))
			b->port = (unsigned)v;
	}
	conf_get_dur(L, &k[BUS_TIMEOUT], ctx, "timeout", 10, 60000, 1000, &b->timeout_ms);
	/* An RTU line needs a quiet time; so does one behind a transparent gateway. */
	conf_get_dur(L, &k[BUS_TURNAROUND], ctx, "turnaround", 0, 10000,
	    t == CONF_BUS_TCP ? 0 : 5, &b->turnaround_ms);
}

static void
check_buses(struct conf_loader *L, const config_setting_t *list, struct conf *c)
{
	const config_setting_t **where;
	int n = config_setting_length(list);

	if (n <= 0) {
		conf_err(L, list, "'buses' must list at least one bus");
		L->buses_unnamed = true;
		return;
	}
	if (n > CONF_MAX_BUSES) {
		conf_err(L, list, "'buses' lists %d buses, more than %d", n, CONF_MAX_BUSES);
		L->buses_unnamed = true;
		return;
	}
	c->buses = calloc((size_t)n, sizeof(*c->buses));
	where = calloc((size_t)n, sizeof(*where));
	if (c->buses == NULL || where == NULL) {
		free(where);
		L->oom = true;
		return;
	}
	c->nbuses = (size_t)n;
	for (int i = 0; i < n; i++)
		check_bus(L, config_setting_get_elem(list, (unsigned)i), (size_t)i, c, where);
	/* Two buses cannot share a serial line. */
	for (size_t i = 0; i < c->nbuses; i++) {
		const struct conf_bus *b = &c->buses[i];

		if (b->type != CONF_BUS_RTU || b->device[0] == '\0' || b->name[0] == '\0')
			continue;
		for (size_t j = 0; j < i; j++)
			if (c->buses[j].type == CONF_BUS_RTU && c->buses[j].name[0] != '\0' &&
			    strcmp(c->buses[j].device, b->device) == 0) {
				conf_err(L, config_setting_get_member(config_setting_parent(where[i]),
				    "device"), "bus '%s': device '%s' is already used by bus '%s'",
				    b->name, b->device, c->buses[j].name);
				break;
			}
	}
	free(where);
}

/* ---- store and control ------------------------------------------------ */

bool
conf_get_path(struct conf_loader *L, const struct conf_slot *slot, const char *ctx,
    const char *key, const char *def, char *buf, size_t max)
{
	char *joined;
	bool ok;

	if (slot->s == NULL && def == NULL) {
		buf[0] = '\0';
		return !slot->present;
	}
	if (!conf_get_str(L, slot, ctx, key, CONF_PATH_MAX, def, buf))
		return false;
	if (buf[0] == '\0') {
		conf_err(L, slot->s, "%s: %s must not be empty", ctx, key);
		return false;
	}
	joined = conf_join(L->dir, buf);
	if (joined == NULL) {
		L->oom = true;
		return false;
	}
	ok = strlen(joined) < max;
	if (!ok) {
		conf_err(L, slot->s, "%s: %s '%s' is longer than %zu characters", ctx, key, joined,
		    max - 1);
		buf[0] = '\0';
	} else {
		memcpy(buf, joined, strlen(joined) + 1);
	}
	free(joined);
	return ok;
}

enum { SO_PATH, SO_RETENTION, SO_COMMIT, SO_MAX_SIZE, SO_NKEYS };
static const struct conf_key store_keys[SO_NKEYS] = {
	[SO_PATH] = { "path", CK_STRING },
	[SO_RETENTION] = { "retention", CK_DURATION },
	[SO_COMMIT] = { "commit_interval", CK_DURATION },
	[SO_MAX_SIZE] = { "max_size", CK_SIZE },
};

#define STORE_SIZE_MIN	1000000LL		/* 1MB */
#define STORE_SIZE_MAX	1000000000000LL		/* 1TB */

static void
check_store(struct conf_loader *L, const config_setting_t *g, struct conf_store *st)
{
	struct conf_slot k[SO_NKEYS];

	memset(k, 0, sizeof(k));
	if (g != NULL)
		conf_walk_group(L, g, "store", store_keys, SO_NKEYS, k);
	conf_get_path(L, &k[SO_PATH], "store", "path", CONF_DEFAULT_STORE, st->path,
	    sizeof(st->path));
	conf_get_dur(L, &k[SO_RETENTION], "store", "retention", 0, 36500LL * 86400000,
	    3650LL * 86400000, &st->retention_ms);
	conf_get_dur(L, &k[SO_COMMIT], "store", "commit_interval", 0, 60000, 0,
	    &st->commit_interval_ms);
	/* No cap unless given; "0B" is no way to say so, leaving the key out is. */
	conf_get_size(L, &k[SO_MAX_SIZE], "store", "max_size", STORE_SIZE_MIN, STORE_SIZE_MAX, 0,
	    &st->max_size_bytes);
}

enum { CO_SOCKET, CO_NKEYS };
static const struct conf_key control_keys[CO_NKEYS] = {
	[CO_SOCKET] = { "socket", CK_STRING },
};

static void
check_control(struct conf_loader *L, const config_setting_t *g, struct conf *c)
{
	struct conf_slot k[CO_NKEYS];
	size_t max = sizeof(((struct sockaddr_un *)NULL)->sun_path);

	memset(k, 0, sizeof(k));
	if (g != NULL)
		conf_walk_group(L, g, "control", control_keys, CO_NKEYS, k);
	/* The socket's path must fit in a Unix socket address. */
	conf_get_path(L, &k[CO_SOCKET], "control", "socket", CONF_DEFAULT_CONTROL,
	    c->control_socket, max < sizeof(c->control_socket) ? max : sizeof(c->control_socket));
}

/* ---- the top level ---------------------------------------------------- */

enum {
	TOP_STATION, TOP_BUSES, TOP_DEVICES, TOP_STORE, TOP_CONTROL, TOP_MQTT, TOP_INFLUXDB,
	TOP_ALERTS, TOP_NOTIFY, TOP_NKEYS
};
static const struct conf_key top_keys[TOP_NKEYS] = {
	[TOP_STATION] = { "station", CK_GROUP },
	[TOP_BUSES] = { "buses", CK_LIST },
	[TOP_DEVICES] = { "devices", CK_LIST },
	[TOP_STORE] = { "store", CK_GROUP },
	[TOP_CONTROL] = { "control", CK_GROUP },
	[TOP_MQTT] = { "mqtt", CK_GROUP },
	[TOP_INFLUXDB] = { "influxdb", CK_GROUP },
	[TOP_ALERTS] = { "alerts", CK_LIST },
	[TOP_NOTIFY] = { "notify", CK_LIST },
};

void
conf_check(struct conf_loader *L, const config_t *cfg, struct conf *c)
{
	const config_setting_t *root = config_root_setting(cfg);
	struct conf_slot k[TOP_NKEYS];
	int n = config_setting_length(root);

	memset(k, 0, sizeof(k));
	for (int i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(root, (unsigned)i);
		const char *name = m ? config_setting_name(m) : NULL;
		size_t j;

		if (name == NULL)
			continue;
		for (j = 0; j < TOP_NKEYS; j++)
			if (strcmp(top_keys[j].name, name) == 0)
				break;
		if (j == TOP_NKEYS) {
			conf_err(L, m, "unknown top-level key '%s'", name);
			continue;
		}
		k[j].present = true;
		if (!kind_ok(top_keys[j].kind, m))
			conf_err(L, m, "'%s' must be %s, not %s", name, kind_name(top_keys[j].kind),
			    conf_type_name(m));
		else
			k[j].s = m;
	}
	if (!k[TOP_STATION].present)
		conf_err(L, NULL, "missing required group 'station'");
	if (!k[TOP_BUSES].present)
		conf_err(L, NULL, "missing required list 'buses'");
	if (!k[TOP_DEVICES].present)
		conf_err(L, NULL, "missing required list 'devices'");
	c->station.elevation = NAN;
	if (k[TOP_STATION].s != NULL)
		check_station(L, k[TOP_STATION].s, &c->station);
	if (k[TOP_BUSES].s != NULL)
		check_buses(L, k[TOP_BUSES].s, c);
	else
		L->buses_unnamed = true;
	if (k[TOP_DEVICES].s != NULL && !L->oom)
		conf_check_devices(L, k[TOP_DEVICES].s, c);
	check_store(L, k[TOP_STORE].s, &c->store);
	check_control(L, k[TOP_CONTROL].s, c);
	/* After the station: the MQTT client id is made from its id. */
	if (k[TOP_MQTT].s != NULL)
		conf_check_mqtt(L, k[TOP_MQTT].s, c);
	if (k[TOP_INFLUXDB].s != NULL)
		conf_check_influx(L, k[TOP_INFLUXDB].s, c);
	/* After the devices: a rule's pattern names their points. */
	if (k[TOP_ALERTS].s != NULL && !L->oom)
		conf_check_alerts(L, k[TOP_ALERTS].s, c);
	if (k[TOP_NOTIFY].s != NULL && !L->oom)
		conf_check_notify(L, k[TOP_NOTIFY].s, c);
	conf_bind_alerts(L, c);
}
