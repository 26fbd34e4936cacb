/* SPDX-License-Identifier: MIT */
/* A wake-up signal on an eventfd (see wake.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "wake.h"

struct wake {
	int	 fd;
};

int
wake_new(struct wake **ret)
{
	struct wake *w = malloc(sizeof(*w));

	if (w == NULL)
		return -ENOMEM;
	w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->fd == -1) {
		int e = errno;

		free(w);
		return -e;
	}
	*ret = w;
	return 0;
}

void
wake_free(struct wake *w)
{
	if (w == NULL)
		return;
	close(w->fd);
	free(w);
}

void
wake_signal(struct wake *w)
{
	uint64_t one = 1;

	/* EAGAIN means the counter is already huge: it is signalled anyway. */
	while (write(w->fd, &one, sizeof(one)) == -1 && errno == EINTR)
		;
}

int
wake_fd(const struct wake *w)
{
	return w->fd;
}

void
wake_clear(struct wake *w)
{
	uint64_t n;

	while (read(w->fd, &n, sizeof(n)) == -1 && errno == EINTR)
		;
}
