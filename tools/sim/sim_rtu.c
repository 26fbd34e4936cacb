/* SPDX-License-Identifier: MIT */
/*
 * RTU request framing and hand-built reply frames for lakewatch-sim.  Pure:
 * no I/O.
 *
 * Why the simulator frames RTU requests itself: libmodbus 3.1.6's RTU server
 * drops a request addressed to another unit (modbus_receive returns 0) and
 * then takes the next frame on the line for that unit's reply and discards
 * it ("confirmation to ignore"); on a line the simulator shares between
 * several units, that loses the following request and the framing after it
 * (checked on Debian 12).  So requests are cut from the byte stream here by
 * their function code, as libmodbus would, and answered with libmodbus's
 * modbus_reply / modbus_reply_exception on the bus's RTU context.  The frames
 * built here are only the ones libmodbus will not send: corrupted replies and
 * exception codes above its range.
 */
#include <errno.h>
#include <string.h>

#include "sim.h"

uint16_t
sim_crc16(const uint8_t *buf, size_t len)
{
	uint16_t crc = 0xFFFF;

	for (size_t i = 0; i < len; i++) {
		crc ^= buf[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
	}
	return crc;
}

int
sim_rtu_request_length(const uint8_t *buf, size_t len)
{
	if (len < 2)
		return 0;
	switch (buf[1]) {
	case 0x01: case 0x02: case 0x03: case 0x04:	/* reads: address, count */
	case 0x05: case 0x06:				/* single writes: address, value */
	case 0x08:					/* diagnostics: sub-function, data */
		return 8;
	case 0x07: case 0x0B: case 0x0C: case 0x11:	/* no data */
		return 4;
	case 0x0F: case 0x10:				/* multiple writes: byte count at 6 */
		return len < 7 ? 0 : 9 + buf[6];
	case 0x14: case 0x15:				/* file records: byte count at 2 */
		return len < 3 ? 0 : 5 + buf[2];
	case 0x16:					/* mask write */
		return 10;
	case 0x17:					/* read/write: byte count at 10 */
		return len < 11 ? 0 : 13 + buf[10];
	case 0x18:					/* FIFO queue */
		return 6;
	default:
		return -1;
	}
}

int
sim_frame_build(bool tcp, const uint8_t *req_hdr, uint8_t unit, const uint8_t *pdu, size_t pdu_len,
    bool corrupt, uint8_t *out, size_t outlen)
{
	size_t n = 0;

	if (tcp) {
		size_t send_len = pdu_len;

		if (outlen < 7 + pdu_len)
			return -EMSGSIZE;
		/* Cut a data reply short after its byte count and half its data. */
		if (corrupt)
			send_len = pdu_len > 2 ? 2 + (pdu_len - 2) / 2 : 1;
		out[n++] = req_hdr[0];		/* transaction id, as asked */
		out[n++] = req_hdr[1];
		out[n++] = 0;			/* protocol: Modbus */
		out[n++] = 0;
		/* Length of unit + PDU: the whole reply, even when cut short. */
		out[n++] = (uint8_t)((pdu_len + 1) >> 8);
		out[n++] = (uint8_t)(pdu_len + 1);
		out[n++] = unit;
		memcpy(out + n, pdu, send_len);
		return (int)(n + send_len);
	}
	if (outlen < pdu_len + 3)
		return -EMSGSIZE;
	out[n++] = unit;
	memcpy(out + n, pdu, pdu_len);
	n += pdu_len;
	uint16_t crc = sim_crc16(out, n);
	if (corrupt)
		crc ^= 0x5A5A;			/* any change will do; this one flips both bytes */
	out[n++] = (uint8_t)(crc & 0xFF);	/* low byte first */
	out[n++] = (uint8_t)(crc >> 8);
	return (int)n;
}
