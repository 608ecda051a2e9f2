/*
 * The mailer: renders and delivers the rows of the outbox (outbox.h).
 *
 * Each due row is claimed in its own transaction (SELECT ... FOR UPDATE
 * SKIP LOCKED, so several mailers may run at once), rendered from the
 * mustache templates of cfg.templates_dir in the user's language (falling
 * back to English), composed as a MIME multipart/alternative message and
 * delivered by cfg.mail_delivery:
 *
 *	file:DIR		one DIR/<id>.eml per row, written atomically
 *	sendmail[:PATH]		PATH -i -t, message on stdin, no shell
 *	smtp://host[:port]	libcurl; STARTTLS required unless the host
 *				is localhost, 127.0.0.1 or [::1]
 *	smtps://host[:port]	libcurl, TLS from the start
 *
 * Then, in the same transaction, the row becomes 'sent' and its token is
 * removed from the payload.  A failed delivery is retried with exponential
 * backoff (30 s doubling, at most 1 h) until cfg.mail_max_attempts, when
 * the row becomes 'failed'; a row that cannot be rendered (no template,
 * template error, no usable recipient) fails at once.  Nothing is deleted.
 *
 * Delivery happens before the commit, so a crash between the two delivers
 * the row again: at least once, and exactly once where the receiver
 * deduplicates (file: overwrites <id>.eml; over SMTP and sendmail the
 * Message-ID, derived from the row, is the same for every attempt).
 */
#ifndef BARONG_MAILER_H
#define BARONG_MAILER_H

#include <stddef.h>

/* Rows one mailer_run_once() claims when its caller has no opinion. */
#define MAILER_DEFAULT_BATCH	100

/*
 * Validate cfg.mail_delivery, cfg.sender_email and the templates directory
 * (subjects.yml must load); set up libcurl for SMTP.  Call once before the
 * functions below.  Returns 0, or -1 with a message in err.
 */
int	mailer_start(char *err, size_t errlen);

/*
 * Deliver up to batch due rows, one transaction each.  Adds the rows sent
 * and the failed attempts (rescheduled or given up) to *sent and *failed
 * (either may be NULL).  Returns the number of rows handled, which is less
 * than batch when nothing more is due, or -1 on a database or set-up error
 * (logged; the row in hand stays pending).
 */
int	mailer_run_once(int batch, int *sent, int *failed);

/*
 * Run until SIGTERM or SIGINT: deliver what is due, then wait for NOTIFY
 * barong_outbox (sql/011_outbox_notify.sql) or one second, whichever comes
 * first.  A row being delivered when the signal arrives is finished first.
 * Returns 0 after a signal.
 */
int	mailer_daemon(int batch);

struct mailer_status {
	long long	pending;	/* state pending */
	long long	due;		/* pending and next_attempt_at <= now */
	long long	sent;
	long long	failed;
	long long	oldest_pending;	/* age in seconds, -1 when none */
};

/* Counts per state.  Returns 0 or -1 (database error, logged). */
int	mailer_status(struct mailer_status *);

#endif
