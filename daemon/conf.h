/* SPDX-License-Identifier: MIT */
/*
 * The station configuration (libconfig syntax, SPEC "Configuration"): loaded,
 * validated completely, and then immutable.  Loading never logs and never
 * exits: every problem found is returned as a "FILE:LINE: message" line, all
 * of them, not only the first.  A reload builds a new struct conf and swaps it
 * in only when it loaded without error.
 */
#ifndef LW_CONF_H
#define LW_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alertdef.h"
#include "driver.h"
#include "reading.h"
#include "sample.h"

#define CONF_PATH_MAX	256
#define CONF_DEFAULT_PATH	"/etc/lakewatch/lakewatch.conf"
#define CONF_DEFAULT_CONTROL	"/run/lakewatch/control.sock"
#define CONF_DEFAULT_STORE	"/var/lib/lakewatch/lakewatch.db"

enum conf_bus_type {
	CONF_BUS_RTU,		/* serial line */
	CONF_BUS_TCP,		/* Modbus TCP (MBAP) */
	CONF_BUS_RTU_OVER_TCP,	/* RTU frames through a transparent TCP gateway */
};

struct conf_bus {
	char			 name[LW_NAME_MAX];
	enum conf_bus_type	 type;
	char			 device[CONF_PATH_MAX];	/* RTU */
	unsigned		 baud;			/* RTU: 1200..921600 */
	char			 parity;		/* RTU: 'N', 'E', 'O' */
	unsigned		 data_bits;		/* RTU: 7 or 8 */
	unsigned		 stop_bits;		/* RTU: 1 or 2 */
	char			 host[CONF_PATH_MAX];	/* TCP, RTU over TCP */
	unsigned		 port;			/* TCP, RTU over TCP */
	int64_t			 timeout_ms;		/* response timeout */
	int64_t			 turnaround_ms;		/* quiet time between frames */
	int			 line;			/* where it was defined */
};

struct conf_device {
	char			 name[LW_NAME_MAX];
	size_t			 bus;		/* index into conf.buses */
	unsigned		 unit;		/* 1..247 */
	const struct drv_model	*model;		/* a shipped table, or the generic one below */
	int64_t			 interval_ms;
	int64_t			 timeout_ms;	/* the bus's unless set */
	bool			 enabled;
	bool			 maintenance;
	uint16_t		 max_read;	/* registers per read: the model's unless lowered */
	uint16_t		 max_gap;	/* gap fill: the model's unless set */
	struct sample_adjust	*adjust;	/* one per model point; owned */
	struct drv_model	*generic;	/* owned: model built from `points`, or NULL */
	int			 line;
};

struct conf_station {
	char			 id[LW_NAME_MAX];
	char			 name[128];
	bool			 has_position;
	double			 latitude;
	double			 longitude;
	double			 elevation;	/* m above sea level; NAN when not given */
	int64_t			 metrics_interval_ms;	/* self-metrics: 0 off, else 1s..1d; 60s */
};

struct conf_store {
	char			 path[CONF_PATH_MAX];
	int64_t			 retention_ms;		/* 0: keep for ever */
	int64_t			 commit_interval_ms;	/* commits at most this often (0: at once) */
	int64_t			 max_size_bytes;	/* 0: no cap; else 1MB..1TB */
};

enum conf_mqtt_protocol {
	CONF_MQTT_V311,		/* "3.1.1" */
	CONF_MQTT_V5,		/* "5" */
};

/*
 * The `mqtt` group.  Paths are taken from the main file's directory and are
 * not opened at load time: the secret and the certificates need not exist
 * on the machine that checks the file.  Defaults after the colons.
 */
