/* SPDX-License-Identifier: MIT */
/*
 * Logging to stderr.  Each message is formatted into one buffer and written
 * with one write(2), so lines from different threads never interleave.  When
 * stderr is connected to the journal (JOURNAL_STREAM names it), lines carry
 * the "<N>" priority prefix journald reads; otherwise they carry the program
 * name.  errno is preserved across calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static const char	*log_progname = "lakewatch";
static enum log_level	 log_max = LOG_LEVEL_INFO;
static int		 log_journal;

/* True when stderr is the stream systemd named in JOURNAL_STREAM ("dev:ino"). */
static int
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *progname, enum log_level max)
{
	log_progname = progname;
	log_max = max;
	log_journal = stderr_is_journal();
}

void
log_set_level(enum log_level max)
{
	log_max = max;
}

int
log_enabled(enum log_level level)
{
	return level <= log_max;
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = {
		[LOG_LEVEL_ERR] = "error: ", [LOG_LEVEL_WARNING] = "warning: ",
		[LOG_LEVEL_NOTICE] = "", [LOG_LEVEL_INFO] = "", [LOG_LEVEL_DEBUG] = "debug: ",
	};
	char buf[1024];
	int saved = errno;
	int n;

	if (level > log_max)
		return;
	if (log_journal)
		n = snprintf(buf, sizeof(buf), "<%d>", (int)level);
	else
		n = snprintf(buf, sizeof(buf), "%s: %s", log_progname, names[level]);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(buf)) {
		int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
		if (m > 0)
			n += m;
	}
	if ((size_t)n >= sizeof(buf) - 1)
		n = (int)sizeof(buf) - 2;	/* truncated: keep the newline */
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, (size_t)n) < 0) {
		/* Nowhere left to report it. */
	}
	errno = saved;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
