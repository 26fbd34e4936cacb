/* SPDX-License-Identifier: MIT */
/*
 * One poll of one device over an open Modbus context: the planned block
 * reads, with RTU hygiene after a failure (wait out the late reply, flush),
 * then a reading per point.  Used by the bus threads, `lakewatchd --once` and
 * `lakewatch read`.  Logs at debug level only (each transaction with -v).
 */
#ifndef LW_POLL_H
#define LW_POLL_H

#include <modbus.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "reading.h"

struct poll_result {
	unsigned	 transactions;	/* read requests sent */
	unsigned	 failed;	/* of which failed */
	int		 last_errno;	/* errno of the last failure, 0 if none */
	int64_t		 latency_ms;	/* from the first request to the last reply */
	uint64_t	 bytes;		/* on the wire, requests and replies (framing included) */
};

/* What kind of failure an errno of poll_device is, for the station's figures. */
enum poll_failure {
	POLL_FAIL_TIMEOUT,	/* no answer in time */
	POLL_FAIL_EXCEPTION,	/* a Modbus exception reply */
	POLL_FAIL_FRAME,	/* a bad CRC or a reply that does not fit the request */
	POLL_FAIL_LINK,		/* the connection or the serial line itself */
};
enum poll_failure poll_failure_kind(int err);

/*
 * Open a libmodbus context for a bus, connected, with its timeouts set and
 * error recovery off.  0 and *ret, or -errno with a message in err.
 */
int	 poll_open_bus(const struct conf_bus *, modbus_t **ret, char *err, size_t errlen);

/*
 * Poll dev once.  out must hold dev->model->npoints readings; each is filled
 * (time now_ms, names, unit, value, quality; maintenance when the device is
 * in maintenance and answered).  Returns 0 when every block was
 * read, -errno of the last failure otherwise (the readings are then filled
 * all the same, missing where their registers were not read).
 */
int	 poll_device(modbus_t *, const struct conf *, const struct conf_device *,
	     int64_t now_ms, bool maintenance, struct lw_reading *out, struct poll_result *res);

/*
 * The readings of a device that could not be polled because its bus could
 * not be opened: every point missing, with no value, at now_ms.
 */
void	 poll_unreachable(const struct conf_device *, int64_t now_ms, struct lw_reading *out);

#endif
