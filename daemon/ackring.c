/* SPDX-License-Identifier: MIT */
/* Outstanding messages and acknowledged positions (see ackring.h). */
#include <errno.h>
#include <stdlib.h>

#include "ackring.h"

int
ackring_init(struct ackring *r, size_t cap, const int64_t *done)
{
	if (cap == 0)
		return -EINVAL;
	r->ents = calloc(cap, sizeof(*r->ents));
	if (r->ents == NULL)
		return -ENOMEM;
	r->cap = cap;
	r->head = 0;
	r->n = 0;
	for (int s = 0; s < ACKRING_STREAMS; s++)
		r->done[s] = done != NULL ? done[s] : 0;
	return 0;
}

void
ackring_free(struct ackring *r)
{
	free(r->ents);
	r->ents = NULL;
	r->cap = r->n = r->head = 0;
}

int
ackring_push(struct ackring *r, int mid, int stream, int64_t seq)
{
	if (stream < 0 || stream >= ACKRING_STREAMS)
		return -EINVAL;
	if (r->n == r->cap)
		return -ENOSPC;
	r->ents[(r->head + r->n) % r->cap] = (struct ackring_ent){ mid, stream, seq, false };
	r->n++;
	return 0;
}

bool
ackring_ack(struct ackring *r, int mid)
{
	bool found = false;

	/* Acknowledgements come mostly in order: the match is near the head. */
	for (size_t i = 0; i < r->n; i++) {
		struct ackring_ent *e = &r->ents[(r->head + i) % r->cap];

		if (!e->acked && e->mid == mid) {
			e->acked = true;
			found = true;
			break;
		}
	}
	while (r->n > 0 && r->ents[r->head].acked) {
		const struct ackring_ent *e = &r->ents[r->head];

		if (e->seq > r->done[e->stream])
			r->done[e->stream] = e->seq;
		r->head = (r->head + 1) % r->cap;
		r->n--;
	}
	return found;
}

int64_t
ackring_done(const struct ackring *r, int stream)
{
	return stream >= 0 && stream < ACKRING_STREAMS ? r->done[stream] : 0;
}

void
ackring_clear(struct ackring *r)
{
	r->head = 0;
	r->n = 0;
}
