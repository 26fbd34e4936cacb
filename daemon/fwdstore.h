/* SPDX-License-Identifier: MIT */
/* A forwarder's own connection to the store and its cursor, opened however long that takes. */
#ifndef LW_FWDSTORE_H
#define LW_FWDSTORE_H

#include <stdatomic.h>
#include <stdint.h>

#include "store.h"

/*
 * Open the store at path for reading and writing and read the cursor named
 * cursor, retrying every few seconds (the first failure logged, as "WHO:
 * cannot open the store ...") until it works or *stop is set; stop_fd is
 * polled meanwhile so a stop is seen at once.  0 with *ret (the caller
 * closes it) and *ret_cursor, or -ECANCELED on stop.
 */
int	 fwdstore_open(const char *path, const char *cursor, const char *who, int stop_fd,
	     atomic_bool *stop, struct store **ret, int64_t *ret_cursor);

#endif
