/* SPDX-License-Identifier: MIT */
/*
 * Maintenance set at run time (`lakewatch maintenance DEVICE on [--for 2h]`):
 * which devices are in maintenance, and until when.  The core thread sets
 * it (and keeps it in the store, so it survives a restart); the bus threads
 * ask it at every poll, so their readings carry the quality `maintenance`.
 * Maintenance set in the configuration is the configuration's business and
 * not in here.  Thread-safe.
 */
#ifndef LW_MAINT_H
#define LW_MAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reading.h"

#define MAINT_FOREVER	INT64_MAX	/* until turned off */
#define MAINT_MAX	4096		/* devices at most, as a station has */

struct maint;

/* An empty table; the caller owns it (maint_free). */
int	 maint_new(struct maint **ret);
void	 maint_free(struct maint *);

/* Device in maintenance until until_ms (wall clock, ms; MAINT_FOREVER), or 0: not. */
int	 maint_set(struct maint *, const char *device, int64_t until_ms);

/* Is the device in run-time maintenance at now_ms? */
bool	 maint_active(struct maint *, const char *device, int64_t now_ms);

/* Its end (0 when not in maintenance). */
int64_t	 maint_until(struct maint *, const char *device);

/*
 * Remove the devices whose maintenance ended by now_ms; their names go to
 * out (at most max; the rest wait for the next call).  How many.
 */
size_t	 maint_expire(struct maint *, int64_t now_ms, char (*out)[LW_NAME_MAX], size_t max);

/* The earliest end of a maintenance in the table; MAINT_FOREVER when none ends. */
int64_t	 maint_next_end(struct maint *);

#endif
