/* SPDX-License-Identifier: MIT */
/*
 * Names the calling thread, as `top -H`, `ps -L` and /proc/PID/task/TID/comm
 * show it ("bus rs485", "core", "mqtt"), so an operator can tell which
 * thread spends the CPU or the wake-ups.  Linux keeps 15 bytes of a name;
 * the rest is cut.
 */
#ifndef LW_THREADNAME_H
#define LW_THREADNAME_H

void	 thread_name(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
