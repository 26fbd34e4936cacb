/* SPDX-License-Identifier: MIT */
/* Unit tests for failure runs: first, reminders at their interval, the end, a new run. */
#include "failrun.h"
#include "tap.h"

int
main(void)
{
	struct failrun f;
	int first = 0, remind = 0, quiet = 0;

	failrun_init(&f, 600000);
	CHECK_EQ_INT(0, failrun_ok(&f), "a success with no run says nothing");
	CHECK_EQ_INT(FAILRUN_FIRST, failrun_fail(&f, 1000), "the first failure starts a run");
	CHECK_EQ_INT(1000, f.since_ms, "which started at 1000");
	/* One failure a second for an hour: reminders at 10, 20, ... 60 minutes. */
	for (int64_t t = 2000; t <= 3600000 + 1000; t += 1000) {
		switch (failrun_fail(&f, t)) {
		case FAILRUN_FIRST: first++; break;
		case FAILRUN_REMIND: remind++; break;
		case FAILRUN_QUIET: quiet++; break;
		}
	}
	CHECK_EQ_INT(0, first, "a run starts only once");
	CHECK_EQ_INT(6, remind, "an hour of failures gives 6 reminders at 10 minutes");
	CHECK_EQ_INT(3600 - 6, quiet, "and says nothing of the rest");
	CHECK_EQ_INT(3601, failrun_ok(&f), "the success tells how many failures the run had");
	CHECK_EQ_INT(0, failrun_ok(&f), "and ends it");
	CHECK_EQ_INT(FAILRUN_FIRST, failrun_fail(&f, 5000000), "the next failure starts a new run");
	return tap_done();
}
