/* SPDX-License-Identifier: MIT */
/* Thread names (see threadname.h). */
#include <stdarg.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "threadname.h"

void
thread_name(const char *fmt, ...)
{
	char name[16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	prctl(PR_SET_NAME, name, 0, 0, 0);
}
