/*
 * The mailer (see mailer.h).
 *
 * A row goes through: claim (locked), choose template and language,
 * build the context, render the HTML part and, when its template exists,
 * the text part, compose the message, deliver, record the outcome, commit.
 * Everything of one row is allocated from one arena, reset after the row.
 *
 * The message is the same bytes on every attempt for a given row and
 * configuration: Date is the row's created_at, Message-ID and the MIME
 * boundary are derived from the row's id and created_at.  A receiver can
 * thus recognise a re-delivery, and the file: delivery simply overwrites.
 *
 * Nothing of the body, the token or the link is ever logged or stored in
 * last_error; log lines name the outbox id, the event and the user id.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <libpq-fe.h>

#include "arena.h"
#include "buf.h"
#include "conf.h"
#include "db.h"
#include "fsutil.h"
#include "json.h"
#include "log.h"
#include "mailer.h"
#include "mustache.h"
#include "yamlfile.h"

#define MAIL_CHANNEL		"barong_outbox"
#define MAIL_ARENA_CHUNK	(64 * 1024)
#define MAIL_MAX_PART		(1024 * 1024)	/* rendered bytes per part */
#define MAIL_MAX_MESSAGE	(6 * 1024 * 1024)
#define MAIL_BACKOFF_FIRST	30		/* seconds */
#define MAIL_BACKOFF_MAX	3600
#define MAIL_LANG_MAX		16
#define MAIL_PARTIAL_NAME_MAX	128
#define MAIL_ADDR_MAX		254
#define MAIL_ERROR_MAX		400		/* bytes of last_error */
#define MAIL_QP_LINE		76
#define MAIL_SENDMAIL_TIMEOUT	120		/* seconds */
#define MAIL_SMTP_CONNECT_TIMEOUT 20L
#define MAIL_SMTP_TIMEOUT	120L
#define MAIL_DEFAULT_SENDMAIL	"/usr/sbin/sendmail"

/* ---------------------------------------------------------- events */

enum mail_link {
	LINK_NONE,
	LINK_CONFIRMATION,
	LINK_RESET
};

struct mail_event {
	const char	*event;		/* outbox.event */
	const char	*tmpl;		/* template file stem */
	const char	*subject;	/* key of subjects.yml */
	enum mail_link	 link;
};

static const struct mail_event mail_events[] = {
	{ "user.email.confirmation.token", "email_confirmation",
	    "email_confirmation", LINK_CONFIRMATION },
	{ "user.password.reset.token", "password_reset", "password_reset",
	    LINK_RESET },
	{ "session.create", "session_create", "session_create", LINK_NONE },
	{ "label.created", "label", "label_created", LINK_NONE },
	{ "label.updated", "label", "label_updated", LINK_NONE },
	{ NULL, NULL, NULL, LINK_NONE }
};

static const struct mail_event *
event_find(const char *name)
{
	const struct mail_event	*e;

	for (e = mail_events; e->event != NULL; e++)
		if (strcmp(e->event, name) == 0)
			return e;
	return NULL;
}

/* ------------------------------------------------------- statements */

static const struct db_stmt st_claim = { "mailer_claim",
	"SELECT o.id, o.event, o.payload, o.language, o.attempts,"
	" floor(extract(epoch FROM o.created_at))::bigint,"
	" to_char(o.created_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS'),"
	" u.data, u.email"
	" FROM outbox o LEFT JOIN users u ON u.id = o.user_id"
	" WHERE o.state = 'pending' AND o.next_attempt_at <= now()"
	" ORDER BY o.id LIMIT 1"
	" FOR UPDATE OF o SKIP LOCKED", 0 };

/* Delivered: the token is a credential, it need not outlive the mail. */
static const struct db_stmt st_sent = { "mailer_sent",
	"UPDATE outbox SET state = 'sent', sent_at = now(),"
	" attempts = attempts + 1, payload = payload - 'token'"
	" WHERE id = $1::bigint", 1 };

static const struct db_stmt st_retry = { "mailer_retry",
	"UPDATE outbox SET attempts = attempts + 1, last_error = $2,"
	" next_attempt_at = now() + $3::integer * interval '1 second'"
	" WHERE id = $1::bigint", 3 };

/* Given up: kept for the operator to see, but without its token. */
static const struct db_stmt st_failed = { "mailer_failed",
	"UPDATE outbox SET state = 'failed', attempts = attempts + 1,"
	" last_error = $2, payload = payload - 'token'"
	" WHERE id = $1::bigint", 2 };

static const struct db_stmt st_status = { "mailer_status",
	"SELECT count(*) FILTER (WHERE state = 'pending'),"
	" count(*) FILTER (WHERE state = 'pending'"
	"  AND next_attempt_at <= now()),"
	" count(*) FILTER (WHERE state = 'sent'),"
	" count(*) FILTER (WHERE state = 'failed'),"
	" COALESCE(floor(extract(epoch FROM now() - min(created_at)"
	"  FILTER (WHERE state = 'pending')))::bigint, -1)"
	" FROM outbox", 0 };

/* -------------------------------------------------------- delivery */

enum delivery {
	DELIVER_NONE,
	DELIVER_FILE,
	DELIVER_SENDMAIL,
	DELIVER_SMTP
};

static struct {
	enum delivery	 kind;
	char		 path[PATH_MAX];	/* file: DIR; sendmail: PATH */
	char		 url[600];		/* smtp[s]://host:port */
	long		 use_ssl;		/* CURLUSESSL_* */
	int		 curl_ready;
} dl;

static volatile sig_atomic_t	mailer_stopping;

/* A row as claimed. */
struct mail_row {
	long long	 id;
	const char	*event;
	const char	*payload;
	const char	*language;	/* NULL: none */
	int		 attempts;
	long long	 created;	/* epoch seconds */
	const char	*created_stamp;	/* YYYYMMDDHHMMSSUUUUUU */
	const char	*user_data;	/* users.data, NULL: none */
	const char	*user_email;	/* users.email, NULL: none */
};

/* What rendering produced. */
struct mail_msg {
	const char	*to;
	const char	*lang;		/* language of the template used */
	const char	*subject;
	const char	*html;
	const char	*text;		/* NULL: no text template */
};

