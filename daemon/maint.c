/* SPDX-License-Identifier: MIT */
/* Maintenance set at run time (see maint.h): a short list under a mutex. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maint.h"

struct maint_ent {
	char		 device[LW_NAME_MAX];
	int64_t		 until_ms;
};

struct maint {
	pthread_mutex_t		 mu;
	struct maint_ent	*ents;	/* under mu */
	size_t			 n;
	size_t			 cap;
};

int
maint_new(struct maint **ret)
{
	struct maint *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return -ENOMEM;
	pthread_mutex_init(&m->mu, NULL);
	*ret = m;
	return 0;
}

void
maint_free(struct maint *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->mu);
	free(m->ents);
	free(m);
}

/* The entry of device, or NULL; under mu. */
static struct maint_ent *
find(struct maint *m, const char *device)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->ents[i].device, device) == 0)
			return &m->ents[i];
	return NULL;
}

int
maint_set(struct maint *m, const char *device, int64_t until_ms)
{
	struct maint_ent *e;
	int rc = 0;

	if (strlen(device) >= LW_NAME_MAX)
		return -ENAMETOOLONG;
	pthread_mutex_lock(&m->mu);
	e = find(m, device);
	if (until_ms == 0) {
		if (e != NULL)
			*e = m->ents[--m->n];
	} else if (e != NULL) {
		e->until_ms = until_ms;
	} else if (m->n == MAINT_MAX) {
		rc = -ENOSPC;
	} else {
		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 8;
			struct maint_ent *p = realloc(m->ents, cap * sizeof(*p));

			if (p == NULL) {
				pthread_mutex_unlock(&m->mu);
				return -ENOMEM;
			}
			m->ents = p;
			m->cap = cap;
		}
		e = &m->ents[m->n++];
		snprintf(e->device, sizeof(e->device), "%s", device);
		e->until_ms = until_ms;
	}
	pthread_mutex_unlock(&m->mu);
	return rc;
}

bool
maint_active(struct maint *m, const char *device, int64_t now_ms)
{
	int64_t until = maint_until(m, device);

	return until != 0 && now_ms < until;
}

int64_t
maint_until(struct maint *m, const char *device)
{
	struct maint_ent *e;
	int64_t until;

	pthread_mutex_lock(&m->mu);
	e = find(m, device);
	until = e != NULL ? e->until_ms : 0;
	pthread_mutex_unlock(&m->mu);
	return until;
}

size_t
maint_expire(struct maint *m, int64_t now_ms, char (*out)[LW_NAME_MAX], size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->n && n < max;) {
		if (m->ents[i].until_ms <= now_ms) {
			memcpy(out[n++], m->ents[i].device, LW_NAME_MAX);
			m->ents[i] = m->ents[--m->n];
		} else {
			i++;
		}
	}
	pthread_mutex_unlock(&m->mu);
	return n;
}

int64_t
maint_next_end(struct maint *m)
{
	int64_t first = MAINT_FOREVER;

	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->n; i++)
		if (m->ents[i].until_ms < first)
			first = m->ents[i].until_ms;
	pthread_mutex_unlock(&m->mu);
	return first;
}
