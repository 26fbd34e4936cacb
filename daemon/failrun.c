/* SPDX-License-Identifier: MIT */
/* When to tell about a run of failures (see failrun.h). */
#include "failrun.h"

void
failrun_init(struct failrun *f, int64_t remind_ms)
{
	f->remind_ms = remind_ms;
	f->failures = 0;
	f->since_ms = 0;
	f->reminded_ms = 0;
}

enum failrun_say
failrun_fail(struct failrun *f, int64_t now_ms)
{
	if (f->failures++ == 0) {
		f->since_ms = now_ms;
		f->reminded_ms = now_ms;
		return FAILRUN_FIRST;
	}
	if (f->failures == 0)
		f->failures = 1;	/* wrapped: the run goes on */
	if (now_ms - f->reminded_ms >= f->remind_ms) {
		f->reminded_ms = now_ms;
		return FAILRUN_REMIND;
	}
	return FAILRUN_QUIET;
}

unsigned
failrun_ok(struct failrun *f)
{
	unsigned n = f->failures;

	f->failures = 0;
	return n;
}
