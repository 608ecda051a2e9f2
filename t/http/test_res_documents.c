/*
 * Documents and addresses (user-api.md §5.8-5.9) through the gateway:
 * multipart uploads, every error code in Barong's order, hostile uploads
 * (sizes, extensions, content that does not match, path names, broken
 * multipart bodies), where and how files land in upload_dir
 * ($BARONG_VAR/uploads), the owner's download and its refusal to others,
 * the sealed document number, and the KYC labels (kyc_provider local).
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "htest.h"

#define R		"/api/v2/barong/resource"
#define BND		"BarongTestBoundary42"
#define MPTYPE		"multipart/form-data; boundary=" BND
#define JSON		"application/json"
#define FUTURE		"2099-12-31"

static const char	 png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR-fake-png";
static const char	 jpg[] = "\xff\xd8\xff\xe0\0\x10JFIF-fake-jpeg";
static const char	 pdf[] = "%PDF-1.4\n%fake pdf\n";
static char		 updir[1024];

/* ------------------------------------------------------------ bodies */

struct mp {
	char	*buf;
	size_t	 len, cap;
};

static void
mp_put(struct mp *m, const void *p, size_t n)
{
	if (m->len + n + 1 > m->cap) {
		m->cap = (m->len + n + 1) * 2;
		if ((m->buf = realloc(m->buf, m->cap)) == NULL)
			abort();
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
	m->buf[m->len] = '\0';
}

static void
mp_str(struct mp *m, const char *s)
{
	mp_put(m, s, strlen(s));
}

static void
mp_field(struct mp *m, const char *name, const char *value)
{
	mp_str(m, "--" BND "\r\nContent-Disposition: form-data; name=\"");
	mp_str(m, name);
	mp_str(m, "\"\r\n\r\n");
	mp_str(m, value);
	mp_str(m, "\r\n");
}

static void
mp_file(struct mp *m, const char *name, const char *filename,
    const void *data, size_t len)
{
	mp_str(m, "--" BND "\r\nContent-Disposition: form-data; name=\"");
	mp_str(m, name);
	mp_str(m, "\"; filename=\"");
	mp_str(m, filename);
	mp_str(m, "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
	mp_put(m, data, len);
	mp_str(m, "\r\n");
}

static void
mp_end(struct mp *m)
{
	mp_str(m, "--" BND "--\r\n");
}

/* A document form: fields (NULL: left out) and files in upload[]. */
static void
doc_form(struct mp *m, const char *type, const char *number,
    const char *expire)
{
	memset(m, 0, sizeof(*m));
	if (type != NULL)
		mp_field(m, "doc_type", type);
	if (number != NULL)
		mp_field(m, "doc_number", number);
	if (expire != NULL)
		mp_field(m, "doc_expire", expire);
}

/* ------------------------------------------------------------ helpers */

static void
expect(const struct ht_user *u, const char *name, const char *method,
    const char *path, const char *ctype, const char *body, size_t len,
    long status, const char *want)
{
	struct ht_resp	r;

	if (len == (size_t)-1)
		len = strlen(body);
	if (ht_as(u, method, path, ctype, body, len, NULL, &r) == -1) {
		ht_check(0, name, "request failed");
		return;
	}
	ht_check(r.status == status && (want == NULL ||
	    strcmp(r.body, want) == 0), name, "got %ld %s", r.status, r.body);
	ht_resp_free(&r);
}

static void
expect_mp(const struct ht_user *u, const char *name, struct mp *m,
    long status, const char *want)
{
	mp_end(m);
	expect(u, name, "POST", R "/documents", MPTYPE, m->buf, m->len,
	    status, want);
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

static long
ndocs(const struct ht_user *u)
{
	char	id[32];

	snprintf(id, sizeof(id), "%lld", u->id);
	return strtol(ht_sql("SELECT count(*) FROM documents WHERE user_id ="
	    " $1::bigint", (const char *[]){ id }, 1), NULL, 10);
}

static int
nfiles(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir(updir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static const char *
sql_u(const char *sql, const struct ht_user *u)
{
	static char	id[32];

	snprintf(id, sizeof(id), "%lld", u->id);
	return ht_sql(sql, (const char *[]){ id }, 1);
}

/* ------------------------------------------------------------ tests */

static void
test_params(const struct ht_user *u)
{
	struct mp	m;

	expect(u, "list empty", "GET", R "/documents", NULL, NULL, 0, 200,
	    "[]");
	doc_form(&m, NULL, NULL, NULL);
	mp_field(&m, "other", "x");
	expect_mp(u, "all missing", &m, 422, "{\"errors\":["
	    "\"resource.document.missing_doc_type\","
	    "\"resource.document.empty_doc_type\","
	    "\"resource.document.missing_doc_number\","
	    "\"resource.document.empty_doc_number\","
	    "\"resource.document.missing_upload\"]}");
	doc_form(&m, " ", "", "not a date");
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	mp_field(&m, "doc_category", "front");
	expect_mp(u, "blank, bad date, bad category", &m, 422, "{\"errors\":["
	    "\"resource.document.empty_doc_type\","
	    "\"resource.document.empty_doc_number\","
	    "\"resource.documents.expire_not_a_date\","
	    "\"resource.documents.doc_category\"]}");
	doc_form(&m, "Passport", "AB1", NULL);
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	expect_mp(u, "no expiry", &m, 422,
	    "{\"errors\":[\"resource.documents.invalid_format\"]}");
	doc_form(&m, "Passport", "AB1", "");
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	expect_mp(u, "blank expiry", &m, 422,
	    "{\"errors\":[\"resource.documents.invalid_format\"]}");
	doc_form(&m, "Passport", "AB1", "2001-02-03");
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	expect_mp(u, "expired", &m, 422,
	    "{\"errors\":[\"resource.documents.already_expired\"]}");
	doc_form(&m, "Passport", "AB1", "Jan 22 2001");
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	expect_mp(u, "expired, Date.parse form", &m, 422,
	    "{\"errors\":[\"resource.documents.already_expired\"]}");
	ht_check(ndocs(u) == 0, "nothing saved by refusals", "%ld", ndocs(u));
}

static void
test_happy(const struct ht_user *u, const struct ht_user *other)
{
	struct mp	 m;
	struct ht_resp	 r;
	struct stat	 st;
	char		 path[2048], want[1024], url[256], *h;
	const char	*name, *id, *enc;
	FILE		*f;
	size_t		 n;
	char		 buf[256];

	doc_form(&m, "Passport", "AA1234BB", FUTURE);
	mp_file(&m, "upload[]", "front.png", png, sizeof(png) - 1);
	mp_file(&m, "upload[]", "selfie.JPG", jpg, sizeof(jpg) - 1);
	mp_field(&m, "doc_category", "front_side");
	mp_field(&m, "metadata", "{\"note\":\"x\"}");
	expect_mp(u, "upload two files", &m, 201, "201");
	ht_check(ndocs(u) == 2, "two rows", "%ld", ndocs(u));

	id = sql_u("SELECT min(id) FROM documents WHERE user_id = $1::bigint",
	    u);
	snprintf(url, sizeof(url), R "/documents/%s/file", id);
	snprintf(want, sizeof(want), "[{\"upload\":{\"url\":\"%s\"},"
	    "\"doc_type\":\"Passport\",\"doc_number\":\"AA****BB\","
	    "\"doc_expire\":\"" FUTURE "\"},{\"upload\":{\"url\":"
	    "\"" R "/documents/%lld/file\"},\"doc_type\":\"Passport\","
	    "\"doc_number\":\"AA****BB\",\"doc_expire\":\"" FUTURE "\"}]",
	    url, strtoll(id, NULL, 10) + 1);
	expect(u, "list", "GET", R "/documents", NULL, NULL, 0, 200, want);

	/* Stored names: random, ours, with the lower-cased extension. */
	name = sql_u("SELECT string_agg(upload, ' ' ORDER BY id) FROM"
	    " documents WHERE user_id = $1::bigint", u);
	ht_check(ht_match("^[0-9a-f]{32}\\.png [0-9a-f]{32}\\.jpg$", name),
	    "random stored names", "%s", name);
	snprintf(path, sizeof(path), "%s/%.36s", updir, name);
	ht_check(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 &&
	    (size_t)st.st_size == sizeof(png) - 1, "file 0600 in upload_dir",
	    "%s mode %o size %lld", path, (unsigned)st.st_mode & 0777,
	    (long long)st.st_size);
	if ((f = fopen(path, "rb")) != NULL) {
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		ht_check(n == sizeof(png) - 1 && memcmp(buf, png, n) == 0,
		    "file bytes", "%zu bytes", n);
	}
	ht_check(stat(updir, &st) == 0 && (st.st_mode & 0777) == 0700,
	    "upload_dir 0700", "%o", (unsigned)st.st_mode & 0777);

	/* The number is sealed, its index deterministic. */
	enc = sql_u("SELECT doc_number_encrypted FROM documents WHERE"
	    " user_id = $1::bigint ORDER BY id LIMIT 1", u);
	ht_check(*enc != '\0' && strstr(enc, "AA1234BB") == NULL &&
	    strstr(enc, "QUExMjM0QkI") == NULL, "doc_number sealed", "%s",
	    enc);
	ht_check(strcmp(sql_u("SELECT count(DISTINCT doc_number_index) ||"
	    " '/' || count(doc_number_index) || '/' ||"
	    " count(DISTINCT identificator) || '/' ||"
	    " min(length(identificator)) || '/' || min(doc_category) ||"
	    " '/' || min(metadata) FROM documents WHERE user_id = $1::bigint",
	    u), "1/2/1/32/front_side/{\"note\":\"x\"}") == 0,
	    "index, identificator, category, metadata", "%s", sql_u(
	    "SELECT count(DISTINCT doc_number_index) || '/' ||"
	    " count(doc_number_index) FROM documents WHERE user_id ="
	    " $1::bigint", u));
	ht_check(strcmp(sql_u("SELECT value || ':' || scope FROM labels"
	    " WHERE user_id = $1::bigint AND key = 'document'", u),
	    "pending:private") == 0, "label document:pending", "%s",
	    sql_u("SELECT value FROM labels WHERE user_id = $1::bigint"
	    " AND key = 'document'", u));

	/* The owner downloads; nobody else does. */
	if (ht_as(u, "GET", url, NULL, NULL, 0, NULL, &r) == 0) {
		ht_check(r.status == 200 && r.len == sizeof(png) - 1 &&
		    memcmp(r.body, png, r.len) == 0, "owner download",
		    "%ld %zu", r.status, r.len);
		h = ht_header(&r, "Content-Type");
		ht_check(h != NULL && strcmp(h, "image/png") == 0,
		    "download type", "%s", h ? h : "(none)");
		free(h);
		h = ht_header(&r, "Content-Disposition");
		ht_check(h != NULL && ht_match("^attachment; filename=\""
		    "document-[0-9]+\\.png\"$", h), "attachment", "%s",
		    h ? h : "(none)");
		free(h);
		h = ht_header(&r, "X-Content-Type-Options");
		ht_check(h != NULL && strcmp(h, "nosniff") == 0, "nosniff",
		    "%s", h ? h : "(none)");
		free(h);
		ht_resp_free(&r);
	}
	expect(other, "other user's download", "GET", url, NULL, NULL, 0,
	    404, "{\"errors\":[\"record.not_found\"]}");
	expect(u, "bad id", "GET", R "/documents/abc/file", NULL, NULL, 0,
	    404, "{\"errors\":[\"record.not_found\"]}");
	expect(u, "unknown id", "GET", R "/documents/999999999/file", NULL,
	    NULL, 0, 404, "{\"errors\":[\"record.not_found\"]}");
	expect(u, "huge id", "GET", R "/documents/99999999999999999999/file",
	    NULL, NULL, 0, 404, "{\"errors\":[\"record.not_found\"]}");
	expect(u, "no route", "GET", R "/documents/1", NULL, NULL, 0, 404,
	    "{\"error\":\"Route is not found\"}");
	expect(other, "other list is empty", "GET", R "/documents", NULL,
	    NULL, 0, 200, "[]");
}

/* An admin downloads any user's file from the admin family; a member may not. */
static void
test_admin_download(const struct ht_user *u, const struct ht_user *adm,
    const struct ht_user *member)
{
	struct ht_resp	 r;
	char		 url[256];
	const char	*id;

	id = sql_u("SELECT min(id) FROM documents WHERE user_id = $1::bigint",
	    u);
	snprintf(url, sizeof(url), "/api/v2/barong/admin/documents/%s/file",
	    id);
	if (ht_as(adm, "GET", url, NULL, NULL, 0, NULL, &r) == 0) {
		ht_check(r.status == 200 && r.len == sizeof(png) - 1 &&
		    memcmp(r.body, png, r.len) == 0, "admin download",
		    "%ld %zu", r.status, r.len);
		ht_resp_free(&r);
	}
	if (ht_as(member, "GET", url, NULL, NULL, 0, NULL, &r) == 0) {
		ht_check(r.status == 401 || r.status == 403,
		    "member refused the admin download", "%ld %s", r.status,
		    r.body);
		ht_resp_free(&r);
	}
	expect(adm, "admin download: unknown id", "GET",
	    "/api/v2/barong/admin/documents/999999999/file", NULL, NULL, 0,
	    404, "{\"errors\":[\"record.not_found\"]}");
}

#define INTEGRITY "{\"errors\":[\"upload.carrierwave_integrity_error\"," \
	"\"upload.blank\"]}"

static void
test_hostile(const struct ht_user *u)
{
	struct mp	 m;
	char		*big;
	long		 before = ndocs(u);
	int		 files = nfiles();
	size_t		 bigsz = 10 * 1024 * 1024 + 1;
	const char	*name;
	char		 longnum[130];

	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "evil.exe", png, sizeof(png) - 1);
	expect_mp(u, "extension not allowed", &m, 422, INTEGRITY);
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "noext", png, sizeof(png) - 1);
	expect_mp(u, "no extension", &m, 422, INTEGRITY);
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "fake.png", pdf, sizeof(pdf) - 1);
	expect_mp(u, "content is not the extension's", &m, 422, INTEGRITY);
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "script.pdf", "<html><script>", 14);
	expect_mp(u, "html as pdf", &m, 422, INTEGRITY);
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "empty.png", "", 0);
	expect_mp(u, "empty file", &m, 422, INTEGRITY);
	big = calloc(1, bigsz);
	memcpy(big, png, sizeof(png) - 1);
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "big.png", big, bigsz);
	expect_mp(u, "file over 10 MB", &m, 422, INTEGRITY);
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "big.png", big, bigsz - 1);
	expect_mp(u, "file of exactly 10 MB", &m, 201, "201");
	free(big);
	ht_check(ndocs(u) == before + 1 && nfiles() == files + 1,
	    "refusals store nothing", "%ld docs, %d files", ndocs(u),
	    nfiles());

	/* A path in the filename is ignored; only the extension counts. */
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "../../../../etc/passwd.png", png,
	    sizeof(png) - 1);
	mp_file(&m, "upload[]", "..\\..\\x\\SCAN.PDF", pdf, sizeof(pdf) - 1);
	expect_mp(u, "path names", &m, 201, "201");
	name = sql_u("SELECT string_agg(upload, ' ' ORDER BY id) FROM"
	    " (SELECT id, upload FROM documents WHERE user_id = $1::bigint"
	    " ORDER BY id DESC LIMIT 2) d", u);
	ht_check(ht_match("^[0-9a-f]{32}\\.png [0-9a-f]{32}\\.pdf$", name),
	    "path names stored under random names", "%s", name);
	ht_check(nfiles() == files + 3, "files in upload_dir only", "%d",
	    nfiles());

	/* Model codes, in Barong's attribute order. */
	doc_form(&m, "Unknown", "AB#1", FUTURE);
	mp_file(&m, "upload[]", "a.gif", png, sizeof(png) - 1);
	mp_field(&m, "metadata", "{bad");
	expect_mp(u, "every model code", &m, 422, "{\"errors\":["
	    "\"upload.carrierwave_integrity_error\",\"upload.blank\","
	    "\"doc_type.inclusion\",\"metadata.invalid_format\","
	    "\"doc_number.invalid\"]}");
	memset(longnum, 'A', 129);
	longnum[129] = '\0';
	doc_form(&m, "Passport", longnum, FUTURE);
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	expect_mp(u, "number too long", &m, 422,
	    "{\"errors\":[\"doc_number.too_long\"]}");
	doc_form(&m, "passport", "AB 12-3", FUTURE);
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	expect_mp(u, "doc_type is case-sensitive", &m, 422,
	    "{\"errors\":[\"doc_type.inclusion\"]}");

	/* All or nothing: a bad second file keeps the first out too. */
	before = ndocs(u);
	files = nfiles();
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "good.png", png, sizeof(png) - 1);
	mp_file(&m, "upload[]", "bad.png", jpg, sizeof(jpg) - 1);
	expect_mp(u, "second file bad", &m, 422, INTEGRITY);
	ht_check(ndocs(u) == before && nfiles() == files,
	    "nothing kept of a failed request", "%ld docs, %d files",
	    ndocs(u), nfiles());

	/* Text that looks like a file is no file. */
	expect(u, "JSON placeholder", "POST", R "/documents", JSON,
	    "{\"doc_type\":\"Passport\",\"doc_number\":\"X1\",\"doc_expire\":"
	    "\"" FUTURE "\",\"upload\":[{\"filename\":\"x.png\","
	    "\"size\":3}]}", (size_t)-1, 422,
	    "{\"errors\":[\"upload.blank\"]}");
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_field(&m, "upload[][filename]", "x.png");
	expect_mp(u, "multipart placeholder", &m, 422,
	    "{\"errors\":[\"upload.blank\"]}");
	/* A single "upload" file (no []) counts as one. */
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload", "one.png", png, sizeof(png) - 1);
	expect_mp(u, "single upload field", &m, 201, "201");
	/* A browser's "no file chosen" is no upload at all. */
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "", "", 0);
	expect_mp(u, "no file chosen", &m, 422,
	    "{\"errors\":[\"resource.document.missing_upload\"]}");
}

