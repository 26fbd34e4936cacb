/* SPDX-License-Identifier: MIT */
/*
 * The bounded queue that carries readings from the bus threads (many
 * producers) to the core thread (one consumer).  Pushing never blocks: a bus
 * thread must keep its schedule whatever the store does.  When the queue is
 * full the readings that do not fit are dropped and counted, never silently.
 */
#ifndef LW_QUEUE_H
#define LW_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reading.h"

struct queue;

/* A queue for capacity readings; the caller owns it (queue_free). */
int	 queue_new(size_t capacity, struct queue **ret);
void	 queue_free(struct queue *);

/* Append n readings in order; returns how many did not fit and were dropped. */
size_t	 queue_push(struct queue *, const struct lw_reading *, size_t n);

/*
 * The same, when the producer has more to push at once (the next device of
 * a bus is due already): the consumer is not woken for them unless the queue
 * is half full, so a burst of polls costs it one wake-up.  The producer
 * must end the burst with queue_push (or the readings wait for the next).
 */
size_t	 queue_push_more(struct queue *, const struct lw_reading *, size_t n);

/*
 * Wait until at least one reading is queued, the queue is closed, or the
 * monotonic deadline_ms passes (-1: no deadline); then take up to max.
 * Returns how many were taken (0 on timeout or when closed and empty).
 */
size_t	 queue_pop(struct queue *, struct lw_reading *out, size_t max, int64_t deadline_ms);

/*
 * Wait until the monotonic until_ms (or the queue is half full, closed or
 * woken), taking no notice of pushes before; then take up to max.  For the
 * consumer that gathers a batch: pushes meanwhile do not wake it.
 */
size_t	 queue_gather(struct queue *, struct lw_reading *out, size_t max, int64_t until_ms);

/*
 * Wait until n more readings fit below the half-full mark, the queue is
 * closed, or the monotonic deadline_ms passes; true if they fit.  For a
 * producer polling as fast as it can: it goes at the consumer's pace
 * instead of filling the queue and dropping.  The consumer is woken first.
 */
bool	 queue_wait_room(struct queue *, size_t n, int64_t deadline_ms);

/* Wake the consumer once: a pop waiting now (or the next one) returns at once. */
void	 queue_wake(struct queue *);

/* Wake the consumer for good: later pops return what is left, then 0. */
void	 queue_close(struct queue *);
int	 queue_closed(struct queue *);

/* Readings dropped because the queue was full, since it was made. */
uint64_t queue_dropped(struct queue *);

/* CLOCK_MONOTONIC in milliseconds, the clock the deadlines are on. */
int64_t	 queue_now_ms(void);

#endif
