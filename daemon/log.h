/* SPDX-License-Identifier: MIT */
/*
 * Logging for the daemon and the tools (never from pure modules).  Lines go
 * to stderr, one write each, so threads do not interleave; under systemd
 * (JOURNAL_STREAM set) with "<N>" priority prefixes journald understands.
 */
#ifndef LW_LOG_H
#define LW_LOG_H

#include <stdarg.h>

enum log_level { LOG_LEVEL_ERR = 3, LOG_LEVEL_WARNING = 4, LOG_LEVEL_NOTICE = 5,
	LOG_LEVEL_INFO = 6, LOG_LEVEL_DEBUG = 7 };

/* Set the program name and the most verbose level printed (default INFO). */
void	 log_init(const char *progname, enum log_level max);
void	 log_set_level(enum log_level max);
int	 log_enabled(enum log_level);

void	 log_msg(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 log_vmsg(enum log_level, const char *fmt, va_list);

#define log_err(...)	log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