static void
test_malformed(const struct ht_user *u)
{
	struct mp	 m;
	int		 i;
	char		 name[32];
	static const char bad[] = "{\"errors\":[\"server.bad_request\"]}";

	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	expect(u, "truncated body", "POST", R "/documents", MPTYPE, m.buf,
	    m.len - 10, 400, bad);
	mp_end(&m);
	expect(u, "missing boundary", "POST", R "/documents",
	    "multipart/form-data", m.buf, m.len, 400, bad);
	expect(u, "wrong boundary", "POST", R "/documents",
	    "multipart/form-data; boundary=other", m.buf, m.len, 400, bad);
	expect(u, "boundary too long", "POST", R "/documents",
	    "multipart/form-data; boundary=" BND BND BND BND, m.buf, m.len,
	    400, bad);
	free(m.buf);
	doc_form(&m, "Passport", "X1", FUTURE);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		mp_field(&m, name, "x");
	}
	expect_mp(u, "too many parts", &m, 400, bad);
	memset(&m, 0, sizeof(m));
	mp_str(&m, "--" BND "\r\nContent-Disposition: form-data; name=\"a\r\n"
	    "\r\nx\r\n--" BND "--\r\n");
	expect(u, "unterminated quote", "POST", R "/documents", MPTYPE, m.buf,
	    m.len, 400, bad);
	free(m.buf);
	ht_check(ndocs(u) == 0, "nothing from broken bodies", "%ld",
	    ndocs(u));
}