struct conf_mqtt {
	bool			 enabled;		/* the group is present */
	char			 host[CONF_PATH_MAX];	/* required */
	unsigned		 port;			/* 1..65535: 1883, 8883 with tls */
	/* Printable ASCII, no space, 1..127 bytes: "lakewatch-" + station id. */
	char			 client_id[128];
	int64_t			 keepalive_ms;		/* whole s, 5s..65535s: 60s */
	int			 qos;			/* of readings, 0..2: 1 */
	bool			 retain;		/* readings retained: true */
	/* Topic levels, no wildcard, no '/' at the ends, UTF-8: "lakewatch". */
	char			 topic_root[128];
	char			 username[128];		/* "" when not set */
	/* A secret file (secret.h); "" when not set, needs username. */
	char			 password_file[CONF_PATH_MAX];
	enum conf_mqtt_protocol	 protocol;		/* CONF_MQTT_V311 */
	unsigned		 max_inflight;		/* unacknowledged, 1..65535: 1000 */
	int64_t			 connect_timeout_ms;	/* 1s..5m: 10s */
	bool			 tls;			/* the `tls` subgroup is present */
	/* The tls subgroup: ca_file, ca_path or both; cert and key both or neither. */
	char			 tls_ca_file[CONF_PATH_MAX];
	char			 tls_ca_path[CONF_PATH_MAX];
	char			 tls_cert_file[CONF_PATH_MAX];
	char			 tls_key_file[CONF_PATH_MAX];
	bool			 tls_verify_hostname;	/* true */
	char			 tls_version[16];	/* the minimum: "tlsv1.2" or "tlsv1.3" */
	int			 line;			/* where the group starts */
};

enum conf_influx_api {
	CONF_INFLUX_V1,		/* /write: database, retention policy, user, password */
	CONF_INFLUX_V2,		/* /api/v2/write: org, bucket, token */
};

/* The `influxdb` group; paths as in struct conf_mqtt.  Names are 1..127 bytes. */
struct conf_influx {
	bool			 enabled;		/* the group is present */
	/* http[s]://host[:port][/prefix]: no trailing '/', query or user. */
	char			 url[CONF_PATH_MAX];
	enum conf_influx_api	 api;			/* from database or bucket, or `api` */
	char			 database[128];		/* v1, required */
	char			 retention_policy[128];	/* v1, "": the database's default */
	char			 username[128];		/* v1, "" when not set */
	/* v1, a secret file (secret.h); "" when not set, needs username. */
	char			 password_file[CONF_PATH_MAX];
	char			 org[128];		/* v2, required */
	char			 bucket[128];		/* v2, required */
	char			 token_file[CONF_PATH_MAX];	/* v2, a secret file, or "" */
	unsigned		 batch_size;		/* lines per request, 1..100000: 5000 */
	int64_t			 flush_interval_ms;	/* longest a line waits, 0..1h: 10s */
	bool			 gzip;			/* compress requests: true */
	int64_t			 timeout_ms;		/* whole request, 1s..10m: 10s */
	bool			 tls_verify;		/* certificate and host name: true */
	char			 ca_file[CONF_PATH_MAX];	/* "" for the system's CAs */
	int			 line;			/* where the group starts */
};

/*
 * One entry of the `alerts` list: the conditions watched on the points its
 * pattern names.  A pattern is DEVICE.POINT, where either part may be '*'
 * ("sonde.*", "*.ph"), or "*" for every point.  A name without '*' must name
 * a point that exists; a pattern with one may match nothing (presets list
 * parameters a station may not have).  A limit or duration that is not set
 * is NAN or 0 as said.  A later entry that gives a point a kind an earlier
 * entry gave it replaces that one (so station rules can follow @included
 * presets).  A `unit` keeps an entry to the points of that unit, since one
 * point name comes in different units from different drivers.
 */
struct conf_alert {
	char			 pattern[2 * LW_NAME_MAX];
	/* `unit`: only points in this unit ("mg/L"), "" for any */
	char			 unit[LW_UNIT_MAX];
	bool			 use_suspect;		/* `suspect`: suspect readings count as good */
	char			 message[160];		/* `message`: added to the alert's text, "" */
	/* value: any of the four limits set (NAN when not) */
	double			 warn_high, crit_high, warn_low, crit_low;
	double			 hysteresis;		/* >= 0: 0 */
	int64_t			 hold_ms;		/* before raising or escalating: 0 */
	int64_t			 clear_hold_ms;		/* before lowering or clearing: 0 */
	/* rate: |change per hour| past rate (warning) or rate_crit (critical), NAN when not set */
	double			 rate_warn, rate_crit;
	int64_t			 rate_window_ms;	/* over this window: 1h */
	int			 rate_direction;	/* 0 both, 1 rising only, -1 falling only */
	/* stale: no good reading for stale_ms (0: not watched) */
	int64_t			 stale_ms;
	enum alert_severity	 stale_severity;	/* warning */
	/* flatline: every value within flatline_tolerance of each other for flatline_ms */
	int64_t			 flatline_ms;		/* 0: not watched */
	double			 flatline_tolerance;	/* >= 0: 0 */
	enum alert_severity	 flatline_severity;	/* warning */
	/* comm: the device failed comm_failures polls in a row (0: not watched) */
	unsigned		 comm_failures;
	enum alert_severity	 comm_severity;		/* critical */
	int			 line;
};

