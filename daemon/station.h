/* SPDX-License-Identifier: MIT */
/*
 * The running station: the bus threads, the core thread, the forwarders,
 * the notifiers and the control socket, started from a configuration,
 * reloaded on SIGHUP (or `lakewatch reload`) and stopped on SIGTERM or
 * SIGINT, with every reading taken committed first.
 */
#ifndef LW_STATION_H
#define LW_STATION_H

#include <stdbool.h>

#include "conf.h"

/*
 * Load and check path; every error is printed (to the log when to_log, to
 * stderr otherwise).  NULL on failure.
 */
struct conf	*station_load(const char *path, bool to_log);

/* Run the station until SIGTERM or SIGINT (blocked by the caller); takes conf. 0 or 1. */
int		 station_run(struct conf *conf);

#endif