static void
test_limits(const struct ht_user *u)
{
	struct mp	m;
	char		url[256];

	sql_u("INSERT INTO documents (user_id, upload, doc_type)"
	    " SELECT $1::bigint, 'x', 'Passport' FROM generate_series(1, 9)",
	    u);
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	mp_file(&m, "upload[]", "b.png", png, sizeof(png) - 1);
	expect_mp(u, "limit will be reached", &m, 400,
	    "{\"errors\":[\"resource.documents.limit_will_be_reached\"]}");
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	expect_mp(u, "up to the limit", &m, 201, "201");
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	expect_mp(u, "at the limit", &m, 400,
	    "{\"errors\":[\"resource.documents.limit_will_be_reached\"]}");
	sql_u("INSERT INTO documents (user_id, upload, doc_type)"
	    " VALUES ($1::bigint, 'x', 'Passport')", u);
	doc_form(&m, "Passport", "X1", FUTURE);
	mp_file(&m, "upload[]", "a.png", png, sizeof(png) - 1);
	expect_mp(u, "over the limit", &m, 400,
	    "{\"errors\":[\"resource.documents.limit_reached\"]}");
	/* A row whose stored name is not ours is never served. */
	snprintf(url, sizeof(url), R "/documents/%s/file", sql_u("SELECT"
	    " min(id) FROM documents WHERE user_id = $1::bigint", u));
	expect(u, "foreign stored name", "GET", url, NULL, NULL, 0, 404,
	    "{\"errors\":[\"record.not_found\"]}");
}

