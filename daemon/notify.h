/* SPDX-License-Identifier: MIT */
/*
 * A notifier: one thread per `notify` entry, running its program (an SMS
 * gateway script, a mail sender) for the alerts notifyrule.h says to tell,
 * with the alert as JSON on standard input and in LAKEWATCH_* environment
 * variables (SPEC "Notifications").
 *
 * Driven from the store: it reads the alert journal after its own cursor
 * ("notify:NAME") and compares each alert's state with what it last told
 * about it, so none is lost or told twice across a restart.  A program that
 * fails (exit status other than 0, a signal, the timeout) is logged and run
 * again with backoff; the notifier runs in its own thread and never holds up
 * acquisition.
 */
#ifndef LW_NOTIFY_H
#define LW_NOTIFY_H

#include <stddef.h>

#include "conf.h"
#include "wake.h"

struct notifier;

/*
 * Start the notifier of conf->notify[index].  What it needs of conf is
 * copied; journal is signalled after commits and is borrowed (it must
 * outlive the notifier).  0 and *ret, or -errno.
 */
int	 notifier_start(const struct conf *, size_t index, struct wake *journal,
	     struct notifier **ret);

/* Stop (a program still running is given its timeout), join, free. */
void	 notifier_stop(struct notifier *);

#endif
