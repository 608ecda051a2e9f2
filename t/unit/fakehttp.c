/* A fake HTTP server for the client tests (see fakehttp.h). */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fakehttp.h"
#include "unit.h"

static struct {
	int		 lfd;
	volatile int	 stopping;
	pthread_t	 th;
	fakehttp_fn	 fn;
} srv;

void
fakehttp_send(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = send(fd, c, n, MSG_NOSIGNAL)) <= 0)
			return;
		c += w;
		n -= (size_t)w;
	}
}

void
fakehttp_reply(int fd, int status, const char *ctype, const void *body,
    size_t len)
{
	char	head[256];

	snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, ctype,
	    len);
	fakehttp_send(fd, head, strlen(head));
	fakehttp_send(fd, body, len);
}

void
fakehttp_header(const struct fakehttp_req *q, const char *name, char *out,
    size_t outlen)
{
	size_t		 n = strlen(name);
	const char	*h, *eol;

	*out = '\0';
	for (h = strstr(q->head, "\r\n"); h != NULL;
	    h = strstr(h + 2, "\r\n")) {
		if (strncasecmp(h + 2, name, n) == 0 && h[2 + n] == ':') {
			h += 3 + n;
			h += strspn(h, " ");
			eol = strstr(h, "\r\n");
			snprintf(out, outlen, "%.*s",
			    eol ? (int)(eol - h) : (int)strlen(h), h);
			return;
		}
	}
}

/* One request from fd, handed to the test's function. */
static void
serve_one(int fd)
{
	char			 buf[32768], *end, *sp, *sp2, cl[32];
	struct fakehttp_req	 q;
	size_t			 len = 0, want, hlen;
	ssize_t			 n;

	for (;;) {
		if (len == sizeof(buf) - 1)
			return;
		if ((n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0)) <= 0)
			return;
		len += (size_t)n;
		buf[len] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
	}
	hlen = (size_t)(end - buf) + 4;
	end[2] = '\0';			/* the head ends with its last CRLF */
	memset(&q, 0, sizeof(q));
	q.head = buf;
	fakehttp_header(&q, "Content-Length", cl, sizeof(cl));
	want = strtoul(cl, NULL, 10);
	while (len < hlen + want && len < sizeof(buf) - 1) {
		if ((n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0)) <= 0)
			return;
		len += (size_t)n;
	}
	buf[len] = '\0';
	q.body = buf + hlen;
	if ((sp = strchr(buf, ' ')) != NULL) {
		snprintf(q.method, sizeof(q.method), "%.*s", (int)(sp - buf),
		    buf);
		if ((sp2 = strchr(sp + 1, ' ')) != NULL)
			snprintf(q.target, sizeof(q.target), "%.*s",
			    (int)(sp2 - sp - 1), sp + 1);
	}
	srv.fn(fd, &q);
}

static void *
loop(void *arg)
{
	int	fd;

	(void)arg;
	while (!srv.stopping) {
		if ((fd = accept(srv.lfd, NULL, NULL)) == -1)
			continue;
		serve_one(fd);
		close(fd);
	}
	return NULL;
}

int
fakehttp_start(fakehttp_fn fn)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof(sin);
	int			one = 1;

	srv.fn = fn;
	srv.stopping = 0;
	srv.lfd = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(srv.lfd != -1);
	setsockopt(srv.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_EQUAL_FATAL(bind(srv.lfd, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	CU_ASSERT_EQUAL_FATAL(listen(srv.lfd, 16), 0);
	CU_ASSERT_EQUAL_FATAL(getsockname(srv.lfd, (struct sockaddr *)&sin,
	    &slen), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&srv.th, NULL, loop, NULL), 0);
	return ntohs(sin.sin_port);
}

void
fakehttp_stop(void)
{
	srv.stopping = 1;
	shutdown(srv.lfd, SHUT_RDWR);
	pthread_join(srv.th, NULL);
	close(srv.lfd);
}
