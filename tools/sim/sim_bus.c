/* SPDX-License-Identifier: MIT */
/*
 * Opening and closing the simulator's buses, in the main thread before any
 * bus thread runs, so that every failure is reported before READY.  Modbus
 * TCP and RTU-over-TCP buses listen on 127.0.0.1 only, whatever host the
 * configuration names (the simulator is a test fixture, never a service on
 * the network); port 0 asks for an ephemeral port, read back with
 * getsockname.  RTU buses open their serial device with the configured line
 * settings (on a pseudo-terminal they are accepted and do not matter).
 *
 * RTU over TCP has no server in libmodbus 3.1.6: a TCP context listens and
 * accepts, and a second, RTU context frames the replies on the accepted
 * socket (its backend reads and writes the descriptor with read(2) and
 * write(2), which work on a socket as on a tty).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim.h"

#define LISTEN_ADDR	"127.0.0.1"

static int
listen_tcp(struct sim_bus *b, modbus_t **ret_ctx, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	modbus_t *ctx;
	int fd, e;

	ctx = modbus_new_tcp(LISTEN_ADDR, b->port);
	if (ctx == NULL) {
		e = errno ? errno : ENOMEM;
		snprintf(err, errlen, "cannot create a TCP context: %s", modbus_strerror(e));
		return -e;
	}
	fd = modbus_tcp_listen(ctx, SIM_MAX_CLIENTS);
	if (fd == -1) {
		e = errno ? errno : EADDRINUSE;
		snprintf(err, errlen, "cannot listen on %s:%d: %s", LISTEN_ADDR, b->port, strerror(e));
		modbus_free(ctx);
		return -e;
	}
	if (getsockname(fd, (struct sockaddr *)&sa, &salen) == -1) {
		e = errno;
		snprintf(err, errlen, "getsockname: %s", strerror(e));
		close(fd);
		modbus_free(ctx);
		return -e;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	b->port = ntohs(sa.sin_port);
	b->listen_fd = fd;
	*ret_ctx = ctx;
	return 0;
}

int
sim_bus_open(struct sim_bus *b, char *err, size_t errlen)
{
	const struct conf_bus *cb = b->conf;
	int rc, e;

	b->listen_fd = -1;
	b->nclients = 0;
	switch (cb->type) {
	case CONF_BUS_TCP:
		rc = listen_tcp(b, &b->ctx, err, errlen);
		if (rc != 0)
			return rc;
		/* A request that stalls half-way must not hold the bus for long. */
		modbus_set_byte_timeout(b->ctx, 0, 200000);
		return 0;
	case CONF_BUS_RTU_OVER_TCP:
		rc = listen_tcp(b, &b->listen_ctx, err, errlen);
		if (rc != 0)
			return rc;
		b->ctx = modbus_new_rtu(b->path[0] ? b->path : "rtu-over-tcp", 9600, 'N', 8, 1);
		if (b->ctx == NULL) {
			e = errno ? errno : ENOMEM;
			snprintf(err, errlen, "cannot create an RTU context: %s", modbus_strerror(e));
			sim_bus_close(b);
			return -e;
		}
		return 0;
	case CONF_BUS_RTU:
		b->ctx = modbus_new_rtu(b->path, (int)cb->baud, cb->parity, (int)cb->data_bits,
		    (int)cb->stop_bits);
		if (b->ctx == NULL) {
			e = errno ? errno : EINVAL;
			snprintf(err, errlen, "cannot create an RTU context for %s: %s", b->path,
			    modbus_strerror(e));
			return -e;
		}
		if (modbus_connect(b->ctx) == -1) {
			e = errno ? errno : EIO;
			snprintf(err, errlen, "cannot open %s: %s", b->path, strerror(e));
			modbus_free(b->ctx);
			b->ctx = NULL;
			return -e;
		}
		b->clients[0].fd = modbus_get_socket(b->ctx);
		b->clients[0].id = ++b->next_client;
		b->clients[0].rx_len = 0;
		b->nclients = 1;
		return 0;
	}
	snprintf(err, errlen, "unknown bus type");
	return -EINVAL;
}

void
sim_bus_close(struct sim_bus *b)
{
	if (b->conf != NULL && b->conf->type != CONF_BUS_RTU) {
		for (size_t i = 0; i < b->nclients; i++)
			close(b->clients[i].fd);
	}
	b->nclients = 0;
	if (b->ctx != NULL) {
		if (b->conf->type == CONF_BUS_RTU) {
			modbus_close(b->ctx);	/* restores the line settings */
		} else {
			/* The descriptors are ours, closed above and below. */
			modbus_set_socket(b->ctx, -1);
		}
		modbus_free(b->ctx);
		b->ctx = NULL;
	}
	if (b->listen_ctx != NULL) {
		modbus_set_socket(b->listen_ctx, -1);
		modbus_free(b->listen_ctx);
		b->listen_ctx = NULL;
	}
	if (b->listen_fd >= 0) {
		close(b->listen_fd);
		b->listen_fd = -1;
	}
}

void
sim_bus_ready_line(const struct sim_bus *b, char *buf, size_t len)
{
	if (b->conf->type == CONF_BUS_RTU)
		snprintf(buf, len, "READY bus %s rtu %s", b->conf->name, b->path);
	else
		snprintf(buf, len, "READY bus %s tcp %s:%d", b->conf->name, LISTEN_ADDR, b->port);
}
