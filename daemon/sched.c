/* SPDX-License-Identifier: MIT */
/*
 * Poll scheduling for one bus (see sched.h).  A device that keeps failing
 * costs its bus one response timeout per attempt; backing it off keeps the
 * healthy devices on the same line on their schedule.
 */
#include "sched.h"

void
sched_init(struct sched_entry *e, int64_t interval_ms, int64_t now_ms)
{
	e->interval_ms = interval_ms;
	e->due_ms = now_ms;
	e->failures = 0;
	e->polls = 0;
	e->shift_ms = 0;
}

void
sched_stagger(struct sched_entry *e, int64_t shift_ms)
{
	e->shift_ms = shift_ms > 0 && shift_ms < e->interval_ms ? shift_ms : 0;
}

int
sched_next(const struct sched_entry *e, size_t n)
{
	int best = -1;

	for (size_t i = 0; i < n; i++)
		if (best < 0 || e[i].due_ms < e[best].due_ms ||
		    (e[i].due_ms == e[best].due_ms && e[i].polls < e[best].polls))
			best = (int)i;
	return best;
}

void
sched_done(struct sched_entry *e, bool ok, int64_t now_ms)
{
	int64_t cap = e->interval_ms > SCHED_BACKOFF_CAP_MS ? e->interval_ms : SCHED_BACKOFF_CAP_MS;
	int64_t wait;

	e->polls++;
	if (ok) {
		e->failures = 0;
		e->due_ms += e->interval_ms + e->shift_ms;
		e->shift_ms = 0;
		if (e->due_ms < now_ms - e->interval_ms || e->interval_ms == 0)
			e->due_ms = now_ms;
		return;
	}
	if (e->failures < 64)
		e->failures++;
	wait = e->interval_ms > 0 ? e->interval_ms : 1000;
	for (unsigned i = 1; i < e->failures && wait < cap; i++)
		wait *= 2;
	if (wait > cap)
		wait = cap;
	e->due_ms = now_ms + wait;
}
