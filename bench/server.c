/* SPDX-License-Identifier: MIT */
/*
 * lakewatch-bench-server: a bare Modbus TCP server for the flat-out
 * scenarios, where the server must not be what limits the rate.
 *
 *   lakewatch-bench-server -c FILE
 *
 * It reads a station configuration (the daemon's format, through the
 * daemon's own parser, so one generated file serves both), listens on
 * 127.0.0.1 on an ephemeral port for every Modbus TCP bus, and prints
 * "READY bus NAME tcp 127.0.0.1:PORT" for each, then "READY", as
 * lakewatch-sim does.  Each bus answers FC03 and FC04 for the units of its
 * configured devices, over the registers their points occupy; other units
 * get no answer, other addresses exception 2 (from libmodbus).  Register
 * values change with every request (a request counter plus the address), as
 * a live sensor's do.
 *
 * Why not lakewatch-sim: it serves every connection of a bus from one
 * thread, formats its -v log line for every request whether it is printed
 * or not, and refills every simulated point of the device per request.  On
 * a loopback connection that makes it slower than the client, so it, not
 * the client, would set the pace, and a client's overhead would hide in its
 * shadow.  Here each connection has a thread of its own that does nothing
 * but modbus_receive, a counter update and modbus_reply: the same path a
 * minimal libmodbus server takes.
 *
 * SIGTERM or SIGINT ends it (the default action: there is nothing to save).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <modbus.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf.h"
#include "driver.h"
#include "regtype.h"

#define MAX_UNIT	247

struct bus {
	const struct conf_bus	*conf;
	int			 listen_fd;
	int			 port;
	bool			 units[MAX_UNIT + 1];	/* configured, enabled units */
	unsigned		 nregs[2];		/* by enum mb_regkind: registers 0..n-1 */
	pthread_t		 thread;
};

struct client {
	const struct bus	*bus;
	int			 fd;
};

/* One connection: receive, bump the values asked for, reply; until it closes. */
static void *
serve(void *arg)
{
	struct client *c = arg;
	const struct bus *b = c->bus;
	uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
	modbus_mapping_t *map;
	modbus_t *ctx;
	uint16_t seq = 0;

	ctx = modbus_new_tcp("127.0.0.1", b->port);
	/* The connection's own image: threads never share registers. */
	map = modbus_mapping_new(0, 0, (int)b->nregs[MB_HOLDING], (int)b->nregs[MB_INPUT]);
	if (ctx == NULL || map == NULL) {
		fprintf(stderr, "lakewatch-bench-server: out of memory\n");
		goto out;
	}
	modbus_set_socket(ctx, c->fd);
	for (;;) {
		int len = modbus_receive(ctx, req);
		unsigned unit, fc, addr, count;
		uint16_t *tab;

		if (len == -1)
			break;
		if (len < 12)
			continue;	/* not a whole read request (or filtered by libmodbus) */
		unit = req[6];
		fc = req[7];
		addr = (unsigned)req[8] << 8 | req[9];
		count = (unsigned)req[10] << 8 | req[11];
		if (unit > MAX_UNIT || !b->units[unit])
			continue;	/* nobody there: silence, as on a real line */
		tab = fc == 3 ? map->tab_registers : fc == 4 ? map->tab_input_registers : NULL;
		if (tab != NULL && addr + count <= b->nregs[fc == 3 ? MB_HOLDING : MB_INPUT]) {
			seq++;
			for (unsigned i = addr; i < addr + count; i++)
				tab[i] = (uint16_t)(seq + i);
		}
		modbus_set_slave(ctx, (int)unit);
		if (modbus_reply(ctx, req, len, map) == -1)
			break;
	}
out:
	close(c->fd);
	if (map != NULL)
		modbus_mapping_free(map);
	if (ctx != NULL)
		modbus_free(ctx);
	free(c);
	return NULL;
}

static void *
accept_loop(void *arg)
{
	struct bus *b = arg;

	for (;;) {
		int fd = accept(b->listen_fd, NULL, NULL);
		struct client *c;
		pthread_t t;

		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("lakewatch-bench-server: accept");
			return NULL;
		}
		c = malloc(sizeof(*c));
		if (c == NULL) {
			close(fd);
			continue;
		}
		c->bus = b;
		c->fd = fd;
		if (pthread_create(&t, NULL, serve, c) != 0) {
			close(fd);
			free(c);
			continue;
		}
		pthread_detach(t);
	}
}

static int
listen_any(struct bus *b)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t salen = sizeof(sa);
	int fd, one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 || listen(fd, 64) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sa, &salen) == -1) {
		close(fd);
		return -1;
	}
	b->listen_fd = fd;
	b->port = ntohs(sa.sin_port);
	return 0;
}

int
main(int argc, char **argv)
{
	struct conf_errors errs = { 0 };
	struct conf *conf = NULL;
	struct bus *buses;
	int rc;

	if (argc != 3 || strcmp(argv[1], "-c") != 0) {
		fprintf(stderr, "usage: lakewatch-bench-server -c FILE\n");
		return 2;
	}
	rc = conf_load(argv[2], &conf, &errs);
	if (rc != 0) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.lines[i]);
		if (errs.n == 0)
			fprintf(stderr, "lakewatch-bench-server: %s: %s\n", argv[2], strerror(-rc));
		return 1;
	}
	buses = calloc(conf->nbuses, sizeof(*buses));
	if (buses == NULL)
		return 1;
	for (size_t i = 0; i < conf->ndevices; i++) {
		const struct conf_device *d = &conf->devices[i];
		struct bus *b = &buses[d->bus];

		if (!d->enabled || d->unit > MAX_UNIT)
			continue;
		b->units[d->unit] = true;
		for (size_t p = 0; p < d->model->npoints; p++) {
			const struct drv_point *pt = &d->model->points[p];
			unsigned end = pt->addr + mb_type_regs(pt->type);

			if (end > b->nregs[pt->reg])
				b->nregs[pt->reg] = end;
		}
	}
	for (size_t i = 0; i < conf->nbuses; i++) {
		struct bus *b = &buses[i];

		b->conf = &conf->buses[i];
		if (b->conf->type != CONF_BUS_TCP)
			continue;	/* RTU and RTU over TCP: lakewatch-sim's job */
		if (listen_any(b) == -1) {
			perror("lakewatch-bench-server: listen");
			return 1;
		}
		if (pthread_create(&b->thread, NULL, accept_loop, b) != 0) {
			perror("lakewatch-bench-server: pthread_create");
			return 1;
		}
		printf("READY bus %s tcp 127.0.0.1:%d\n", b->conf->name, b->port);
	}
	printf("READY\n");
	fflush(stdout);
	for (;;)
		pause();
}
