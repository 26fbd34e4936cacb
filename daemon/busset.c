/* SPDX-License-Identifier: MIT */
/* The running bus threads across reloads (see busset.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "busset.h"
#include "log.h"
#include "strbuf.h"

struct running {
	struct bus		*bus;
	struct confref		*ref;		/* the configuration it runs with, held */
	size_t			 index;		/* its bus in that configuration */
	struct strbuf		 fp;		/* its fingerprint */
};

struct busset {
	struct queue		*q;
	struct maint		*maint;
	struct running		*run;
	size_t			 n;
};

int
busset_new(struct queue *q, struct maint *maint, struct busset **ret)
{
	struct busset *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -ENOMEM;
	s->q = q;
	s->maint = maint;
	*ret = s;
	return 0;
}

static void
running_stop(struct running *r)
{
	bus_stop(r->bus);
	confref_drop(r->ref);
	sb_free(&r->fp);
	memset(r, 0, sizeof(*r));
}

/* Does the bus have an enabled device? */
static bool
bus_used(const struct conf *c, size_t b)
{
	for (size_t d = 0; d < c->ndevices; d++)
		if (c->devices[d].bus == b && c->devices[d].enabled)
			return true;
	return false;
}

int
busset_apply(struct busset *s, struct confref *ref, size_t *kept, size_t *started)
{
	const struct conf *c = ref->conf;
	struct running *next = calloc(c->nbuses ? c->nbuses : 1, sizeof(*next));
	size_t nnext = 0, nkept = 0, nstarted = 0;
	int failed = 0;

	if (next == NULL)
		return -ENOMEM;
	for (size_t b = 0; b < c->nbuses; b++) {
		struct running *r = &next[nnext];

		if (!bus_used(c, b))
			continue;
		sb_init(&r->fp);
		if (conf_bus_fingerprint(c, b, &r->fp) != 0) {
			sb_free(&r->fp);
			failed++;
			continue;
		}
		/* The same bus, alike in every respect: it keeps running. */
		for (size_t i = 0; i < s->n; i++) {
			struct running *old = &s->run[i];

			if (old->bus != NULL && old->fp.len == r->fp.len &&
			    memcmp(old->fp.data, r->fp.data, r->fp.len) == 0) {
				sb_free(&r->fp);
				*r = *old;
				memset(old, 0, sizeof(*old));
				nkept++;
				break;
			}
		}
		if (r->bus == NULL) {
			int rc = bus_start(c, b, s->q, s->maint, &r->bus);

			if (rc != 0) {
				log_err("bus '%s': cannot start its thread: %s", c->buses[b].name,
				    strerror(-rc));
				sb_free(&r->fp);
				failed++;
				continue;
			}
			r->ref = confref_hold(ref);
			r->index = b;
			nstarted++;
		}
		nnext++;
	}
	/* What is left of the old set changed or went. */
	for (size_t i = 0; i < s->n; i++)
		if (s->run[i].bus != NULL)
			running_stop(&s->run[i]);
	free(s->run);
	s->run = next;
	s->n = nnext;
	if (kept != NULL)
		*kept = nkept;
	if (started != NULL)
		*started = nstarted;
	return failed;
}

void
busset_free(struct busset *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		running_stop(&s->run[i]);
	free(s->run);
	free(s);
}

struct bus *
busset_bus(struct busset *s, size_t i)
{
	return i < s->n ? s->run[i].bus : NULL;
}

const struct conf *
busset_conf(struct busset *s, size_t i, size_t *index)
{
	if (i >= s->n)
		return NULL;
	if (index != NULL)
		*index = s->run[i].index;
	return s->run[i].ref->conf;
}
