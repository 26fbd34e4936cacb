/* SPDX-License-Identifier: MIT */
/*
 * lakewatch-bench-ceiling: the physical limit of a Modbus TCP link on this
 * machine.  The smallest client libmodbus allows: one thread per connection,
 * each reading the same register block of every unit in turn, as fast as the
 * server answers, nothing done with the values.  Whatever a polling daemon
 * adds (decoding, queueing, storing, scheduling) can only make it slower, so
 * its readings per second over this program's, for the same connections and
 * the same register map, says how close it gets to what the link allows.
 *
 *   lakewatch-bench-ceiling [-r input|holding] [-a ADDR] [-n COUNT] [-u FIRST-LAST]
 *                           [-w WARMUP_S] -s SECONDS PORT...
 *
 * One connection to 127.0.0.1:PORT per PORT argument (a port may be given
 * more than once for several connections to one server).  After WARMUP_S
 * seconds it counts for SECONDS, then prints one line of figures:
 *
 *   transactions=N errors=N seconds=S registers_per_read=COUNT cpu_us=N
 *
 * cpu_us is this process's own CPU time (all threads) over the window.
 */
#include <errno.h>
#include <modbus.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS	64

struct conn {
	int		 port;
	pthread_t	 thread;
	atomic_ulong	 transactions;	/* successful reads, since the start */
	atomic_ulong	 errors;	/* failed reads (each followed by a reconnect) */
};

static struct {
	bool		 input;		/* FC04, else FC03 */
	int		 addr;
	int		 count;
	int		 first_unit;
	int		 last_unit;
} opt = { true, 0, 10, 1, 1 };

static atomic_bool stop;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long
cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
	    (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
}

static modbus_t *
connect_to(int port)
{
	modbus_t *ctx = modbus_new_tcp("127.0.0.1", port);

	if (ctx == NULL)
		return NULL;
	modbus_set_response_timeout(ctx, 1, 0);
	if (modbus_connect(ctx) == -1) {
		modbus_free(ctx);
		return NULL;
	}
	return ctx;
}

/* One connection: every unit's block in turn, until told to stop. */
static void *
run(void *arg)
{
	struct conn *c = arg;
	uint16_t regs[MODBUS_MAX_READ_REGISTERS];
	modbus_t *ctx = NULL;
	int unit = opt.first_unit;

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		int rc;

		if (ctx == NULL && (ctx = connect_to(c->port)) == NULL) {
			atomic_fetch_add(&c->errors, 1);
			usleep(100000);
			continue;
		}
		modbus_set_slave(ctx, unit);
		rc = opt.input ? modbus_read_input_registers(ctx, opt.addr, opt.count, regs) :
		    modbus_read_registers(ctx, opt.addr, opt.count, regs);
		if (rc == opt.count) {
			atomic_fetch_add_explicit(&c->transactions, 1, memory_order_relaxed);
		} else {
			/* Start clean, as a daemon would after a failed read. */
			atomic_fetch_add(&c->errors, 1);
			modbus_close(ctx);
			modbus_free(ctx);
			ctx = NULL;
		}
		unit = unit == opt.last_unit ? opt.first_unit : unit + 1;
	}
	if (ctx != NULL) {
		modbus_close(ctx);
		modbus_free(ctx);
	}
	return NULL;
}

static void
sum(const struct conn *c, int n, unsigned long *tr, unsigned long *err)
{
	*tr = *err = 0;
	for (int i = 0; i < n; i++) {
		*tr += atomic_load(&c[i].transactions);
		*err += atomic_load(&c[i].errors);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: lakewatch-bench-ceiling [-r input|holding] [-a ADDR] [-n COUNT]"
	    " [-u FIRST-LAST] [-w WARMUP_S] -s SECONDS PORT...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct conn conns[MAX_CONNS];
	double warmup = 1.0, seconds = 0, t0, t1;
	unsigned long tr0, err0, tr1, err1;
	long long cpu0, cpu1;
	int c, n = 0;

	while ((c = getopt(argc, argv, "r:a:n:u:w:s:")) != -1) {
		switch (c) {
		case 'r':
			if (strcmp(optarg, "input") == 0)
				opt.input = true;
			else if (strcmp(optarg, "holding") == 0)
				opt.input = false;
			else
				usage();
			break;
		case 'a':
			opt.addr = atoi(optarg);
			break;
		case 'n':
			opt.count = atoi(optarg);
			break;
		case 'u':
			if (sscanf(optarg, "%d-%d", &opt.first_unit, &opt.last_unit) != 2)
				usage();
			break;
		case 'w':
			warmup = atof(optarg);
			break;
		case 's':
			seconds = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (seconds <= 0 || optind >= argc || argc - optind > MAX_CONNS ||
	    opt.count < 1 || opt.count > MODBUS_MAX_READ_REGISTERS || opt.addr < 0 ||
	    opt.addr + opt.count > 65536 || opt.first_unit < 1 || opt.last_unit > 247 ||
	    opt.first_unit > opt.last_unit)
		usage();
	for (int i = optind; i < argc; i++) {
		conns[n].port = atoi(argv[i]);
		if (pthread_create(&conns[n].thread, NULL, run, &conns[n]) != 0) {
			perror("pthread_create");
			return 1;
		}
		n++;
	}

	usleep((useconds_t)(warmup * 1e6));
	sum(conns, n, &tr0, &err0);
	cpu0 = cpu_us();
	t0 = now_s();
	usleep((useconds_t)(seconds * 1e6));
	sum(conns, n, &tr1, &err1);
	cpu1 = cpu_us();
	t1 = now_s();
	atomic_store(&stop, true);
	for (int i = 0; i < n; i++)
		pthread_join(conns[i].thread, NULL);

	printf("transactions=%lu errors=%lu seconds=%.6f registers_per_read=%d cpu_us=%lld\n",
	    tr1 - tr0, err1 - err0, t1 - t0, opt.count, cpu1 - cpu0);
	return tr1 > tr0 ? 0 : 1;
}