/*
 * One alert of the station: a kind watched on a point (comm: on a device,
 * point -1), by the rule that gave it that kind last.  Resolved at load.
 */
struct conf_alert_bind {
	size_t			 device;		/* index into devices */
	int			 point;			/* index into the model's points, -1 for comm */
	enum alert_kind		 kind;
	size_t			 rule;			/* index into alerts */
};

/* One entry of the `notify` list (SPEC "Notifications"). */
struct conf_notify {
	char			 name[LW_NAME_MAX];	/* unique; default: the exec file's base name */
	char			 exec[CONF_PATH_MAX];	/* absolute path of the program */
	char			**args;			/* `args`: its arguments after argv[0], owned, NULL-ended */
	size_t			 nargs;
	enum alert_severity	 min_severity;		/* warning or critical: warning */
	int64_t			 timeout_ms;		/* 1s..10m: 10s */
	int64_t			 repeat_ms;		/* while unacknowledged: 0 = never, else 1m..30d */
	int64_t			 min_interval_ms;	/* per alert, 0..1d: 5m */
	int			 line;
};

struct conf {
	char			*path;			/* owned */
	struct conf_station	 station;
	struct conf_bus		*buses;			/* owned */
	size_t			 nbuses;
	struct conf_device	*devices;		/* owned */
	size_t			 ndevices;
	struct conf_store	 store;
	char			 control_socket[CONF_PATH_MAX];
	struct conf_mqtt	 mqtt;			/* enabled when configured */
	struct conf_influx	 influx;		/* enabled when configured */
	struct conf_alert	*alerts;		/* owned, in file order */
	size_t			 nalerts;
	struct conf_alert_bind	*binds;			/* owned: by device, point, kind */
	size_t			 nbinds;
	struct conf_notify	*notify;		/* owned */
	size_t			 nnotify;
};

/* Every error of one load, each "FILE:LINE: message", in file order. */
struct conf_errors {
	char			**lines;		/* owned */
	size_t			 n;
};

/*
 * Load and validate path.  On success 0 and *ret (the caller owns it, free
 * with conf_free).  On failure a negative errno (-EINVAL for a file with
 * errors, -ENOENT and the like when it cannot be read), *ret untouched, and
 * the messages appended to errs.
 */
int	 conf_load(const char *path, struct conf **ret, struct conf_errors *errs);

/*
 * The same for text given as a string, as if it had been read from the file
 * name (which need not exist): messages name it, and @include and relative
 * paths are taken from its directory.  For tests and the fuzzer.
 */
int	 conf_load_string(const char *name, const char *text, struct conf **ret,
	     struct conf_errors *errs);
void	 conf_free(struct conf *);
void	 conf_errors_clear(struct conf_errors *);

const struct conf_device	*conf_find_device(const struct conf *, const char *name);

/*
 * Everything that decides how conf->buses[index] is polled, as one text: the
 * bus's settings and those of every device on it, their models' register
 * maps (a generic device's points) and adjustments.  Two configurations
 * whose texts for a bus are equal poll it alike, so a reload can keep its
 * thread running.  Appended to out; 0 or -ENOMEM.
 */
struct strbuf;
int	 conf_bus_fingerprint(const struct conf *, size_t index, struct strbuf *out);
const struct conf_bus		*conf_device_bus(const struct conf *, const struct conf_device *);

/*
 * Resolve "DEVICE.POINT" to a device and the point's index in its model.
 * 0, or -ENOENT when no such device or point exists.
 */
int	 conf_find_point(const struct conf *, const char *name,
	     const struct conf_device **ret_dev, size_t *ret_point);

#endif
