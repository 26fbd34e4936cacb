/* SPDX-License-Identifier: MIT */
/*
 * lakewatch-sim: a simulated Lake Poopó station.  Every device of a station
 * configuration is served on its bus from its driver table, through
 * libmodbus's server side: Modbus TCP, RTU on a serial line (a pseudo-terminal
 * in tests) and RTU frames over TCP.  Values come from simsignal (pure, in
 * the daemon library, or pinned with --set), faults from the command line
 * and a faults file that SIGUSR1 re-reads, which may also give points values
 * of their own (set, ramp) while it says so.
 *
 * Threads: the main thread parses, opens every bus, prints READY and then
 * only waits for signals; one thread per bus serves its devices.  A device's
 * register image belongs to its bus thread.  The fault table is shared and
 * guarded by sim.fault_lock; everything else is read-only once the bus
 * threads run.
 */
#ifndef LW_SIM_H
#define LW_SIM_H

#include <modbus.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "driver.h"
#include "reading.h"
#include "regtype.h"

#define SIM_MAX_UNIT		247	/* highest Modbus unit a device may have */
#define SIM_MAX_CLIENTS		8	/* TCP connections served at once per bus */
#define SIM_RX_MAX		512	/* RTU receive buffer per connection */
#define SIM_MAX_READ		125	/* Modbus limit on registers per read */
#define SIM_MAX_PENDING		32	/* late (slow) replies waiting per bus */

/* ---- faults (sim_fault.c, pure) ---- */

enum sim_fault_kind {
	SIM_FAULT_TIMEOUT,	/* no answer at all */
	SIM_FAULT_DOWN,		/* the same, as "the device is down" */
	SIM_FAULT_SLOW,		/* answer after arg ms */
	SIM_FAULT_EXCEPTION,	/* Modbus exception arg (default 4) */
	SIM_FAULT_CRC,		/* RTU: bad CRC; TCP: truncated frame */
	SIM_FAULT_GARBAGE,	/* a few random bytes instead of a reply */
	SIM_FAULT_NAN,		/* NaN in floats, the sentinel or type max in integers */
	SIM_FAULT_FLAG,		/* every status check fails */
	SIM_FAULT_RANGE,	/* values 10 % of the span above the rated range */
};

struct sim_fault {
	char			 device[LW_NAME_MAX];
	enum sim_fault_kind	 kind;
	unsigned		 arg;		/* slow: ms; exception: code */
	int64_t			 from_ms;	/* active from this long after the start */
	int64_t			 until_ms;	/* until this long after it; -1: for ever */
};

/*
 * A value the faults file gives a point while it says so, over the --set
 * value or the simulated one: "set DEVICE.POINT=VALUE", or "ramp
 * DEVICE.POINT=FROM:TO:SECONDS", from FROM when the file was read to TO
 * SECONDS later, linearly, then TO.
 */
struct sim_value {
	char			 name[2 * LW_NAME_MAX];	/* "DEVICE.POINT" as written */
	bool			 ramp;
	double			 from;		/* set: the value; ramp: where it starts */
	double			 to;		/* ramp: where it ends and stays */
	int64_t			 ramp_ms;	/* ramp: from FROM to TO in this long */
	int			 line;		/* of the faults file, for messages */
	const struct conf_device *dev;		/* set by the caller from name (NULL before) */
	size_t			 point;		/* index in dev's model, with dev */
};

/* What the faults file says (and the --fault faults): faults and values. */
struct sim_faults {
	struct sim_fault	*v;		/* owned */
	size_t			 n;
	struct sim_value	*values;	/* owned */
	size_t			 nvalues;
	int64_t			 read_ms;	/* when the file was read, after the start: ramps start then */
};

/* What one request gets: the device's active faults combined. */
struct sim_action {
	bool			 silent;	/* timeout or down: nothing is sent */
	unsigned		 delay_ms;	/* slow: the longest active delay */
	unsigned		 exception;	/* exception code, 0 for none */
	bool			 garbage;
	bool			 crc;
	bool			 nan;
	bool			 flag;
	bool			 range;
};

