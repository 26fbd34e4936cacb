/* SPDX-License-Identifier: MIT */
/* Unit tests for the poll scheduler: phase keeping, catch-up and backoff. */
#include "sched.h"
#include "tap.h"

static void
test_phase(void)
{
	struct sched_entry e;

	sched_init(&e, 1000, 5000);
	CHECK_EQ_INT(5000, e.due_ms, "a new entry is due at once");
	sched_done(&e, true, 5030);
	CHECK_EQ_INT(6000, e.due_ms, "success keeps the phase");
	sched_done(&e, true, 6400);
	CHECK_EQ_INT(7000, e.due_ms, "a slow poll keeps the phase");
	sched_done(&e, true, 7900);
	CHECK_EQ_INT(8000, e.due_ms, "a little late: next slot");
	e.due_ms = 8000;
	sched_done(&e, true, 8500 + 2000);
	CHECK_EQ_INT(10500, e.due_ms, "more than an interval behind: start afresh from now");
}

static void
test_flat_out(void)
{
	struct sched_entry e;

	sched_init(&e, 0, 100);
	sched_done(&e, true, 103);
	CHECK_EQ_INT(103, e.due_ms, "interval 0 polls again at once");
	sched_done(&e, false, 110);
	CHECK_EQ_INT(1110, e.due_ms, "interval 0 backs off from 1 s on failure");
}

static void
test_backoff(void)
{
	static const struct {
		int64_t interval;
		unsigned failures;
		int64_t want_wait;
	} cases[] = {
		{ 1000, 1, 1000 }, { 1000, 2, 2000 }, { 1000, 3, 4000 }, { 1000, 6, 32000 },
		{ 1000, 7, 60000 }, { 1000, 30, 60000 }, { 30000, 1, 30000 }, { 30000, 2, 60000 },
		{ 30000, 3, 60000 }, { 120000, 1, 120000 }, { 120000, 5, 120000 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sched_entry e;

		sched_init(&e, cases[i].interval, 0);
		for (unsigned f = 0; f < cases[i].failures; f++)
			sched_done(&e, false, 1000);
		CHECK_EQ_INT(1000 + cases[i].want_wait, e.due_ms,
		    "interval %lld, %u failures", (long long)cases[i].interval, cases[i].failures);
		CHECK_EQ_INT(cases[i].failures, e.failures, "failures counted");
	}

	struct sched_entry e;
	sched_init(&e, 1000, 0);
	sched_done(&e, false, 10);
	sched_done(&e, false, 20);
	sched_done(&e, true, 3000);
	CHECK_EQ_INT(0, e.failures, "success resets the failure count");
}

static void
test_next(void)
{
	struct sched_entry e[3] = { { 0, 0, 0, 0, 0 } };

	CHECK_EQ_INT(-1, sched_next(e, 0), "no entries");
	sched_init(&e[0], 1000, 300);
	sched_init(&e[1], 1000, 100);
	sched_init(&e[2], 1000, 100);
	CHECK_EQ_INT(1, sched_next(e, 3), "earliest, lowest index among equals");
	e[1].due_ms = 400;
	CHECK_EQ_INT(2, sched_next(e, 3), "next earliest");
}

/* At interval 0 polls end within the millisecond they start: the devices still take turns. */
static void
test_turns(void)
{
	struct sched_entry e[4];
	unsigned polls[4] = { 0 };

	for (int i = 0; i < 4; i++)
		sched_init(&e[i], 0, 100);
	for (int k = 0; k < 400; k++) {
		int i = sched_next(e, 4);

		polls[i]++;
		sched_done(&e[i], true, 100 + k / 50);	/* 50 polls per millisecond */
	}
	for (int i = 0; i < 4; i++)
		CHECK_EQ_INT(100, polls[i], "every device polled as often at interval 0");
	/* A failing device backs off; the others share the bus. */
	sched_done(&e[3], false, 200);
	for (int k = 0; k < 300; k++) {
		int i = sched_next(e, 4);

		CHECK(i != 3, "the backed-off device waits for its retry");
		sched_done(&e[i], true, 200);
	}
	CHECK_EQ_INT(200, e[0].polls, "the healthy ones took turns");
	CHECK_EQ_INT(200, e[2].polls, "the healthy ones took turns");
}

/* A staggered entry polls at once, then keeps its shifted phase. */
static void
test_stagger(void)
{
	struct sched_entry e;

	sched_init(&e, 1000, 5000);
	sched_stagger(&e, 250);
	CHECK_EQ_INT(5000, e.due_ms, "the first poll is at once");
	sched_done(&e, true, 5010);
	CHECK_EQ_INT(6250, e.due_ms, "the next a quarter interval later than unshifted");
	sched_done(&e, true, 6260);
	CHECK_EQ_INT(7250, e.due_ms, "and the phase stays");
	sched_init(&e, 1000, 5000);
	sched_stagger(&e, 250);
	sched_done(&e, false, 5500);
	CHECK_EQ_INT(6500, e.due_ms, "a failure backs off from its end, as ever");
	sched_done(&e, true, 6510);
	CHECK_EQ_INT(7750, e.due_ms, "the shift comes with the first good poll");
	sched_init(&e, 1000, 0);
	sched_stagger(&e, 1000);
	CHECK_EQ_INT(0, e.shift_ms, "a shift of a whole interval or more is none");
	sched_init(&e, 0, 0);
	sched_stagger(&e, 5);
	CHECK_EQ_INT(0, e.shift_ms, "nor has interval 0 any");
}

int
main(void)
{
	test_phase();
	test_flat_out();
	test_backoff();
	test_next();
	test_turns();
	test_stagger();
	return tap_done();
}
