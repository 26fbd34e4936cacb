/* SPDX-License-Identifier: MIT */
/*
 * Bounded multi-producer, single-consumer ring of readings (see queue.h),
 * guarded by one mutex; the consumer waits on a monotonic condition variable.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "queue.h"
#include "now.h"

struct queue {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	pthread_cond_t		 room_cv;	/* producers waiting for room */
	unsigned		 room_waiters;
	struct lw_reading	*ring;		/* capacity slots */
	size_t			 capacity;
	size_t			 head;		/* next to take */
	size_t			 len;
	bool			 closed;
	bool			 woken;		/* queue_wake() since the last pop */
	size_t			 wake_len;	/* the consumer waits for this many */
	size_t			 high_water;	/* this many wake it whatever it waits for */
	uint64_t		 dropped;
};

int64_t
queue_now_ms(void)
{
	return now_mono_ms();
}

int
queue_new(size_t capacity, struct queue **ret)
{
	struct queue *q;
	pthread_condattr_t ca;

	if (capacity == 0)
		return -EINVAL;
	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	q->ring = calloc(capacity, sizeof(*q->ring));
	if (q->ring == NULL) {
		free(q);
		return -ENOMEM;
	}
	q->capacity = capacity;
	q->wake_len = 1;
	q->high_water = capacity / 2 > 0 ? capacity / 2 : 1;
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv, &ca);
	pthread_cond_init(&q->room_cv, &ca);
	pthread_condattr_destroy(&ca);
	*ret = q;
	return 0;
}

void
queue_free(struct queue *q)
{
	if (q == NULL)
		return;
	pthread_cond_destroy(&q->cv);
	pthread_cond_destroy(&q->room_cv);
	pthread_mutex_destroy(&q->mu);
	free(q->ring);
	free(q);
}

/* Append; wake the consumer when it waits for no more than len (or at the high water). */
static size_t
push(struct queue *q, const struct lw_reading *r, size_t n, bool more)
{
	size_t dropped = 0;

	pthread_mutex_lock(&q->mu);
	for (size_t i = 0; i < n; i++) {
		if (q->len == q->capacity) {
			dropped = n - i;
			break;
		}
		q->ring[(q->head + q->len) % q->capacity] = r[i];
		q->len++;
	}
	q->dropped += dropped;
	if (q->len >= q->high_water || (!more && q->len >= q->wake_len))
		pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return dropped;
}

size_t
queue_push(struct queue *q, const struct lw_reading *r, size_t n)
{
	return push(q, r, n, false);
}

size_t
queue_push_more(struct queue *q, const struct lw_reading *r, size_t n)
{
	return push(q, r, n, true);
}

/* Wait under mu until wake_len readings, closed, woken or the deadline; then take. */
static size_t
take(struct queue *q, struct lw_reading *out, size_t max, int64_t deadline_ms, size_t wake_len)
{
	size_t n = 0;

	pthread_mutex_lock(&q->mu);
	q->wake_len = wake_len;
	while (q->len < wake_len && !q->closed && !q->woken) {
		if (deadline_ms < 0) {
			pthread_cond_wait(&q->cv, &q->mu);
			continue;
		}
		struct timespec ts = { .tv_sec = deadline_ms / 1000,
			.tv_nsec = (deadline_ms % 1000) * 1000000 };
		if (pthread_cond_timedwait(&q->cv, &q->mu, &ts) == ETIMEDOUT)
			break;
	}
	q->woken = false;
	q->wake_len = 1;
	while (n < max && q->len > 0) {
		out[n++] = q->ring[q->head];
		q->head = (q->head + 1) % q->capacity;
		q->len--;
	}
	if (n > 0 && q->room_waiters > 0)
		pthread_cond_broadcast(&q->room_cv);
	pthread_mutex_unlock(&q->mu);
	return n;
}

size_t
queue_pop(struct queue *q, struct lw_reading *out, size_t max, int64_t deadline_ms)
{
	return take(q, out, max, deadline_ms, 1);
}

size_t
queue_gather(struct queue *q, struct lw_reading *out, size_t max, int64_t until_ms)
{
	return take(q, out, max, until_ms, q->high_water);
}

bool
queue_wait_room(struct queue *q, size_t n, int64_t deadline_ms)
{
	struct timespec ts = { .tv_sec = deadline_ms / 1000,
		.tv_nsec = (deadline_ms % 1000) * 1000000 };
	bool fits;

	pthread_mutex_lock(&q->mu);
	if (q->len + n > q->high_water && !q->closed) {
		/* What is queued may be a burst the consumer was not told of yet. */
		pthread_cond_signal(&q->cv);
		q->room_waiters++;
		while (q->len + n > q->high_water && !q->closed &&
		    pthread_cond_timedwait(&q->room_cv, &q->mu, &ts) != ETIMEDOUT)
			;
		q->room_waiters--;
	}
	fits = q->len + n <= q->high_water;
	pthread_mutex_unlock(&q->mu);
	return fits;
}

void
queue_wake(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->woken = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void
queue_close(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->cv);
	pthread_cond_broadcast(&q->room_cv);
	pthread_mutex_unlock(&q->mu);
}

int
queue_closed(struct queue *q)
{
	int closed;

	pthread_mutex_lock(&q->mu);
	closed = q->closed;
	pthread_mutex_unlock(&q->mu);
	return closed;
}

uint64_t
queue_dropped(struct queue *q)
{
	uint64_t d;

	pthread_mutex_lock(&q->mu);
	d = q->dropped;
	pthread_mutex_unlock(&q->mu);
	return d;
}