const char	*sim_fault_kind_name(enum sim_fault_kind);

/*
 * Parse one fault: "DEVICE=KIND[:ARG][@FROM-UNTIL]" (the --fault form), or
 * with blanks instead of '=' (a faults-file line).  FROM and UNTIL are
 * seconds since the simulator started, either may be empty.  0 and *ret, or
 * -EINVAL with a message in err.
 */
int	 sim_fault_parse(const char *spec, struct sim_fault *ret, char *err, size_t errlen);

/*
 * Parse a value line: "set DEVICE.POINT=VALUE" (VALUE as for --set) or
 * "ramp DEVICE.POINT=FROM:TO:SECONDS" (FROM and TO finite, SECONDS >= 0 and
 * may be fractional); blanks may surround the '='.  0 and *ret (dev NULL,
 * line 0), or -EINVAL with a message in err.
 */
int	 sim_value_parse(const char *line, struct sim_value *ret, char *err, size_t errlen);

/*
 * Parse a faults file's text: one fault or value a line, '#' starts a
 * comment, blank lines are ignored.  A line whose first word is "set" or
 * "ramp" is a value (a device of that name takes faults as "set=KIND"); a
 * point may have one value line.  All or nothing: 0 and *ret (replaced, with
 * read_ms 0), or -EINVAL with "NAME:LINE: message" in err and *ret untouched.
 */
int	 sim_fault_parse_text(const char *text, const char *name, struct sim_faults *ret,
	     char *err, size_t errlen);

int	 sim_faults_add(struct sim_faults *, const struct sim_fault *);
void	 sim_faults_clear(struct sim_faults *);

/*
 * The value the faults file gives point of dev at elapsed_ms after the
 * start (only values whose dev is set count): true and *ret, or false.
 */
bool	 sim_values_get(const struct sim_faults *, const struct conf_device *dev, size_t point,
	     int64_t elapsed_ms, double *ret);

/* "level.depth = 0.4" or "level.depth ramp 2 -> 0.4 over 30 s", for the log. */
void	 sim_value_describe(const struct sim_value *, char *buf, size_t len);

/* The action for a request to device at elapsed_ms after the start. */
void	 sim_faults_action(const struct sim_faults *, const char *device, int64_t elapsed_ms,
	     struct sim_action *ret);

/* "timeout", "slow 300 ms, nan" ...: the action for the -v log. */
void	 sim_action_describe(const struct sim_action *, char *buf, size_t len);

/* ---- devices (sim_regs.c) ---- */

struct sim_span {
	bool			 used;
	uint16_t		 lo;		/* first register */
	uint16_t		 hi;		/* last register, inclusive */
};

struct sim_device {
	const struct conf_device *conf;
	const struct drv_model	*model;
	struct sim_span		 span[2];	/* by enum mb_regkind */
	bool			*pinned;	/* per model point: --set given */
	double			*pin;		/* per model point: the --set value */
	modbus_mapping_t	*map;		/* the register image, by the bus thread */
};

/* Build the register spans and image of a configured device. 0 or -ENOMEM. */
int	 sim_device_init(struct sim_device *, const struct conf_device *);
void	 sim_device_done(struct sim_device *);

/*
 * Whether a read of count registers of kind at addr is one the device takes:
 * 0, or the Modbus exception code a real device would answer (2 for an
 * address it does not have or an odd start where it needs an even one, 3 for
 * a count it does not accept).
 */
unsigned sim_device_check_read(const struct sim_device *, enum mb_regkind, uint16_t addr,
	     uint16_t count);

/*
 * Write every point's value into the image: the one values gives it at
 * elapsed_ms after the start (values may be NULL, and is the caller's to
 * guard), else the --set one, else simsignal's at wall-clock t_ms; then
 * every status register; with the value and status faults of act applied.
 */
void	 sim_device_fill(struct sim_device *, uint64_t seed, int64_t t_ms,
	     const struct sim_faults *values, int64_t elapsed_ms, const struct sim_action *);

