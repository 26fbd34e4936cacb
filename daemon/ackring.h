/* SPDX-License-Identifier: MIT */
/*
 * The messages a forwarder has handed to its peer and not yet seen
 * acknowledged, in the order they were sent, each with the journal position
 * (stream and seq) it carries.  Acknowledgements may come in any order; a
 * stream's position is done only up to its first unacknowledged message, so a
 * cursor advanced to ackring_done() never skips a message that was lost.
 * Bounded: the forwarder stops sending when it is full, which is what keeps
 * memory flat through a long outage.  Pure: no I/O, no locks (one thread).
 */
#ifndef LW_ACKRING_H
#define LW_ACKRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACKRING_STREAMS	2	/* readings and alert events */

struct ackring_ent {
	int		 mid;		/* the peer's message id */
	int		 stream;	/* 0 .. ACKRING_STREAMS-1 */
	int64_t		 seq;		/* increasing within a stream */
	bool		 acked;
};

struct ackring {
	struct ackring_ent	*ents;	/* owned */
	size_t			 cap;
	size_t			 head;	/* oldest entry */
	size_t			 n;
	int64_t			 done[ACKRING_STREAMS];
};

/* Room for cap messages; done positions start at the given ones (may be NULL: 0). */
int	 ackring_init(struct ackring *, size_t cap, const int64_t *done);
void	 ackring_free(struct ackring *);

static inline bool	 ackring_full(const struct ackring *r) { return r->n == r->cap; }
static inline size_t	 ackring_count(const struct ackring *r) { return r->n; }

/* Record a message sent; -ENOSPC when full, -EINVAL for a bad stream. */
int	 ackring_push(struct ackring *, int mid, int stream, int64_t seq);

/*
 * An acknowledgement for mid: marks the oldest unacknowledged entry with that
 * id, then retires the acknowledged entries at the head, advancing their
 * streams' done positions.  False when no outstanding message has that id.
 */
bool	 ackring_ack(struct ackring *, int mid);

/* The position of a stream up to which every message was acknowledged. */
int64_t	 ackring_done(const struct ackring *, int stream);

/*
 * Forget every outstanding message (the client that held them is gone and
 * they will be sent again from the done positions).
 */
void	 ackring_clear(struct ackring *);

#endif
