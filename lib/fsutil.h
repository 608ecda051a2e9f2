/*
 * Small file-system helpers shared by the tools and the mailer.
 */
#ifndef BARONG_FSUTIL_H
#define BARONG_FSUTIL_H

#include <stddef.h>

/* Write all n bytes to fd, retrying after EINTR.  0 or -1 (errno set). */
int	fs_write_all(int fd, const void *p, size_t n);

#endif
