/* SPDX-License-Identifier: MIT */
/*
 * A loaded configuration shared by the threads started with it.  A reload
 * keeps a bus whose settings did not change running, and that bus still
 * reads the configuration it was started with: so a configuration lives as
 * long as anything holds it, and is freed with the last hold.  Counted by
 * the main thread only (the threads themselves only read the configuration).
 */
#ifndef LW_CONFREF_H
#define LW_CONFREF_H

#include "conf.h"

struct confref {
	struct conf	*conf;		/* owned: freed with the last hold */
	unsigned	 holds;
};

/* Take conf over, held once; NULL when out of memory (conf is then freed). */
struct confref	*confref_new(struct conf *conf);
struct confref	*confref_hold(struct confref *);
void		 confref_drop(struct confref *);

#endif
