/* SPDX-License-Identifier: MIT */
/*
 * When to tell about a run of failures of one thing (a broker, a database
 * server): once when the run starts, then a reminder every remind_ms while
 * it lasts, and once when it ends, so a peer that is down for a week fills
 * no disk with log lines and still never fails silently.  Pure: the caller
 * logs.
 */
#ifndef LW_FAILRUN_H
#define LW_FAILRUN_H

#include <stdint.h>

struct failrun {
	int64_t		 remind_ms;
	unsigned	 failures;	/* in this run */
	int64_t		 since_ms;	/* when the run started */
	int64_t		 reminded_ms;	/* when it was last told */
};

enum failrun_say {
	FAILRUN_QUIET,		/* nothing to say */
	FAILRUN_FIRST,		/* a run starts */
	FAILRUN_REMIND,		/* it goes on: failures and since_ms say for how long */
};

void		 failrun_init(struct failrun *, int64_t remind_ms);

/* One more failure at now_ms (monotonic): what to say about it. */
enum failrun_say failrun_fail(struct failrun *, int64_t now_ms);

/* A success: the number of failures of the run it ends (0: there was none), reset. */
unsigned	 failrun_ok(struct failrun *);

#endif
