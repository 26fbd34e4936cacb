/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the reading queue: order, bounds, drops, deadlines, close,
 * threads; bursts that wake the consumer once, gathering that is not woken;
 * a producer waiting for room.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "queue.h"
#include "tap.h"

#define PRODUCERS	4
#define PER_PRODUCER	20000

static struct lw_reading
mk(int64_t t)
{
	struct lw_reading r;

	memset(&r, 0, sizeof(r));
	r.time_ms = t;
	r.has_value = true;
	r.value = (double)t;
	snprintf(r.point, sizeof(r.point), "p%lld", (long long)(t % 7));
	return r;
}

static void
test_order_and_drops(void)
{
	struct queue *q;
	struct lw_reading in[5], out[8];

	CHECK_EQ_INT(0, queue_new(4, &q), "new queue");
	for (int i = 0; i < 5; i++)
		in[i] = mk(i);
	CHECK_EQ_INT(1, queue_push(q, in, 5), "the fifth reading does not fit");
	CHECK_EQ_INT(1, queue_dropped(q), "the drop is counted");
	CHECK_EQ_INT(2, queue_pop(q, out, 2, -1), "pop takes at most max");
	CHECK_EQ_INT(0, out[0].time_ms, "first in, first out");
	CHECK_EQ_INT(1, out[1].time_ms, "order kept");
	CHECK_EQ_INT(0, queue_push(q, in, 2), "room again after a pop (wraps around)");
	CHECK_EQ_INT(4, queue_pop(q, out, 8, -1), "the rest");
	CHECK_EQ_INT(2, out[0].time_ms, "order kept across the wrap 1");
	CHECK_EQ_INT(3, out[1].time_ms, "order kept across the wrap 2");
	CHECK_EQ_INT(0, out[2].time_ms, "order kept across the wrap 3");
	CHECK_EQ_STR("p1", out[3].point, "reading copied whole");

	int64_t t0 = queue_now_ms();
	CHECK_EQ_INT(0, queue_pop(q, out, 8, t0 + 50), "empty queue times out");
	CHECK(queue_now_ms() - t0 >= 45, "the deadline was waited for");

	queue_push(q, in, 1);
	queue_close(q);
	CHECK(queue_closed(q), "closed");
	CHECK_EQ_INT(1, queue_pop(q, out, 8, -1), "what is left after close is still taken");
	CHECK_EQ_INT(0, queue_pop(q, out, 8, -1), "a closed empty queue returns at once");
	queue_free(q);
	CHECK_EQ_INT(-EINVAL, queue_new(0, &q), "capacity 0 is refused");
}

struct producer {
	struct queue	*q;
	int		 id;
	size_t		 dropped;
};

static void *
produce(void *arg)
{
	struct producer *p = arg;

	for (int i = 0; i < PER_PRODUCER; i++) {
		struct lw_reading r = mk((int64_t)p->id * PER_PRODUCER + i);

		p->dropped += queue_push(p->q, &r, 1);
	}
	return NULL;
}

static void
test_threads(void)
{
	struct queue *q;
	struct producer prod[PRODUCERS];
	pthread_t th[PRODUCERS];
	int64_t last[PRODUCERS];
	size_t got = 0, dropped = 0;
	int in_order = 1;
	struct lw_reading out[256];

	queue_new(1024, &q);
	for (int i = 0; i < PRODUCERS; i++) {
		prod[i] = (struct producer){ q, i, 0 };
		last[i] = -1;
		pthread_create(&th[i], NULL, produce, &prod[i]);
	}
	for (;;) {
		size_t n = queue_pop(q, out, 256, queue_now_ms() + 200);

		if (n == 0)
			break;
		for (size_t k = 0; k < n; k++) {
			int id = (int)(out[k].time_ms / PER_PRODUCER);

			if (out[k].time_ms <= last[id])
				in_order = 0;
			last[id] = out[k].time_ms;
		}
		got += n;
	}
	for (int i = 0; i < PRODUCERS; i++) {
		pthread_join(th[i], NULL);
		dropped += prod[i].dropped;
	}
	got += queue_pop(q, out, 256, 0);
	CHECK(in_order, "each producer's readings arrive in order");
	CHECK_EQ_INT(PRODUCERS * PER_PRODUCER, got + dropped, "every reading is taken or counted as dropped");
	CHECK_EQ_INT(dropped, queue_dropped(q), "the queue's drop count matches");
	queue_free(q);
}

/* A consumer thread: one pop (or gather) and when it returned. */
struct consumer {
	struct queue	*q;
	bool		 gather;
	int64_t		 until;
	size_t		 got;
	int64_t		 returned_ms;
	atomic_bool	 done;
};