/* --------------------------------------------------------- helpers */

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static const char *
obj_string(json_object *o, const char *key)
{
	json_object	*v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * A language code usable in a file name, lower-cased into out: 1 to
 * MAIL_LANG_MAX letters, digits, '_' or '-', starting with a letter.
 * Returns 1 when s was usable.
 */
static int
lang_normalize(const char *s, char *out, size_t outlen)
{
	size_t	i;
	int	c;

	if (s == NULL || *s == '\0' || outlen == 0)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= MAIL_LANG_MAX || i + 1 >= outlen)
			return 0;
		c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (!((c >= 'a' && c <= 'z') ||
		    (i > 0 && ((c >= '0' && c <= '9') || c == '_' ||
		    c == '-'))))
			return 0;
		out[i] = (char)c;
	}
	out[i] = '\0';
	return 1;
}

/*
 * The language asked for: the row's, else the user's data.language, else
 * cfg.default_language, else "en"; unusable values are skipped.
 */
static void
lang_wanted(const char *row_lang, const char *user_data, char *out,
    size_t outlen)
{
	json_object	*data;
	const char	*ul = NULL;
	int		 ok;

	if (lang_normalize(row_lang, out, outlen))
		return;
	data = user_data != NULL ? json_tokener_parse(user_data) : NULL;
	ul = obj_string(data, "language");
	ok = lang_normalize(ul, out, outlen);
	json_object_put(data);
	if (ok)
		return;
	if (lang_normalize(cfg.default_language, out, outlen))
		return;
	snprintf(out, outlen, "en");
}

/*
 * Partial names map to file names, so only [A-Za-z0-9_.-] are allowed, no
 * leading dot (no "..", no hidden files, no '/').  Returns 1 when allowed.
 */
static int
partial_name_ok(const char *name)
{
	size_t	i;
	int	c;

	if (name == NULL || name[0] == '\0' || name[0] == '.')
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= MAIL_PARTIAL_NAME_MAX)
			return 0;
		c = (unsigned char)name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		    c == '-'))
			return 0;
	}
	return 1;
}

/*
 * An address we can put in To: and in the envelope without quoting:
 * RFC 5322 atext and dots before the '@', a host name after it.  Anything
 * else (CR, LF, spaces, commas, quotes, angle brackets, non-ASCII) could
 * add recipients or headers, so such a row fails instead.
 */
