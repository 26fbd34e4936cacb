/* SPDX-License-Identifier: MIT */
/* What a forwarder tells about itself, for logs, `lakewatch status` and self-metrics. */
#ifndef LW_FWDSTATS_H
#define LW_FWDSTATS_H

#include <stdbool.h>
#include <stdint.h>

struct fwd_stats {
	bool		 connected;	/* the peer is reachable and accepts data */
	int64_t		 cursor;	/* journal seq up to which everything was acknowledged */
	uint64_t	 sent;		/* readings handed to the peer */
	uint64_t	 acked;		/* readings the peer acknowledged */
	uint64_t	 rejected;	/* readings the peer refused for good (logged) */
	uint64_t	 requests;	/* messages or HTTP requests */
	uint64_t	 failures;	/* failed connections or requests */
	int64_t		 last_ack_ms;	/* wall time of the last acknowledgement, 0 never */
	char		 error[200];	/* the current failure, "" when none */
};

#endif
