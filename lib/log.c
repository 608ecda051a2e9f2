#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char	*progname = "barong";
static enum log_level	 threshold = LOG_LVL_INFO;
static char		 reqid[40];
static int		 plain;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
log_init(const char *prog)
{
	progname = prog;
}

void
log_set_plain(int on)
{
	plain = on;
}

void
log_set_level(enum log_level l)
{
	threshold = l;
}

void
log_set_request(const char *id)
{
	if (id == NULL)
		reqid[0] = '\0';
	else
		snprintf(reqid, sizeof(reqid), "%s", id);
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	char		 msg[1024], out[2048 + 128];
	size_t		 i, o;
	va_list		 ap;
	time_t		 now;
	struct tm	 tm;
	int		 n;

	if (lvl < threshold)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	now = time(NULL);
	gmtime_r(&now, &tm);
	if (plain)
		n = snprintf(out, sizeof(out), "%s: ", progname);
	else
		n = snprintf(out, sizeof(out),
		    "%04d-%02d-%02dT%02d:%02d:%02dZ %s[%ld] %s%s%s: ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, progname, (long)getpid(),
		    level_names[lvl], reqid[0] ? " req=" : "", reqid);
	o = n < 0 ? 0 : (size_t)n;
	for (i = 0; msg[i] != '\0' && o + 5 < sizeof(out); i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c < 0x20 || c == 0x7f || c == '\\') {
			o += (size_t)snprintf(out + o, sizeof(out) - o,
			    c == '\\' ? "\\\\" : "\\x%02x", c);
		} else
			out[o++] = (char)c;
	}
	out[o++] = '\n';
	(void)!write(STDERR_FILENO, out, o);
}