static int
addr_ok(const char *s)
{
	static const char	 atext[] = "!#$%&'*+/=?^_`{|}~-.";
	const char		*at, *p;
	size_t			 n;

	if (s == NULL || (n = strlen(s)) < 3 || n > MAIL_ADDR_MAX)
		return 0;
	if ((at = strchr(s, '@')) == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return 0;
	if (s[0] == '.' || at[-1] == '.' || at[1] == '.' || at[1] == '-' ||
	    s[n - 1] == '.' || s[n - 1] == '-')
		return 0;
	for (p = s; p < at; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(atext, *p) != NULL))
			return 0;
	for (p = at + 1; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			return 0;
	return 1;
}

/* RFC 3986 unreserved characters stay, every other byte is %XX. */
static void
url_escape(struct buf *b, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	unsigned char		c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			buf_putc(b, c);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

/*
 * The confirmation or reset link: <domain>/accounts/...?<param>=<token>
 * &lang=<lang>, as Barong's templates build it.  A domain without a scheme
 * (Barong's default is "openware.com") gets "https://", so that the link
 * is absolute; trailing slashes are dropped.  NULL when kind is LINK_NONE.
 */
static const char *
mail_link(struct arena *a, enum mail_link kind, const char *domain,
    const char *token, const char *lang)
{
	struct buf	 b;
	size_t		 n;

	if (kind == LINK_NONE)
		return NULL;
	buf_init(&b, a, 64 * 1024);
	if (domain == NULL)
		domain = "";
	n = strlen(domain);
	while (n > 0 && domain[n - 1] == '/')
		n--;
	if (strstr(domain, "://") == NULL)
		buf_puts(&b, "https://");
	buf_add(&b, domain, n);
	if (kind == LINK_CONFIRMATION)
		buf_puts(&b, "/accounts/confirmation?confirmation_token=");
	else
		buf_puts(&b, "/accounts/password_reset?reset_token=");
	url_escape(&b, token);
	buf_puts(&b, "&lang=");
	url_escape(&b, lang);
	return buf_cstr(&b);
}

/* ------------------------------------------------------- templates */

/*
 * Read a whole regular file of at most max bytes into the arena,
 * NUL-terminated.  NULL with errno set on failure (EFBIG when too large).
 */
static char *
read_text(struct arena *a, const char *path, size_t max, size_t *lenp)
{
	struct stat	 st;
	char		*p;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	p = arena_alloc(a, (size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, p + off, (size_t)st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		off += (size_t)n;
	}
	p[off] = '\0';
	close(fd);
	if (lenp != NULL)
		*lenp = off;
	return p;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

static const char *
template_path(struct arena *a, const char *stem, const char *lang,
    const char *kind)
{
	return arena_printf(a, "%s/%s.%s.%s.mustache", cfg.templates_dir,
	    stem, lang, kind);
}

static int
file_exists(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

struct partial_arg {
	struct arena	*a;
	int		 missing;	/* a partial could not be loaded */
};

/* mustache_partial_fn: templates_dir/<name>.mustache. */
static const char *
load_partial(const char *name, size_t *len, void *arg)
{
	struct partial_arg	*pa = arg;
	const char		*path;
	char			*text;

	if (!partial_name_ok(name)) {
		log_warn("mail template: partial name refused");
		pa->missing = 1;
		return NULL;
	}
	path = arena_printf(pa->a, "%s/%s.mustache", cfg.templates_dir, name);
	if ((text = read_text(pa->a, path, MUSTACHE_MAX_TEMPLATE, len)) ==
	    NULL) {
		log_warn("mail template: could not read partial \"%s\": %s",
		    name, strerror(errno));
		pa->missing = 1;
		return NULL;
	}
	return text;
}

/* Render one template file; NULL with err set on failure. */
static const char *
render_file(struct arena *a, const char *path, const char *label,
    json_object *ctx, char *err, size_t errlen)
{
	struct partial_arg	 pa = { a, 0 };
	struct buf		 out;
	const char		*tpl, *s;
	size_t			 len;
	char			 merr[200];

	if ((tpl = read_text(a, path, MUSTACHE_MAX_TEMPLATE, &len)) == NULL) {
		seterr(err, errlen, "template %s: %s", label,
		    strerror(errno));
		return NULL;
	}
	buf_init(&out, a, MAIL_MAX_PART);
	if (mustache_render(tpl, len, ctx, load_partial, &pa, &out, merr,
	    sizeof(merr)) == -1) {
		seterr(err, errlen, "template %s: %s", label, merr);
		return NULL;
	}
	if ((s = buf_cstr(&out)) == NULL) {
		seterr(err, errlen, "template %s: output too large", label);
		return NULL;
	}
	return s;
}

/* subjects.yml, loaded at the first row of each run. */
static json_object	*subjects;

static int
subjects_load(char *err, size_t errlen)
{
	char	 path[PATH_MAX], yerr[256];
	int	 n;

	json_object_put(subjects);
	subjects = NULL;
	n = snprintf(path, sizeof(path), "%s/subjects.yml",
	    cfg.templates_dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		seterr(err, errlen, "templates_dir too long");
		return -1;
	}
	if ((subjects = yaml_load_file(path, yerr, sizeof(yerr))) == NULL) {
		seterr(err, errlen, "could not load %s: %s", path, yerr);
		return -1;
	}
	if (!json_object_is_type(subjects, json_type_object)) {
		seterr(err, errlen, "%s: not a mapping", path);
		json_object_put(subjects);
		subjects = NULL;
		return -1;
	}
	return 0;
}

/* The subject of key in lang, else in English; NULL when neither. */
static const char *
subject_find(const char *key, const char *lang)
{
	json_object	*per;
	const char	*s;

	if (subjects == NULL ||
	    !json_object_object_get_ex(subjects, key, &per))
		return NULL;
	if ((s = obj_string(per, lang)) != NULL && *s != '\0')
		return s;
	if ((s = obj_string(per, "en")) != NULL && *s != '\0')
		return s;
	return NULL;
}

/* ---------------------------------------------------------- render */

/*
 * Control characters (CR and LF above all) in the record's strings become
 * spaces, so that a value such as a User-Agent stays on its line of the
 * mail and cannot start lines of its own.  json-c nests at most 32 deep.
 */
static void
record_scrub(struct arena *a, json_object *o)
{
	struct json_object_iterator	 it, end;
	const char			*s;
	char				*c, *p;
	size_t				 i, n;

	switch (json_object_get_type(o)) {
	case json_type_object:
		it = json_object_iter_begin(o);
		end = json_object_iter_end(o);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it))
			record_scrub(a, json_object_iter_peek_value(&it));
		break;
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			record_scrub(a, json_object_array_get_idx(o, i));
		break;
	case json_type_string:
		s = json_object_get_string(o);
		n = (size_t)json_object_get_string_len(o);
		for (i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				break;
		if (i == n)
			break;
		c = arena_memdup(a, s, n + 1);
		for (p = c; p < c + n; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		json_object_set_string_len(o, c, (int)n);
		break;
	default:
		break;
	}
}

/*
 * The template context (templates/README): subject, user, record,
 * changes, link, domain, logo, app_name, sender_name.  Owned by the arena.
 */
static json_object *
mail_context(struct arena *a, json_object *record, const char *subject,
    const char *link)
{
	json_object	*ctx, *v;
	const char	*domain;

	ctx = json_adopt(a, json_object_new_object());
	json_object_object_add(ctx, "subject",
	    json_object_new_string(subject));
	if (json_object_object_get_ex(record, "user", &v) &&
	    json_object_is_type(v, json_type_object))
		json_object_object_add(ctx, "user", json_object_get(v));
	else
		json_object_object_add(ctx, "user", json_object_new_object());
	json_object_object_add(ctx, "record", json_object_get(record));
	if (json_object_object_get_ex(record, "changes", &v) &&
	    json_object_is_type(v, json_type_object))
		json_object_object_add(ctx, "changes", json_object_get(v));
	else
		json_object_object_add(ctx, "changes",
		    json_object_new_object());
	json_object_object_add(ctx, "link",
	    json_object_new_string(link != NULL ? link : ""));
	domain = obj_string(record, "domain");
	json_object_object_add(ctx, "domain", json_object_new_string(
	    domain != NULL ? domain : cfg.domain != NULL ? cfg.domain : ""));
	json_object_object_add(ctx, "logo", json_object_new_string(
	    cfg.smtp_logo_link != NULL ? cfg.smtp_logo_link : ""));
	json_object_object_add(ctx, "app_name", json_object_new_string(
	    cfg.app_name != NULL ? cfg.app_name : "Barong"));
	json_object_object_add(ctx, "sender_name", json_object_new_string(
	    cfg.sender_name != NULL ? cfg.sender_name : ""));
	return ctx;
}

/*
 * Everything but delivery for one row: template, language, subject, link,
 * rendering.  Returns 0, or -1 with err set: such a row can never be
 * delivered as it is and fails at once.
 */
static int
mail_render(struct arena *a, const struct mail_row *row, struct mail_msg *m,
    char *err, size_t errlen)
{
	const struct mail_event	*ev;
	json_object		*record, *ctx, *user;
	const char		*html_path, *text_path, *token, *link;
	char			 lang[MAIL_LANG_MAX + 1];

	memset(m, 0, sizeof(*m));
	if ((ev = event_find(row->event)) == NULL) {
		seterr(err, errlen, "no template for event \"%.64s\"",
		    row->event);
		return -1;
	}
	record = json_tokener_parse(row->payload);
	if (record == NULL || !json_object_is_type(record, json_type_object)) {
		json_object_put(record);
		seterr(err, errlen, "payload is not a JSON object");
		return -1;
	}
	json_adopt(a, record);
	record_scrub(a, record);

	/* The recipient: the event's user, else the user row. */
	user = NULL;
	json_object_object_get_ex(record, "user", &user);
	m->to = obj_string(user, "email");
	if (m->to == NULL)
		m->to = row->user_email;
	if (m->to == NULL) {
		seterr(err, errlen, "no recipient address");
		return -1;
	}
	if (!addr_ok(m->to)) {
		seterr(err, errlen, "recipient address cannot be mailed "
		    "safely");
		return -1;
	}

	/* The language, falling back to English when no template. */
	lang_wanted(row->language, row->user_data, lang, sizeof(lang));
	html_path = template_path(a, ev->tmpl, lang, "html");
	if (!file_exists(html_path) && strcmp(lang, "en") != 0) {
		snprintf(lang, sizeof(lang), "en");
		html_path = template_path(a, ev->tmpl, lang, "html");
	}
	if (!file_exists(html_path)) {
		seterr(err, errlen, "template %s.%s.html.mustache not found",
		    ev->tmpl, lang);
		return -1;
	}
	m->lang = arena_strdup(a, lang);
	text_path = template_path(a, ev->tmpl, lang, "txt");

	if ((m->subject = subject_find(ev->subject, lang)) == NULL) {
		seterr(err, errlen, "no subject for \"%s\" in subjects.yml",
		    ev->subject);
		return -1;
	}
	m->subject = arena_strdup(a, m->subject);

	link = NULL;
	if (ev->link != LINK_NONE) {
		if ((token = obj_string(record, "token")) == NULL ||
		    *token == '\0') {
			seterr(err, errlen, "payload has no token");
			return -1;
		}
		link = mail_link(a, ev->link, obj_string(record, "domain") !=
		    NULL ? obj_string(record, "domain") : cfg.domain, token,
		    lang);
		if (link == NULL) {
			seterr(err, errlen, "link too long");
			return -1;
		}
	}

	ctx = mail_context(a, record, m->subject, link);
	if ((m->html = render_file(a, html_path, arena_printf(a,
	    "%s.%s.html", ev->tmpl, lang), ctx, err, errlen)) == NULL)
		return -1;
	if (file_exists(text_path) && (m->text = render_file(a, text_path,
	    arena_printf(a, "%s.%s.txt", ev->tmpl, lang), ctx, err,
	    errlen)) == NULL)
		return -1;
	return 0;
}

/* --------------------------------------------------------- compose */

static void
base64_add(struct buf *b, const unsigned char *s, size_t n)
{
	static const char	 tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long		 v;

	for (; n >= 3; s += 3, n -= 3) {
		v = (unsigned long)s[0] << 16 | (unsigned long)s[1] << 8 | s[2];
		buf_putc(b, tab[v >> 18 & 63]);
		buf_putc(b, tab[v >> 12 & 63]);
		buf_putc(b, tab[v >> 6 & 63]);
		buf_putc(b, tab[v & 63]);
	}
	if (n > 0) {
		v = (unsigned long)s[0] << 16 |
		    (n > 1 ? (unsigned long)s[1] << 8 : 0);
		buf_putc(b, tab[v >> 18 & 63]);
		buf_putc(b, tab[v >> 12 & 63]);
		buf_putc(b, n > 1 ? tab[v >> 6 & 63] : '=');
		buf_putc(b, '=');
	}
}

/* Header text: control characters (CR and LF first) become spaces. */
static const char *
header_clean(struct arena *a, const char *s)
{
	char	*c, *p;

	c = arena_strdup(a, s != NULL ? s : "");
	for (p = c; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return c;
}

/* 1 when s is printable ASCII that needs no encoded word. */
static int
header_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/*
 * s (cleaned, UTF-8) as RFC 2047 "B" encoded words, folded with CRLF SP so
 * that no line holding one is longer than 76 characters (col is where the
 * first word starts), never splitting a UTF-8 sequence between words.
 */
static void
header_encoded_words(struct buf *b, const char *s, size_t col)
{
	size_t	n = strlen(s), take, room;
	int	first = 1;

	while (n > 0 || first) {
		/* Room on this line, less "=?UTF-8?B?" and "?=". */
		if (first && col + 12 + 4 > 76) {
			buf_puts(b, "\r\n ");
			col = 1;
		}
		room = (76 - col - 12) / 4 * 3;
		take = n < room ? n : room;
		while (take < n && take > 0 &&
		    ((unsigned char)s[take] & 0xc0) == 0x80)
			take--;
		if (take == 0 && n > 0)
			take = n < room ? n : room;	/* not UTF-8 */
		if (!first)
			buf_puts(b, "\r\n ");
		buf_puts(b, "=?UTF-8?B?");
		base64_add(b, (const unsigned char *)s, take);
		buf_puts(b, "?=");
		s += take;
		n -= take;
		first = 0;
		col = 1;
	}
}

/* An unstructured header (Subject): plain when possible, else encoded. */
static void
header_text(struct buf *b, struct arena *a, const char *name,
    const char *value)
{
	const char	*v = header_clean(a, value);

	buf_printf(b, "%s: ", name);
	if (header_plain(v) && strstr(v, "=?") == NULL &&
	    strlen(name) + 2 + strlen(v) <= 998)
		buf_puts(b, v);
	else
		header_encoded_words(b, v, strlen(name) + 2);
	buf_puts(b, "\r\n");
}

/* From: "Name" <addr>, the name quoted or encoded. */
static void
header_from(struct buf *b, struct arena *a, const char *name,
    const char *addr)
{
	const char	*v = header_clean(a, name);

	buf_puts(b, "From: ");
	if (*v != '\0' && header_plain(v) && strstr(v, "=?") == NULL) {
		buf_putc(b, '"');
		for (; *v != '\0'; v++) {
			if (*v == '"' || *v == '\\')
				buf_putc(b, '\\');
			buf_putc(b, *v);
		}
		buf_puts(b, "\" ");
	} else if (*v != '\0') {
		header_encoded_words(b, v, 6);
		buf_putc(b, ' ');
	}
	buf_printf(b, "<%s>\r\n", addr);
}

/* RFC 5322 date in UTC, English names whatever the locale. */
static void
header_date(struct buf *b, long long when)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	time_t		 t = (time_t)when;

	if (gmtime_r(&t, &tm) == NULL) {
		t = 0;
		gmtime_r(&t, &tm);
	}
	buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Only [A-Za-z0-9._-] of s, others as '_' (X-Barong-Event, ids). */
static const char *
token_clean(struct arena *a, const char *s)
{
	char	*c, *p;

	c = arena_strdup(a, s != NULL && *s != '\0' ? s : "unknown");
	for (p = c; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'))
			*p = '_';
	return c;
}

/*
 * Quoted-printable (RFC 2045 §6.7) with CRLF line breaks: a "\n" or
 * "\r\n" of the input is a line break; a lone CR, '=', controls and bytes
 * above 0x7e are encoded, as is white space ending a line.  Lines are
 * soft-broken before 76 characters.  A '.' or "From " starting a line is
 * encoded too, so no transport can mistake it for an end of data or an
 * mbox separator.  Encoded text never contains "=_", so a boundary
 * starting with "=_" cannot occur in it.
 */
static void
qp_encode(struct buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i, end, col;
	unsigned char		 c;
	char			 tok[4];
	size_t			 tlen;
	int			 enc;

	i = 0;
	while (i < n) {
		/* One input line: [i, end), then the break. */
		for (end = i; end < n && s[end] != '\n'; end++)
			continue;
		col = 0;
		for (; i < end; i++) {
			c = (unsigned char)s[i];
			if (c == '\r' && i + 1 == end && end < n)
				continue;	/* the CR of CRLF */
			for (;;) {
				enc = !(c >= 33 && c <= 126) || c == '=';
				if (c == ' ' || c == '\t')
					enc = i + 1 == end ||
					    (i + 2 == end && s[i + 1] == '\r' &&
					    end < n);
				if (col == 0 && c == '.')
					enc = 1;
				if (col == 0 && c == 'F' && end - i >= 5 &&
				    memcmp(s + i, "From ", 5) == 0)
					enc = 1;
				if (enc) {
					tok[0] = '=';
					tok[1] = hex[c >> 4];
					tok[2] = hex[c & 15];
					tlen = 3;
				} else {
					tok[0] = (char)c;
					tlen = 1;
				}
				/* Room for the token and a soft break '='. */
				if (col + tlen <= MAIL_QP_LINE - 1 ||
				    (i + 1 == end && col + tlen <=
				    MAIL_QP_LINE))
					break;
				buf_puts(b, "=\r\n");
				col = 0;
			}
			buf_add(b, tok, tlen);
			col += tlen;
		}
		if (end < n) {
			buf_puts(b, "\r\n");
			i = end + 1;
		}
	}
}

/*
 * The whole message, CRLF line breaks.  The same row and configuration
 * always give the same bytes.  NULL with err set when too large.
 */
static const char *
mail_compose(struct arena *a, const struct mail_row *row,
    const struct mail_msg *m, size_t *lenp, char *err, size_t errlen)
{
	struct buf	 b;
	const char	*host, *boundary, *s;

	buf_init(&b, a, MAIL_MAX_MESSAGE);
	host = cfg.sender_email != NULL ? strchr(cfg.sender_email, '@') : NULL;
	host = host != NULL ? host + 1 : "localhost";
	header_date(&b, row->created);
	header_from(&b, a, cfg.sender_name, cfg.sender_email);
	buf_printf(&b, "To: %s\r\n", m->to);
	header_text(&b, a, "Subject", m->subject);
	buf_printf(&b, "Message-ID: <barong.outbox.%lld.%s@%s>\r\n", row->id,
	    token_clean(a, row->created_stamp), token_clean(a, host));
	buf_printf(&b, "X-Barong-Event: %s\r\n", token_clean(a, row->event));
	buf_puts(&b, "Auto-Submitted: auto-generated\r\n");
	buf_puts(&b, "MIME-Version: 1.0\r\n");
	if (m->text == NULL) {
		buf_puts(&b, "Content-Type: text/html; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		qp_encode(&b, m->html, strlen(m->html));
		buf_puts(&b, "\r\n");
	} else {
		boundary = arena_printf(a, "=_barong_%lld_%s", row->id,
		    token_clean(a, row->created_stamp));
		buf_printf(&b, "Content-Type: multipart/alternative;\r\n"
		    " boundary=\"%s\"\r\n\r\n", boundary);
		buf_puts(&b, "This is a multi-part message in MIME "
		    "format.\r\n");
		buf_printf(&b, "\r\n--%s\r\n", boundary);
		buf_puts(&b, "Content-Type: text/plain; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		qp_encode(&b, m->text, strlen(m->text));
		buf_printf(&b, "\r\n--%s\r\n", boundary);
		buf_puts(&b, "Content-Type: text/html; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		qp_encode(&b, m->html, strlen(m->html));
		buf_printf(&b, "\r\n--%s--\r\n", boundary);
	}
	if ((s = buf_cstr(&b)) == NULL) {
		seterr(err, errlen, "message too large");
		return NULL;
	}
	*lenp = b.len;
	return s;
}

/* -------------------------------------------------------- deliver */

/*
 * file:DIR: DIR/<id>.eml, written to a temporary file, flushed, and
 * renamed over any earlier copy, so a reader sees one complete file per
 * row however often it is delivered.  The directory is flushed too, so a
 * row is marked sent only once its file is on disk.
 */
static int
deliver_file(struct arena *a, long long id, const char *msg, size_t len,
    char *err, size_t errlen)
{
	char	*tmp, *path;
	int	 fd, dfd, saved;

	tmp = arena_printf(a, "%s/.%lld.eml.XXXXXX", dl.path, id);
	path = arena_printf(a, "%s/%lld.eml", dl.path, id);
	if ((fd = mkstemp(tmp)) == -1) {
		seterr(err, errlen, "file: could not create a file in %s: %s",
		    dl.path, strerror(errno));
		return -1;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 || fchmod(fd, 0640) == -1 ||
	    fs_write_all(fd, msg, len) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		seterr(err, errlen, "file: could not write %s: %s", tmp,
		    strerror(saved));
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		seterr(err, errlen, "file: could not rename to %s: %s", path,
		    strerror(saved));
		return -1;
	}
	if ((dfd = open(dl.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		if (fsync(dfd) == -1)
			log_warn("could not flush directory %s: %s", dl.path,
			    strerror(errno));
		close(dfd);
	}
	return 0;
}

/*
 * The message in an unlinked temporary file (mode 0600, under $TMPDIR or
 * /tmp), positioned at its start.  Returns the descriptor or -1.
 */
static int
spool_message(struct arena *a, const char *p, size_t n, char *err,
    size_t errlen)
{
	const char	*dir = getenv("TMPDIR");
	char		*path;
	int		 fd, saved;

	if (dir == NULL || *dir != '/')
		dir = "/tmp";
	path = arena_printf(a, "%s/barong-mail.XXXXXX", dir);
	if ((fd = mkstemp(path)) == -1) {
		seterr(err, errlen, "sendmail: could not create a temporary "
		    "file in %s: %s", dir, strerror(errno));
		return -1;
	}
	unlink(path);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 || fs_write_all(fd, p, n) ==
	    -1 || lseek(fd, 0, SEEK_SET) == -1) {
		saved = errno;
		close(fd);
		seterr(err, errlen, "sendmail: could not spool the message: %s",
		    strerror(saved));
		return -1;
	}
	return fd;
}

/*
 * sendmail: PATH -i -t with the message on stdin, LF line breaks (the
 * local convention).  The message is spooled to a file first, so sendmail
 * always reads it whole: were we killed while it runs, it would still see
 * the complete message, never a truncated one ending at our death.  No
 * shell; the environment is inherited; the child's stdout goes to our
 * stderr.  Exit status 0 is success; a child still running after
 * MAIL_SENDMAIL_TIMEOUT seconds is killed.
 */
static int
deliver_sendmail(struct arena *a, const char *msg, size_t len, char *err,
    size_t errlen)
{
	char		*lf, *argv[4];
	size_t		 i, n;
	pid_t		 pid, r;
	time_t		 deadline;
	int		 fd, status, saved, ms;

	lf = arena_alloc(a, len + 1);
	for (i = n = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			lf[n++] = msg[i];
	if ((fd = spool_message(a, lf, n, err, errlen)) == -1)
		return -1;
	argv[0] = dl.path;
	argv[1] = (char *)"-i";
	argv[2] = (char *)"-t";
	argv[3] = NULL;
	if ((pid = fork()) == -1) {
		saved = errno;
		close(fd);
		seterr(err, errlen, "sendmail: fork: %s", strerror(saved));
		return -1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		if (fd == STDIN_FILENO)
			fcntl(fd, F_SETFD, 0);
		else if (dup2(fd, STDIN_FILENO) == -1)
			_exit(127);
		if (dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
			_exit(127);
		execv(dl.path, argv);
		_exit(127);
	}
	close(fd);
	deadline = time(NULL) + MAIL_SENDMAIL_TIMEOUT;
	for (ms = 1;; ms = ms < 50 ? ms * 2 : 50) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r == -1 && errno != EINTR) {
			seterr(err, errlen, "sendmail: waitpid: %s",
			    strerror(errno));
			return -1;
		}
		if (time(NULL) >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) == -1 &&
			    errno == EINTR)
				continue;
			seterr(err, errlen, "sendmail: timed out after %d s",
			    MAIL_SENDMAIL_TIMEOUT);
			return -1;
		}
		poll(NULL, 0, ms);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		seterr(err, errlen, "sendmail: could not run %s", dl.path);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		seterr(err, errlen, "sendmail: %s exited with status %d",
		    dl.path, WEXITSTATUS(status));
		return -1;
	}
	if (WIFSIGNALED(status)) {
		seterr(err, errlen, "sendmail: %s killed by signal %d",
		    dl.path, WTERMSIG(status));
		return -1;
	}
	return 0;
}

struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
smtp_read(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload	*u = arg;
	size_t		 n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* smtp:// or smtps:// through libcurl; the envelope is sender -> to. */
static int
deliver_smtp(struct arena *a, const char *to, const char *msg, size_t len,
    char *err, size_t errlen)
{
	CURL			*c;
	CURLcode		 rc;
	struct curl_slist	*rcpt;
	struct upload		 up = { msg, len };
	char			 cerr[CURL_ERROR_SIZE];
	long			 code = 0;

	if ((c = curl_easy_init()) == NULL) {
		seterr(err, errlen, "smtp: could not initialise libcurl");
		return -1;
	}
	rcpt = curl_slist_append(NULL, arena_printf(a, "<%s>", to));
	cerr[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, dl.url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, arena_printf(a, "<%s>",
	    cfg.sender_email));
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, smtp_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_USE_SSL, dl.use_ssl);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, MAIL_SMTP_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, MAIL_SMTP_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	if (cfg.smtp_user != NULL && *cfg.smtp_user != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg.smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		    cfg.smtp_password != NULL ? cfg.smtp_password : "");
	}
	rc = rcpt == NULL ? CURLE_OUT_OF_MEMORY : curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		seterr(err, errlen, "smtp: %s (response %ld)",
		    cerr[0] != '\0' ? cerr : curl_easy_strerror(rc), code);
		return -1;
	}
	return 0;
}

static int
deliver(struct arena *a, const struct mail_row *row, const char *to,
    const char *msg, size_t len, char *err, size_t errlen)
{
	switch (dl.kind) {
	case DELIVER_FILE:
		return deliver_file(a, row->id, msg, len, err, errlen);
	case DELIVER_SENDMAIL:
		return deliver_sendmail(a, msg, len, err, errlen);
	case DELIVER_SMTP:
		return deliver_smtp(a, to, msg, len, err, errlen);
	default:
		seterr(err, errlen, "mailer not started");
		return -1;
	}
}

/* -------------------------------------------------------- start-up */

/* smtp[s]://host[:port][/] into dl.url; -1 with err set. */
static int
parse_smtp(const char *spec, char *err, size_t errlen)
{
	const char	*scheme, *h, *he, *p, *e;
	char		 host[256];
	long		 port;
	size_t		 hn;
	int		 tls, n, local;

	if (strncmp(spec, "smtps://", 8) == 0) {
		scheme = "smtps";
		h = spec + 8;
		tls = 1;
		port = 465;
	} else {
		scheme = "smtp";
		h = spec + 7;
		tls = 0;
		port = 25;
	}
	if (*h == '[') {
		if ((he = strchr(h, ']')) == NULL)
			goto bad;
		for (p = h + 1; p < he; p++)
			if (strchr("0123456789abcdefABCDEF:.", *p) == NULL)
				goto bad;
		he++;
	} else {
		for (he = h; (*he >= 'a' && *he <= 'z') ||
		    (*he >= 'A' && *he <= 'Z') || (*he >= '0' && *he <= '9') ||
		    *he == '.' || *he == '-'; he++)
			continue;
	}
	hn = (size_t)(he - h);
	if (hn == 0 || hn >= sizeof(host))
		goto bad;
	memcpy(host, h, hn);
	host[hn] = '\0';
	e = he;
	if (*e == ':') {
		port = 0;
		for (e++; *e >= '0' && *e <= '9' && port <= 65535; e++)
			port = port * 10 + (*e - '0');
		if (port < 1 || port > 65535 || e[-1] == ':')
			goto bad;
	}
	if (*e == '/')
		e++;
	if (*e != '\0')
		goto bad;
	local = strcmp(host, "localhost") == 0 ||
	    strcmp(host, "127.0.0.1") == 0 || strcmp(host, "[::1]") == 0;
	dl.use_ssl = tls || !local ? (long)CURLUSESSL_ALL :
	    (long)CURLUSESSL_TRY;
	n = snprintf(dl.url, sizeof(dl.url), "%s://%s:%ld", scheme, host,
	    port);
	if (n < 0 || (size_t)n >= sizeof(dl.url))
		goto bad;
	dl.kind = DELIVER_SMTP;
	return 0;
bad:
	seterr(err, errlen, "mail_delivery: bad SMTP URL \"%s\" (want "
	    "smtp://host[:port] or smtps://host[:port])", spec);
	return -1;
}

static int
parse_delivery(const char *spec, char *err, size_t errlen)
{
	struct stat	 st;
	const char	*p;
	int		 n, curl_ready = dl.curl_ready;

	memset(&dl, 0, sizeof(dl));
	dl.curl_ready = curl_ready;
	if (spec == NULL || *spec == '\0') {
		seterr(err, errlen, "mail_delivery is empty");
		return -1;
	}
	if (strncmp(spec, "file:", 5) == 0) {
		p = spec + 5;
		n = snprintf(dl.path, sizeof(dl.path), "%s", p);
		if (*p == '\0' || n < 0 || (size_t)n >= sizeof(dl.path)) {
			seterr(err, errlen, "mail_delivery: file: needs a "
			    "directory");
			return -1;
		}
		if (stat(dl.path, &st) == -1 || !S_ISDIR(st.st_mode)) {
			seterr(err, errlen, "mail_delivery: %s is not a "
			    "directory", dl.path);
			return -1;
		}
		dl.kind = DELIVER_FILE;
		return 0;
	}
	if (strcmp(spec, "sendmail") == 0 ||
	    strncmp(spec, "sendmail:", 9) == 0) {
		p = spec[8] == ':' ? spec + 9 : MAIL_DEFAULT_SENDMAIL;
		n = snprintf(dl.path, sizeof(dl.path), "%s", p);
		if (*p != '/' || n < 0 || (size_t)n >= sizeof(dl.path)) {
			seterr(err, errlen, "mail_delivery: sendmail: needs "
			    "an absolute path");
			return -1;
		}
		if (access(dl.path, X_OK) == -1) {
			seterr(err, errlen, "mail_delivery: cannot execute "
			    "%s: %s", dl.path, strerror(errno));
			return -1;
		}
		dl.kind = DELIVER_SENDMAIL;
		return 0;
	}
	if (strncmp(spec, "smtp://", 7) == 0 ||
	    strncmp(spec, "smtps://", 8) == 0)
		return parse_smtp(spec, err, errlen);
	seterr(err, errlen, "mail_delivery: unknown method \"%.64s\" (want "
	    "file:DIR, sendmail[:PATH], smtp://HOST[:PORT] or "
	    "smtps://HOST[:PORT])", spec);
	return -1;
}

int
mailer_start(char *err, size_t errlen)
{
	if (parse_delivery(cfg.mail_delivery, err, errlen) == -1)
		return -1;
	if (!addr_ok(cfg.sender_email)) {
		dl.kind = DELIVER_NONE;
		seterr(err, errlen, "sender_email: not a plain address");
		return -1;
	}
	if (cfg.templates_dir == NULL || *cfg.templates_dir == '\0') {
		dl.kind = DELIVER_NONE;
		seterr(err, errlen, "templates_dir is empty");
		return -1;
	}
	if (subjects_load(err, errlen) == -1) {
		dl.kind = DELIVER_NONE;
		return -1;
	}
	json_object_put(subjects);
	subjects = NULL;
	if (dl.kind == DELIVER_SMTP && !dl.curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			dl.kind = DELIVER_NONE;
			seterr(err, errlen, "could not initialise libcurl");
			return -1;
		}
		dl.curl_ready = 1;
	}
	/* A peer that goes away must not kill us (libcurl). */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* ------------------------------------------------------------- run */

static long
backoff_seconds(int attempts)
{
	long	s = MAIL_BACKOFF_FIRST;

	while (attempts-- > 0 && s < MAIL_BACKOFF_MAX)
		s *= 2;
	return s < MAIL_BACKOFF_MAX ? s : MAIL_BACKOFF_MAX;
}

/* last_error text: bounded, one line. */
static const char *
error_text(struct arena *a, const char *e)
{
	char	*c;

	c = arena_strndup(a, e, MAIL_ERROR_MAX);
	return header_clean(a, c);
}

static int
claim(struct arena *a, struct mail_row *row)
{
	PGresult	*res;

	if ((res = db_exec(a, &st_claim, NULL)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		return 0;
	memset(row, 0, sizeof(*row));
	row->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	row->event = PQgetvalue(res, 0, 1);
	row->payload = PQgetvalue(res, 0, 2);
	row->language = PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3);
	row->attempts = (int)strtol(PQgetvalue(res, 0, 4), NULL, 10);
	row->created = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
	row->created_stamp = PQgetvalue(res, 0, 6);
	row->user_data = PQgetisnull(res, 0, 7) ? NULL :
	    PQgetvalue(res, 0, 7);
	row->user_email = PQgetisnull(res, 0, 8) ? NULL :
	    PQgetvalue(res, 0, 8);
	return 1;
}

/*
 * One row in one transaction.  Returns 1 when a row was handled (*outcome
 * 1 sent, 0 failed), 0 when none was due, -1 on a database error.
 */
static int
run_one(struct arena *a, int *outcome)
{
	struct mail_row	 row;
	struct mail_msg	 m;
	const char	*msg, *p[3];
	size_t		 len;
	char		 err[512];
	int		 rc, final;

	if (db_begin() == -1)
		return -1;
	if ((rc = claim(a, &row)) != 1) {
		db_rollback();
		return rc;
	}
	/* Read once per run, when there is something to send. */
	if (subjects == NULL && subjects_load(err, sizeof(err)) == -1) {
		db_rollback();
		log_err("mailer: %s", err);
		return -1;
	}
	p[0] = arena_printf(a, "%lld", row.id);
	err[0] = '\0';
	final = 1;
	if (mail_render(a, &row, &m, err, sizeof(err)) == 0 &&
	    (msg = mail_compose(a, &row, &m, &len, err, sizeof(err))) !=
	    NULL) {
		final = 0;
		if (deliver(a, &row, m.to, msg, len, err, sizeof(err)) == 0) {
			if (db_exec(a, &st_sent, p) == NULL ||
			    db_commit() == -1)
				goto dberr;
			log_info("mail %lld (%s, %s) sent", row.id, row.event,
			    m.lang);
			*outcome = 1;
			return 1;
		}
	}
	/* Failed: at once when it cannot render, else after the last try. */
	p[1] = error_text(a, err);
	if (final || row.attempts + 1 >= cfg.mail_max_attempts) {
		if (db_exec(a, &st_failed, p) == NULL || db_commit() == -1)
			goto dberr;
		log_warn("mail %lld (%s) failed after %d attempt%s: %s",
		    row.id, row.event, row.attempts + 1,
		    row.attempts == 0 ? "" : "s", p[1]);
	} else {
		p[2] = arena_printf(a, "%ld", backoff_seconds(row.attempts));
		if (db_exec(a, &st_retry, p) == NULL || db_commit() == -1)
			goto dberr;
		log_warn("mail %lld (%s) attempt %d failed, retry in %s s: %s",
		    row.id, row.event, row.attempts + 1, p[2], p[1]);
	}
	*outcome = 0;
	return 1;
dberr:
	db_rollback();
	log_err("mail %lld: could not record the outcome; it stays pending",
	    row.id);
	return -1;
}

int
mailer_run_once(int batch, int *sent, int *failed)
{
	struct arena	*a;
	int		 n, rc, outcome;

	if (dl.kind == DELIVER_NONE) {
		log_err("mailer: not started");
		return -1;
	}
	if (batch < 1)
		batch = MAILER_DEFAULT_BATCH;
	json_object_put(subjects);
	subjects = NULL;
	a = arena_new(MAIL_ARENA_CHUNK);
	for (n = 0; n < batch && !mailer_stopping; n++) {
		outcome = 0;
		rc = run_one(a, &outcome);
		arena_reset(a);
		if (rc == -1) {
			n = -1;
			break;
		}
		if (rc == 0)
			break;
		if (outcome && sent != NULL)
			(*sent)++;
		if (!outcome && failed != NULL)
			(*failed)++;
	}
	arena_free(a);
	json_object_put(subjects);
	subjects = NULL;
	return n;
}

/* ---------------------------------------------------------- daemon */

static void
on_signal(int sig)
{
	(void)sig;
	mailer_stopping = 1;
}

static void
on_notify(const char *channel, const char *payload, void *arg)
{
	(void)channel;
	(void)payload;
	(void)arg;
}

int
mailer_daemon(int batch)
{
	struct sigaction	 sa, old_term, old_int;
	struct pollfd		 pfd;
	int			 n, fd, listening = 0, wait_ms, sent, failed;

	if (batch < 1)
		batch = MAILER_DEFAULT_BATCH;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: poll() must return */
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGINT, &sa, &old_int);
	mailer_stopping = 0;
	log_info("mailer: started");
	while (!mailer_stopping) {
		if (!listening && db_listen(MAIL_CHANNEL) == 0)
			listening = 1;
		sent = failed = 0;
		do {
			n = mailer_run_once(batch, &sent, &failed);
		} while (n == batch && !mailer_stopping);
		if (sent + failed > 0)
			log_info("mailer: sent %d, failed %d", sent, failed);
		if (mailer_stopping)
			break;
		wait_ms = n == -1 ? 5000 : 1000;
		/* Notifications that came during the run: go again. */
		if (n != -1 && listening &&
		    db_notifications(on_notify, NULL) > 0)
			continue;
		if (!listening || (fd = db_socket()) == -1) {
			poll(NULL, 0, wait_ms);
			continue;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, wait_ms) > 0)
			db_notifications(on_notify, NULL);
	}
	log_info("mailer: stopped");
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGINT, &old_int, NULL);
	mailer_stopping = 0;
	return 0;
}

/* ---------------------------------------------------------- status */

int
mailer_status(struct mailer_status *st)
{
	struct arena	*a;
	PGresult	*res;

	a = arena_new(4096);
	if ((res = db_exec(a, &st_status, NULL)) == NULL ||
	    PQntuples(res) != 1) {
		arena_free(a);
		return -1;
	}
	st->pending = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	st->due = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	st->sent = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	st->failed = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	st->oldest_pending = strtoll(PQgetvalue(res, 0, 4), NULL, 10);
	arena_free(a);
	return 0;
}
