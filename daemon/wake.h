/* SPDX-License-Identifier: MIT */
/*
 * A wake-up signal between threads that a waiter can poll(2) on together with
 * its sockets: an eventfd.  The core thread signals it after each commit, so
 * a forwarder sleeping on its broker's socket learns at once that the journal
 * has grown, and sleeps without waking when nothing happens.
 */
#ifndef LW_WAKE_H
#define LW_WAKE_H

struct wake;

/* 0 and *ret, or -errno.  The caller owns it (wake_free). */
int	 wake_new(struct wake **ret);
void	 wake_free(struct wake *);

/* Signal; cheap, never blocks, safe from any thread. */
void	 wake_signal(struct wake *);

/* The descriptor to poll for POLLIN; readable while signalled. */
int	 wake_fd(const struct wake *);

/* Clear the signal (after poll said it was readable, or to start afresh). */
void	 wake_clear(struct wake *);

#endif
