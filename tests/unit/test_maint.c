/* SPDX-License-Identifier: MIT */
/* Unit tests for run-time maintenance: set, end, expiry, limits, threads. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "maint.h"
#include "tap.h"

static struct maint *shared;

static void *
hammer(void *arg)
{
	char name[16];

	snprintf(name, sizeof(name), "dev%d", *(int *)arg);
	for (int i = 0; i < 10000; i++) {
		maint_set(shared, name, i % 2 ? MAINT_FOREVER : 0);
		(void)maint_active(shared, "sonde", 5);
	}
	return NULL;
}

int
main(void)
{
	char out[4][LW_NAME_MAX];
	char big[LW_NAME_MAX + 8];
	struct maint *m;
	pthread_t t[4];
	int ids[4] = { 0, 1, 2, 3 };

	CHECK_EQ_INT(0, maint_new(&m), "new");
	CHECK(!maint_active(m, "sonde", 1000), "nothing in maintenance at first");
	CHECK_EQ_INT(0, maint_set(m, "sonde", 5000), "sonde until 5000");
	CHECK_EQ_INT(0, maint_set(m, "level", MAINT_FOREVER), "level until off");
	CHECK(maint_active(m, "sonde", 4999), "sonde at 4999");
	CHECK(!maint_active(m, "sonde", 5000), "not at 5000: it ended");
	CHECK(maint_active(m, "level", INT64_MAX - 1), "level for ever");
	CHECK_EQ_INT(5000, maint_until(m, "sonde"), "until");
	CHECK_EQ_INT(0, maint_until(m, "turb"), "until of one not in maintenance");
	CHECK(maint_next_end(m) == 5000, "the next end is sonde's");
	CHECK_EQ_INT(0, maint_set(m, "sonde", 9000), "extend sonde");
	CHECK(maint_next_end(m) == 9000, "which moves with it");
	CHECK_EQ_INT(0, maint_expire(m, 8000, out, 4), "nothing ended by 8000");
	CHECK_EQ_INT(1, maint_expire(m, 9000, out, 4), "sonde ended by 9000");
	CHECK_EQ_STR("sonde", out[0], "and says which");
	CHECK(!maint_active(m, "sonde", 1), "and it is gone");
	CHECK_EQ_INT(0, maint_set(m, "level", 0), "end level");
	CHECK(!maint_active(m, "level", 1), "level is not in maintenance");
	CHECK(maint_next_end(m) == MAINT_FOREVER, "no end to come: MAINT_FOREVER");
	CHECK_EQ_INT(0, maint_set(m, "nobody", 0), "ending one not in maintenance is fine");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ_INT(-ENAMETOOLONG, maint_set(m, big, 1), "a name too long");
	for (int i = 0; i < 3; i++) {
		char name[8];

		snprintf(name, sizeof(name), "d%d", i);
		maint_set(m, name, 100);
	}
	CHECK_EQ_INT(2, maint_expire(m, 100, out, 2), "expiry hands out at most max");
	CHECK_EQ_INT(1, maint_expire(m, 100, out, 2), "and the rest next time");
	maint_free(m);

	maint_new(&shared);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer, &ids[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK(maint_active(shared, "dev0", 1) && maint_active(shared, "dev3", 1),
	    "four threads at once leave every device in its last state");
	maint_free(shared);
	return tap_done();
}
