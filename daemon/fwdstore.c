/* SPDX-License-Identifier: MIT */
/* A forwarder's store connection (see fwdstore.h). */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>

#include "fwdstore.h"
#include "log.h"

#define FWDSTORE_RETRY_MS	5000

int
fwdstore_open(const char *path, const char *cursor, const char *who, int stop_fd,
    atomic_bool *stop, struct store **ret, int64_t *ret_cursor)
{
	bool complained = false;
	char err[300];

	while (!atomic_load(stop)) {
		struct store *st = NULL;
		int rc = store_open_err(path, STORE_READ_WRITE, &st, err, sizeof(err));

		if (rc == 0 && (rc = store_cursor_get(st, cursor, ret_cursor)) == 0) {
			*ret = st;
			return 0;
		}
		if (st != NULL) {
			snprintf(err, sizeof(err), "%s", store_errmsg(st));
			store_close(st);
		}
		if (!complained)
			log_err("%s: cannot open the store: %s; retrying", who, err);
		complained = true;
		struct pollfd p = { .fd = stop_fd, .events = POLLIN };
		poll(&p, 1, FWDSTORE_RETRY_MS);
	}
	return -ECANCELED;
}
