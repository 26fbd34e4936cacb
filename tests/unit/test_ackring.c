/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the outstanding-message ring: positions advance only over a
 * fully acknowledged prefix, per stream; acknowledgements out of order, for
 * unknown ids, and for reused ids; full and clear.
 */
#include <errno.h>

#include "ackring.h"
#include "tap.h"

static void
test_in_order(void)
{
	struct ackring r;
	int64_t start[ACKRING_STREAMS] = { 100, 7 };

	CHECK_EQ_INT(0, ackring_init(&r, 4, start), "init");
	CHECK_EQ_INT(100, ackring_done(&r, 0), "done starts at the given position");
	CHECK_EQ_INT(7, ackring_done(&r, 1), "for each stream");
	CHECK_EQ_INT(0, ackring_push(&r, 1, 0, 101), "push");
	CHECK_EQ_INT(0, ackring_push(&r, 2, 0, 102), "push");
	CHECK(ackring_ack(&r, 1), "ack 1");
	CHECK_EQ_INT(101, ackring_done(&r, 0), "done moves to 101");
	CHECK(ackring_ack(&r, 2), "ack 2");
	CHECK_EQ_INT(102, ackring_done(&r, 0), "and to 102");
	CHECK_EQ_INT(0, ackring_count(&r), "nothing outstanding");
	ackring_free(&r);
}

static void
test_out_of_order(void)
{
	struct ackring r;

	ackring_init(&r, 8, NULL);
	for (int i = 1; i <= 5; i++)
		ackring_push(&r, i, 0, 10 * i);
	CHECK(ackring_ack(&r, 3), "ack 3 first");
	CHECK(ackring_ack(&r, 5), "ack 5");
	CHECK_EQ_INT(0, ackring_done(&r, 0), "done waits for 1");
	CHECK(ackring_ack(&r, 1), "ack 1");
	CHECK_EQ_INT(10, ackring_done(&r, 0), "done reaches 10 only: 2 is outstanding");
	CHECK(ackring_ack(&r, 2), "ack 2");
	CHECK_EQ_INT(30, ackring_done(&r, 0), "then 30: 4 is outstanding");
	CHECK(ackring_ack(&r, 4), "ack 4");
	CHECK_EQ_INT(50, ackring_done(&r, 0), "then 50");
	CHECK(!ackring_ack(&r, 4), "a second ack of 4 matches nothing");
	CHECK(!ackring_ack(&r, 99), "an unknown id matches nothing");
	ackring_free(&r);
}

static void
test_streams(void)
{
	struct ackring r;

	ackring_init(&r, 8, NULL);
	ackring_push(&r, 1, 0, 1);
	ackring_push(&r, 2, 1, 500);
	ackring_push(&r, 3, 0, 2);
	CHECK(ackring_ack(&r, 2), "ack the event");
	CHECK_EQ_INT(0, ackring_done(&r, 1), "the event stream waits behind the older reading");
	CHECK(ackring_ack(&r, 1), "ack reading 1");
	CHECK_EQ_INT(1, ackring_done(&r, 0), "readings: 1");
	CHECK_EQ_INT(500, ackring_done(&r, 1), "events: 500");
	CHECK_EQ_INT(-EINVAL, ackring_push(&r, 4, ACKRING_STREAMS, 1), "bad stream refused");
	CHECK_EQ_INT(-EINVAL, ackring_push(&r, 4, -1, 1), "negative stream refused");
	CHECK_EQ_INT(0, ackring_done(&r, 9), "done of a bad stream is 0");
	ackring_free(&r);
}

static void
test_full_wrap_clear(void)
{
	struct ackring r;

	ackring_init(&r, 3, NULL);
	CHECK_EQ_INT(-EINVAL, ackring_init(&(struct ackring){ 0 }, 0, NULL), "capacity 0 refused");
	for (int i = 1; i <= 3; i++)
		ackring_push(&r, i, 0, i);
	CHECK(ackring_full(&r), "full after 3");
	CHECK_EQ_INT(-ENOSPC, ackring_push(&r, 4, 0, 4), "a fourth is refused");
	/* Wrap around many times with ids reused, as MQTT's 16-bit ids are. */
	int64_t seq = 3;
	int missed = 0;
	for (int round = 0; round < 1000; round++) {
		int mid = (round % 3) + 1;

		missed += !ackring_ack(&r, mid);
		seq++;
		ackring_push(&r, mid, 0, seq);
	}
	CHECK_EQ_INT(0, missed, "1000 acks of reused ids each match their message");
	CHECK_EQ_INT(seq - 3, ackring_done(&r, 0), "done follows through the wrap-arounds");
	ackring_clear(&r);
	CHECK_EQ_INT(0, ackring_count(&r), "clear forgets the outstanding ones");
	CHECK_EQ_INT(seq - 3, ackring_done(&r, 0), "and keeps the done position");
	CHECK(!ackring_ack(&r, 1), "an ack after clear matches nothing");
	ackring_free(&r);
}

int
main(void)
{
	test_in_order();
	test_out_of_order();
	test_streams();
	test_full_wrap_clear();
	return tap_done();
}