/* The registers [addr, addr+count) of kind from the image (after a check). */
const uint16_t *sim_device_regs(const struct sim_device *, enum mb_regkind, uint16_t addr);

/* ---- RTU framing and hand-built frames (sim_rtu.c, pure) ---- */

/* Modbus CRC-16 of buf, low byte first on the wire. */
uint16_t sim_crc16(const uint8_t *buf, size_t len);

/*
 * Length of the RTU request at the start of buf (unit, function, data, CRC):
 * > 0 when known, 0 when more bytes are needed to tell, -1 for a function
 * whose length cannot be told from its header (the frame ends at silence).
 */
int	 sim_rtu_request_length(const uint8_t *buf, size_t len);

/*
 * A whole reply frame around a PDU (function code first), into out: for RTU
 * unit + PDU + CRC; for TCP the MBAP header of the request hdr + unit + PDU.
 * corrupt: RTU gets a wrong CRC, TCP a frame cut short (its MBAP length and
 * byte count promise more than is sent).  The frame's length, or -EMSGSIZE.
 */
int	 sim_frame_build(bool tcp, const uint8_t *req_hdr, uint8_t unit, const uint8_t *pdu,
	     size_t pdu_len, bool corrupt, uint8_t *out, size_t outlen);

/* ---- buses (sim_bus.c opens them, sim_serve.c serves them) ---- */

struct sim;

struct sim_client {
	uint64_t		 id;		/* unique on its bus: late replies find it by this */
	int			 fd;
	uint8_t			 rx[SIM_RX_MAX];	/* RTU framing: bytes so far */
	size_t			 rx_len;
	int64_t			 rx_last_ms;		/* monotonic, last byte received */
};

/* A reply a slow fault holds back until due_ms. */
struct sim_pending {
	bool			 used;
	int64_t			 due_ms;	/* monotonic */
	uint64_t		 client;	/* sim_client.id it goes to */
	struct sim_action	 act;		/* as decided when the request came */
	uint8_t			 req[SIM_RX_MAX];
	int			 len;
};

struct sim_bus {
	struct sim		*sim;
	const struct conf_bus	*conf;
	size_t			 index;
	char			 path[CONF_PATH_MAX];	/* RTU: the serial device */
	int			 port;			/* TCP: the port, once listening */
	modbus_t		*ctx;		/* TCP, or the RTU framing for RTU and RTU over TCP */
	modbus_t		*listen_ctx;	/* RTU over TCP: the TCP context that listens */
	int			 listen_fd;	/* TCP and RTU over TCP, else -1 */
	struct sim_client	 clients[SIM_MAX_CLIENTS];	/* serial: clients[0] is the line */
	size_t			 nclients;
	struct sim_device	*units[SIM_MAX_UNIT + 1];	/* enabled devices by unit */
	uint64_t		 nrequests;	/* requests served, seeds garbage */
	uint64_t		 next_client;	/* id of the next connection */
	struct sim_pending	 pending[SIM_MAX_PENDING];
	pthread_t		 thread;
	bool			 running;
};

struct sim {
	struct conf		*conf;
	uint64_t		 seed;
	struct sim_device	*devices;	/* one per conf device */
	struct sim_bus		*buses;		/* one per conf bus */
	int			 stop_pipe[2];	/* readable once stopping */
	int64_t			 start_ms;	/* monotonic, for fault windows */
	pthread_mutex_t		 fault_lock;
	struct sim_faults	 faults;	/* faults and values, guarded by fault_lock */
};

/* Open the bus (listen on 127.0.0.1, or open the serial device). 0 or -errno, err set. */
int	 sim_bus_open(struct sim_bus *, char *err, size_t errlen);
void	 sim_bus_close(struct sim_bus *);
/* The READY line of an open bus, without the newline. */
void	 sim_bus_ready_line(const struct sim_bus *, char *buf, size_t len);

/* The bus thread: serve until sim->stop_pipe becomes readable. */
void	*sim_serve(void *bus);

#endif