static void
test_addresses(const struct ht_user *u)
{
	struct mp	m;

	memset(&m, 0, sizeof(m));
	mp_field(&m, "other", "x");
	mp_end(&m);
	expect(u, "address: all missing", "POST", R "/addresses", MPTYPE,
	    m.buf, m.len, 422, "{\"errors\":["
	    "\"resource.address.missing_country\","
	    "\"resource.address.empty_country\","
	    "\"resource.address.missing_address\","
	    "\"resource.address.empty_address\","
	    "\"resource.address.missing_upload\","
	    "\"resource.address.missing_city\","
	    "\"resource.address.missing_postcode\"]}");
	free(m.buf);
	memset(&m, 0, sizeof(m));
	mp_field(&m, "country", "DE");
	mp_field(&m, "address", "Hauptstr. 1");
	mp_field(&m, "city", "");
	mp_field(&m, "postcode", "10115");
	mp_file(&m, "upload[]", "bill.pdf", pdf, sizeof(pdf) - 1);
	mp_end(&m);
	/* required_docs_expire (default true): no expiry, no address. */
	expect(u, "address: doc_expire.blank", "POST", R "/addresses", MPTYPE,
	    m.buf, m.len, 422, "{\"errors\":[\"doc_expire.blank\"]}");
	free(m.buf);
	memset(&m, 0, sizeof(m));
	mp_field(&m, "country", "DE");
	mp_field(&m, "address", "Hauptstr. 1");
	mp_field(&m, "city", "Berlin");
	mp_field(&m, "postcode", "10115");
	mp_file(&m, "upload[]", "bill.exe", pdf, sizeof(pdf) - 1);
	mp_end(&m);
	expect(u, "address: integrity", "POST", R "/addresses", MPTYPE,
	    m.buf, m.len, 422, "{\"errors\":["
	    "\"upload.carrierwave_integrity_error\",\"upload.blank\","
	    "\"doc_expire.blank\"]}");
	free(m.buf);
	ht_check(*sql_u("SELECT value FROM labels WHERE user_id = $1::bigint"
	    " AND key = 'address'", u) == '\0', "no address label yet", "%s",
	    "set");
	/* No file at all: nothing saved, the address step still runs. */
	expect(u, "address: empty upload list", "POST", R "/addresses", JSON,
	    "{\"country\":\"DE\",\"address\":\"x\",\"upload\":[],"
	    "\"city\":\"\",\"postcode\":\"1\"}", (size_t)-1, 201, "201");
	ht_check(strcmp(sql_u("SELECT value || ':' || scope FROM labels"
	    " WHERE user_id = $1::bigint AND key = 'address'", u),
	    "pending:private") == 0, "label address:pending", "%s",
	    sql_u("SELECT value FROM labels WHERE user_id = $1::bigint AND"
	    " key = 'address'", u));
	ht_check(ndocs(u) == 0, "addresses saved nothing", "%ld", ndocs(u));
}

int
main(void)
{
	struct ht_user	 a, b, c, d, e, adm;
	const char	*var;

	setvbuf(stdout, NULL, _IONBF, 0);
	ht_init();
	if ((var = getenv("BARONG_VAR")) == NULL) {
		fprintf(stderr, "BARONG_VAR is not set\n");
		return 2;
	}
	snprintf(updir, sizeof(updir), "%s/uploads", var);
	ht_user_new(&a, "docs", 0);
	ht_user_new(&b, "docs-other", 0);
	ht_user_new(&c, "docs-limit", 0);
	ht_user_new(&d, "docs-broken", 0);
	ht_user_new(&e, "docs-address", 0);
	test_params(&a);
	test_happy(&a, &b);
	ht_user_new(&adm, "docs-admin", 0);
	ht_sql("UPDATE users SET role = 'admin' WHERE uid = $1",
	    (const char *[]){ adm.uid }, 1);
	test_admin_download(&a, &adm, &b);
	test_hostile(&b);
	test_malformed(&d);
	test_limits(&c);
	test_addresses(&e);
	return ht_done();
}