static void *
consume(void *arg)
{
	struct consumer *c = arg;
	struct lw_reading out[64];

	c->got = c->gather ? queue_gather(c->q, out, 64, c->until) : queue_pop(c->q, out, 64, c->until);
	c->returned_ms = queue_now_ms();
	atomic_store(&c->done, true);
	return NULL;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
test_bursts(void)
{
	struct lw_reading in[8];
	struct consumer c;
	struct queue *q;
	pthread_t th;

	for (int i = 0; i < 8; i++)
		in[i] = mk(i);
	/* A burst: pushes marked "more" do not wake a waiting pop; its end does. */
	queue_new(16, &q);
	c = (struct consumer){ .q = q, .until = queue_now_ms() + 5000 };
	pthread_create(&th, NULL, consume, &c);
	sleep_ms(50);
	queue_push_more(q, in, 2);
	queue_push_more(q, in + 2, 2);
	sleep_ms(150);
	CHECK(!atomic_load(&c.done), "a burst's first pushes do not wake the consumer");
	queue_push(q, in + 4, 1);
	pthread_join(th, NULL);
	CHECK_EQ_INT(5, c.got, "the burst's end wakes it, and it takes the whole burst");
	/* However long the burst, half a queue wakes the consumer. */
	c = (struct consumer){ .q = q, .until = queue_now_ms() + 5000 };
	pthread_create(&th, NULL, consume, &c);
	sleep_ms(50);
	queue_push_more(q, in, 7);
	sleep_ms(100);
	CHECK(!atomic_load(&c.done), "below half full a burst still waits");
	queue_push_more(q, in, 1);
	pthread_join(th, NULL);
	CHECK_EQ_INT(8, c.got, "at half full the consumer is woken");
	/* Gathering: pushes do not wake it before its time. */
	int64_t t0 = queue_now_ms();
	c = (struct consumer){ .q = q, .gather = true, .until = t0 + 300 };
	pthread_create(&th, NULL, consume, &c);
	sleep_ms(30);
	queue_push(q, in, 1);
	sleep_ms(30);
	queue_push(q, in + 1, 1);
	pthread_join(th, NULL);
	CHECK(c.returned_ms - t0 >= 290, "a gather sleeps until its time, pushes or not (%lld ms)",
	    (long long)(c.returned_ms - t0));
	CHECK_EQ_INT(2, c.got, "and takes all that came meanwhile");
	t0 = queue_now_ms();
	c = (struct consumer){ .q = q, .gather = true, .until = t0 + 5000 };
	pthread_create(&th, NULL, consume, &c);
	sleep_ms(30);
	queue_push(q, in, 8);
	pthread_join(th, NULL);
	CHECK(c.returned_ms - t0 < 4000 && c.got == 8, "unless the queue is half full");
	queue_push(q, in, 1);
	CHECK_EQ_INT(1, queue_pop(q, in, 8, 0), "a pop after a gather waits for one reading again");
	queue_free(q);
}

/* A producer at interval 0 waits for room below half full; the wait wakes a sleeping consumer. */
static void
test_room(void)
{
	struct lw_reading in[8];
	struct consumer c;
	struct queue *q;
	pthread_t th;
	int64_t t0;

	for (int i = 0; i < 8; i++)
		in[i] = mk(i);
	queue_new(16, &q);
	queue_push_more(q, in, 6);
	CHECK(queue_wait_room(q, 2, queue_now_ms()), "room for 2 below half full (8 of 16)");
	t0 = queue_now_ms();
	CHECK(!queue_wait_room(q, 3, t0 + 60), "no room for 3: the wait ends at its deadline");
	CHECK(queue_now_ms() - t0 >= 55, "after waiting for it");
	CHECK_EQ_INT(6, queue_pop(q, in, 8, 0), "emptied");
	/* A burst does not wake a waiting consumer; a producer waiting for room does. */
	c = (struct consumer){ .q = q, .until = queue_now_ms() + 5000 };
	pthread_create(&th, NULL, consume, &c);
	sleep_ms(50);
	queue_push_more(q, in, 6);
	sleep_ms(50);
	CHECK(!atomic_load(&c.done), "the burst alone leaves the consumer asleep");
	t0 = queue_now_ms();
	CHECK(queue_wait_room(q, 8, t0 + 5000), "room once the consumer took the burst");
	pthread_join(th, NULL);
	CHECK(queue_now_ms() - t0 < 4000 && c.got == 6, "woken by the wait, it took all 6");
	queue_push(q, in, 8);
	queue_close(q);
	t0 = queue_now_ms();
	CHECK(!queue_wait_room(q, 1, t0 + 5000), "a closed queue ends the wait");
	CHECK(queue_now_ms() - t0 < 1000, "at once");
	queue_free(q);
}

int
main(void)
{
	test_order_and_drops();
	test_threads();
	test_bursts();
	test_room();
	return tap_done();
}
