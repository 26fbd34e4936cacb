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
};

struct conf_store {
	char			 path[CONF_PATH_MAX];
	int64_t			 retention_ms;		/* 0: keep for ever */
	int64_t			 commit_interval_ms;	/* longest a reading waits for its commit */
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
const struct conf_bus		*conf_device_bus(const struct conf *, const struct conf_device *);

/*
 * Resolve "DEVICE.POINT" to a device and the point's index in its model.
 * 0, or -ENOENT when no such device or point exists.
 */
int	 conf_find_point(const struct conf *, const char *name,
	     const struct conf_device **ret_dev, size_t *ret_point);

#endif
