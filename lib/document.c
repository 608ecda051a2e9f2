/*
 * KYC documents: see document.h.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "arena.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "document.h"
#include "err.h"
#include "fsutil.h"
#include "http.h"
#include "json.h"
#include "labels.h"
#include "log.h"
#include "mask.h"
#include "parse.h"
#include "barongyml.h"

#define EXT_MAX		16	/* extension characters we store */
#define NAME_HEX	32	/* random hex digits of a stored name */
#define SERVE_MAX	(256L * 1024 * 1024)	/* refuse to load more */
#define DOC_NUMBER_MAX	128	/* characters (Barong's length rule) */

static const struct db_stmt st_count = { "documents_count",
	"SELECT count(*) FROM documents WHERE user_id = $1::bigint", 1 };
static const struct db_stmt st_batch = { "documents_batch_count",
	"SELECT count(*) FROM documents WHERE user_id = $1::bigint"
	" AND identificator = $2", 2 };
static const struct db_stmt st_insert = { "documents_insert",
	"INSERT INTO documents (user_id, upload, doc_type, doc_expire,"
	" doc_number_encrypted, doc_number_index, doc_category,"
	" identificator, metadata)"
	" VALUES ($1::bigint, $2, $3, $4::date, $5, $6::bigint, $7, $8, $9)"
	" RETURNING id", 9 };
static const struct db_stmt st_of_user = { "documents_of_user",
	"SELECT id, upload, doc_type, to_char(doc_expire, 'YYYY-MM-DD'),"
	" doc_number_encrypted, metadata,"
	" to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	" to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	" FROM documents WHERE user_id = $1::bigint ORDER BY id", 1 };
static const struct db_stmt st_file = { "documents_file",
	"SELECT upload FROM documents WHERE id = $1::bigint"
	" AND ($2::bigint = 0 OR user_id = $2::bigint)", 2 };

/*
 * Magic bytes of the types we can tell apart: a file whose extension is
 * listed here must start with its bytes (CarrierWave only looked at the
 * name).  Whitelisted extensions not listed are stored unchecked.
 */
static const struct magic {
	const char	*ext;
	const char	*type;
	const char	*bytes;
	size_t		 len;
} magics[] = {
	{ "jpg",  "image/jpeg",      "\xff\xd8\xff", 3 },
	{ "jpeg", "image/jpeg",      "\xff\xd8\xff", 3 },
	{ "png",  "image/png",       "\x89PNG\r\n\x1a\n", 8 },
	{ "pdf",  "application/pdf", "%PDF-", 5 },
	{ "gif",  "image/gif",       "GIF8", 4 },
};
#define NMAGICS	(sizeof(magics) / sizeof(magics[0]))

/* ------------------------------------------------------------ checks */

/* The lower-cased extension of a client filename into ext; -1 if none. */
static int
file_ext(const char *filename, char ext[EXT_MAX + 1])
{
	const char	*dot;
	size_t		 i, n;

	if (filename == NULL || (dot = strrchr(filename, '.')) == NULL)
		return -1;
	n = strlen(dot + 1);
	if (n == 0 || n > EXT_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)dot[1 + i]))
			return -1;
		ext[i] = (char)tolower((unsigned char)dot[1 + i]);
	}
	ext[n] = '\0';
	return 0;
}

/* Is ext in upload_extension_whitelist (comma-separated, any case)? */
static int
ext_allowed(const char *ext)
{
	const char	*p = cfg.upload_extension_whitelist, *e;
	size_t		 n = strlen(ext);

	while (*p != '\0') {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		for (e = p; *e != '\0' && *e != ',' &&
		    !isspace((unsigned char)*e); e++)
			;
		if ((size_t)(e - p) == n && strncasecmp(p, ext, n) == 0)
			return 1;
		p = e;
	}
	return 0;
}

static const struct magic *
magic_by_ext(const char *ext)
{
	size_t	i;

	for (i = 0; i < NMAGICS; i++)
		if (strcmp(magics[i].ext, ext) == 0)
			return &magics[i];
	return NULL;
}

