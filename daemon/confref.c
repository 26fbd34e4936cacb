/* SPDX-License-Identifier: MIT */
/* A configuration held by the threads started with it (see confref.h). */
#include <stdlib.h>

#include "confref.h"

struct confref *
confref_new(struct conf *conf)
{
	struct confref *r = malloc(sizeof(*r));

	if (r == NULL) {
		conf_free(conf);
		return NULL;
	}
	r->conf = conf;
	r->holds = 1;
	return r;
}

struct confref *
confref_hold(struct confref *r)
{
	r->holds++;
	return r;
}

void
confref_drop(struct confref *r)
{
	if (r == NULL || --r->holds > 0)
		return;
	conf_free(r->conf);
	free(r);
}
