/* SPDX-License-Identifier: MIT */
/*
 * The running bus threads, one per bus that has an enabled device, across
 * reloads: busset_apply() keeps a bus whose fingerprint (conf_bus_fingerprint:
 * its settings, its devices and their register maps) did not change, so it
 * goes on polling without a gap, stops the buses that changed or went, and
 * starts the new ones.  Main thread only.
 */
#ifndef LW_BUSSET_H
#define LW_BUSSET_H

#include <stddef.h>

#include "bus.h"
#include "confref.h"
#include "maint.h"
#include "queue.h"

struct busset;

/* An empty set; q and maint are borrowed and must outlive it. */
int	 busset_new(struct queue *q, struct maint *maint, struct busset **ret);

/*
 * Make the running buses those of ref's configuration (held for each bus
 * started with it).  How many buses could not be started (logged), or
 * -ENOMEM.  *kept and *started (may be NULL) say what was done.
 */
int	 busset_apply(struct busset *, struct confref *ref, size_t *kept, size_t *started);

/* Stop every bus thread and free the set. */
void	 busset_free(struct busset *);

/* The running buses, for status and the watchdog: bus i, or NULL past the end. */
struct bus	*busset_bus(struct busset *, size_t i);
/* The configuration bus i runs with, and its index there. */
const struct conf *busset_conf(struct busset *, size_t i, size_t *index);

#endif