static const char *
sniff_type(const char *data, size_t len)
{
	size_t	i;

	for (i = 0; i < NMAGICS; i++)
		if (len >= magics[i].len &&
		    memcmp(data, magics[i].bytes, magics[i].len) == 0)
			return magics[i].type;
	return "application/octet-stream";
}

/* CarrierWave's integrity: extension, size range; and our sniffing. */
static int
integrity_ok(const struct upload *u)
{
	const struct magic	*m;
	char			 ext[EXT_MAX + 1];

	if (file_ext(u->filename, ext) == -1 || !ext_allowed(ext))
		return 0;
	if (u->len < (size_t)cfg.upload_size_min_range ||
	    u->len > (size_t)cfg.upload_size_max_range * 1024 * 1024)
		return 0;
	if ((m = magic_by_ext(ext)) != NULL &&
	    (u->len < m->len || memcmp(u->data, m->bytes, m->len) != 0))
		return 0;
	return 1;
}

/* Ruby's \A[A-Za-z0-9\-\s]+\z. */
static int
doc_number_format_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' &&
		    strchr(" \t\r\n\f\v", *s) == NULL)
			return 0;
	return 1;
}

static size_t
utf8_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int
is_blank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static void
today(char out[11])
{
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void
document_validate(struct arena *a, const struct doc_new *d,
    struct model_err *m)
{
	json_object	*j;
	char		 day[11];

	(void)a;
	if (d->file != NULL && !integrity_ok(d->file))
		model_err_add(m, "upload.carrierwave_integrity_error");
	if (is_blank(d->doc_type))
		model_err_add(m, "doc_type.blank");
	if (d->file == NULL || !integrity_ok(d->file))
		model_err_add(m, "upload.blank");
	if (d->doc_type == NULL ||
	    !strlist_has(&byml.document_types, d->doc_type))
		model_err_add(m, "doc_type.inclusion");
	if (cfg.required_docs_expire && is_blank(d->doc_expire))
		model_err_add(m, "doc_expire.blank");
	if (d->metadata != NULL) {
		if ((j = parse_json_body(d->metadata,
		    strlen(d->metadata))) == NULL)
			model_err_add(m, "metadata.invalid_format");
		json_object_put(j);
	}
	if (!is_blank(d->doc_number)) {
		if (utf8_chars(d->doc_number) > DOC_NUMBER_MAX)
			model_err_add(m, "doc_number.too_long");
		if (!doc_number_format_ok(d->doc_number))
			model_err_add(m, "doc_number.invalid");
	}
	today(day);
	if (cfg.required_docs_expire && !is_blank(d->doc_expire) &&
	    strcmp(d->doc_expire, day) < 0)
		model_err_add(m, "doc_expire.invalid");
}

/* ------------------------------------------------------------ files */

static const char *
stored_path(struct arena *a, const char *name)
{
	return arena_printf(a, "%s/%s", cfg.upload_dir, name);
}

/* 32 lower-case hex, '.', 1 to EXT_MAX of [a-z0-9]: ours, no path. */
static int
stored_name_ok(const char *s)
{
	size_t	i, n;

	for (i = 0; i < NAME_HEX; i++)
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return 0;
	if (s[i++] != '.')
		return 0;
	n = strlen(s + i);
	if (n == 0 || n > EXT_MAX)
		return 0;
	for (; s[i] != '\0'; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
document_store_file(struct arena *a, const struct upload *u,
    const char **name)
{
	char		 hex[2 * (NAME_HEX / 2) + 1], ext[EXT_MAX + 1];
	const char	*path;
	int		 fd;

	if (file_ext(u->filename, ext) == -1 ||
	    crypto_random_hex(hex, NAME_HEX / 2) == -1)
		return -1;
	if (mkdir(cfg.upload_dir, 0700) == -1 && errno != EEXIST) {
		log_err("could not create upload_dir %s: %s", cfg.upload_dir,
		    strerror(errno));
		return -1;
	}
	*name = arena_printf(a, "%s.%s", hex, ext);
	path = stored_path(a, *name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		log_err("could not create %s: %s", path, strerror(errno));
		return -1;
	}
	if (fs_write_all(fd, u->data, u->len) == -1 || fsync(fd) == -1) {
		log_err("could not write %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) == -1) {
		log_err("could not close %s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

void
document_unlink(const char *name)
{
	char	path[4096];
	int	n;

	n = snprintf(path, sizeof(path), "%s/%s", cfg.upload_dir, name);
	if (n < 0 || (size_t)n >= sizeof(path) || !stored_name_ok(name))
		return;
	if (unlink(path) == -1 && errno != ENOENT)
		log_err("could not remove %s: %s", path, strerror(errno));
}

void
document_sync_dir(void)
{
	int	fd;

	if ((fd = open(cfg.upload_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return;
	if (fsync(fd) == -1)
		log_warn("could not sync %s: %s", cfg.upload_dir,
		    strerror(errno));
	close(fd);
}

/* ------------------------------------------------------------ rows */

/* The keyed-hash index of a number; NULL: no keyring. */
static const char *
number_index(struct arena *a, const char *number)
{
	return crypto_keyed_index(a, "documents.doc_number", number,
	    strlen(number));
}

static const char *
number_aad(struct arena *a, long long user_id)
{
	return arena_printf(a, "documents.doc_number:%lld", user_id);
}

int
document_insert(struct arena *a, long long user_id, const struct doc_new *d,
    const char *stored, long long *id)
{
	PGresult	*res;
	const char	*p[9];

	memset(p, 0, sizeof(p));
	p[0] = arena_printf(a, "%lld", user_id);
	p[1] = stored;
	p[2] = d->doc_type;
	p[3] = is_blank(d->doc_expire) ? NULL : d->doc_expire;
	if (!is_blank(d->doc_number)) {
		p[4] = crypto_seal(a, d->doc_number, strlen(d->doc_number),
		    number_aad(a, user_id));
		p[5] = number_index(a, d->doc_number);
		if (p[4] == NULL || p[5] == NULL) {
			log_err("could not seal a document number: no keyring");
			return -1;
		}
	}
	p[6] = d->doc_category;
	p[7] = d->identificator;
	p[8] = d->metadata;
	if ((res = db_exec(a, &st_insert, p)) == NULL || PQntuples(res) != 1)
		return -1;
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	return 0;
}

long long
documents_count(struct arena *a, long long user_id)
{
	PGresult	*res;
	const char	*p[1];

	p[0] = arena_printf(a, "%lld", user_id);
	if ((res = db_exec(a, &st_count, p)) == NULL || PQntuples(res) != 1)
		return -1;
	return strtoll(PQgetvalue(res, 0, 0), NULL, 10);
}

int
document_kyc_step(struct arena *a, long long user_id, const char *doc_type,
    const char *identificator)
{
	PGresult	*res;
	const char	*p[2];
	long long	 want;

	if (strcmp(doc_type, "Address") == 0)
		return 0;
	if (strcmp(cfg.kyc_provider, "local") != 0) {
		if (strcmp(doc_type, "Passport") == 0)
			want = 2;
		else if (strcmp(doc_type, "Identity card") == 0 ||
		    strcmp(doc_type, "Driver license") == 0)
			want = 3;
		else
			return 0;
		p[0] = arena_printf(a, "%lld", user_id);
		p[1] = identificator;
		if ((res = db_exec(a, &st_batch, p)) == NULL)
			return -1;
		if (strtoll(PQgetvalue(res, 0, 0), NULL, 10) != want)
			return 0;
		/* XXX the batch is not sent to KYCAID (no worker yet). */
	}
	return labels_set_private(a, user_id, "document", "pending");
}

int
document_address_step(struct arena *a, long long user_id)
{
	/* XXX kycaid: the address is not sent to KYCAID (no worker yet). */
	return labels_set_private(a, user_id, "address", "pending");
}

/* ------------------------------------------------------------ entities */

static json_object *
number_json(struct arena *a, long long user_id, const char *sealed,
    int admin, int *fail)
{
	unsigned char	*plain;
	size_t		 len;
	const char	*s;

	if (sealed == NULL)
		return NULL;
	if (crypto_open(a, sealed, number_aad(a, user_id), &plain,
	    &len) == -1) {
		log_err("could not open a document number of user %lld",
		    user_id);
		*fail = 1;
		return NULL;
	}
	s = (const char *)plain;
	if (!admin && cfg.api_data_masking_enabled)
		s = mask_doc_number(a, s);
	return json_object_new_string(s);
}

static const char *
col(PGresult *res, int row, int c)
{
	return PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c);
}

json_object *
documents_json(struct arena *a, long long user_id, int admin)
{
	PGresult	*res;
	json_object	*arr, *o, *up;
	const char	*p[1];
	long long	 id;
	int		 i, fail = 0;

	p[0] = arena_printf(a, "%lld", user_id);
	if ((res = db_exec(a, &st_of_user, p)) == NULL)
		return NULL;
	arr = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++) {
		id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		o = json_object_new_object();
		up = json_object_new_object();
		json_object_object_add(up, "url", json_object_new_string(
		    arena_printf(a, admin ? DOCUMENT_URL_ADMIN :
		    DOCUMENT_URL_USER, id)));
		json_object_object_add(o, "upload", up);
		json_object_object_add(o, "doc_type",
		    json_new_string_or_null(col(res, i, 2)));
		json_object_object_add(o, "doc_number", number_json(a,
		    user_id, col(res, i, 4), admin, &fail));
		json_object_object_add(o, "doc_expire",
		    json_new_string_or_null(col(res, i, 3)));
		if (admin) {
			json_object_object_add(o, "metadata",
			    json_new_string_or_null(col(res, i, 5)));
			json_object_object_add(o, "created_at",
			    json_new_string_or_null(col(res, i, 6)));
			json_object_object_add(o, "updated_at",
			    json_new_string_or_null(col(res, i, 7)));
		}
		json_object_array_add(arr, o);
	}
	if (fail) {
		json_object_put(arr);
		return NULL;
	}
	return arr;
}

/* ------------------------------------------------------------ download */

static int
not_found(struct req *r, const char *why, const char *id)
{
	return err_set(r, 404, "record.not_found", "document %s: %s", id,
	    why);
}

/* The stored file into the arena; 0, 1 when missing, -1 on failure. */
static int
read_stored(struct arena *a, const char *name, char **data, size_t *len)
{
	const char	*path = stored_path(a, name);
	struct stat	 st;
	ssize_t		 k;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 1;
		log_err("could not open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > SERVE_MAX) {
		log_err("%s: not a regular file of a sane size", path);
		close(fd);
		return -1;
	}
	*data = arena_alloc(a, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		k = read(fd, *data + got, (size_t)st.st_size - got);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		log_err("could not read %s", path);
		return -1;
	}
	*len = got;
	return 0;
}

int
document_serve_file(struct req *r, const char *id, long long owner_id)
{
	PGresult	*res;
	const char	*p[2], *name, *dot;
	char		*data;
	size_t		 len, n;
	int		 rc;

	n = id != NULL ? strlen(id) : 0;
	if (n == 0 || n > 18 || strspn(id, "0123456789") != n)
		return not_found(r, "bad id", id != NULL ? id : "");
	p[0] = id;
	p[1] = arena_printf(r->a, "%lld", owner_id > 0 ? owner_id : 0);
	if ((res = db_exec(r->a, &st_file, p)) == NULL)
		return err_internal(r, "could not read document %s", id);
	if (PQntuples(res) == 0)
		return not_found(r, "no such document of this user", id);
	name = col(res, 0, 0);
	if (name == NULL || !stored_name_ok(name))
		return not_found(r, "stored name is not ours", id);
	if ((rc = read_stored(r->a, name, &data, &len)) == 1)
		return not_found(r, "file is missing", id);
	if (rc == -1)
		return err_internal(r, "could not read document %s", id);
	dot = strrchr(name, '.');
	http_add_header(r, "Content-Type", sniff_type(data, len));
	http_add_header(r, "Content-Disposition", arena_printf(r->a,
	    "attachment; filename=\"document-%s%s\"", id, dot));
	http_add_header(r, "X-Content-Type-Options", "nosniff");
	http_add_header(r, "Cache-Control", "private, no-store");
	return http_reply(r, 200, data, len);
}
