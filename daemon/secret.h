/* SPDX-License-Identifier: MIT */
/*
 * Secrets (the MQTT password, the InfluxDB password or token, the MQTT
 * client's TLS key) are read from files the configuration names, never
 * written in the configuration itself (SPEC "Configuration").  The file holds the secret on its first line and
 * must be private to the user reading it.  No function here logs, and no
 * message ever holds the secret or any part of it.
 */
#ifndef LW_SECRET_H
#define LW_SECRET_H

#include <stddef.h>

#define SECRET_FILE_MAX	4096	/* a larger file is not a secret file */

/*
 * Read the secret in the file path into buf (len bytes, NUL-terminated):
 * its first line, without the "\n" or "\r\n" that ends it; what follows the
 * first line is ignored.  The file is opened once and checked through that
 * descriptor, so it cannot be swapped between the checks and the read; a
 * symbolic link is followed, and the checks apply to its target.
 *
 * 0 on success; buf is the caller's, to wipe (explicit_bzero) when done
 * with it.  Otherwise a negative errno, buf holding an empty string, and in
 * err (errlen bytes; NULL for none) a message that names path and says how
 * to fix it, never any part of the secret:
 *   -ENOENT, -EACCES, ...	the file cannot be opened or read (open's errno)
 *   -EISDIR, -EINVAL		a directory; not a regular file (FIFO, device),
 *				or no path or no buffer
 *   -EPERM			not owned by the effective user, or its mode
 *				gives the group or others any access
 *   -EFBIG			larger than SECRET_FILE_MAX bytes
 *   -ENODATA			empty, or its first line is
 *   -EILSEQ			a NUL byte or a lone '\r' in the first line
 *   -ERANGE			the secret does not fit in buf
 */
int	 secret_read(const char *path, char *buf, size_t len, char *err, size_t errlen);

/*
 * The checks of secret_read alone, for a secret another library reads (the
 * MQTT client's TLS key): path is a regular file of the effective user that
 * gives the group and others no access.  0, or secret_read's errors (but
 * never -EFBIG, -ENODATA, -EILSEQ or -ERANGE) with the message in err.
 */
int	 secret_check(const char *path, char *err, size_t errlen);

#endif
