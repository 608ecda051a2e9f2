/*
 * barong-resource: the documents part (user-api.md §5.8-5.9): KYC
 * documents and address proofs, uploaded as multipart/form-data, and the
 * owner's download of a stored file (an extension, barong-compat(7)).
 *
 * Unlike Barong, which kept the files saved before a failing one, a
 * request is all or nothing: every row in one transaction, and the files
 * written for it removed again when it rolls back.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "bearer.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "document.h"
#include "http.h"
#include "multipart.h"
#include "params.h"
#include "resource.h"
#include "user.h"

#define DOCS	"resource.documents"	/* Barong's custom codes say so */

static const char *const categories[] = { "front_side", "back_side",
	"selfie", NULL };

static const struct param document_params[] = {
	{ .name = "doc_type", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = 255 },
	{ .name = "doc_number", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK },
	{ .name = "upload", .type = PT_ANY, .flags = P_REQUIRED },
	{ .name = "doc_expire", .type = PT_DATE, .flags = P_BLANK_NIL,
	  .invalid = DOCS ".expire_not_a_date" },
	{ .name = "doc_category", .type = PT_STRING, .values = categories,
	  .value_err = DOCS ".doc_category" },
	{ .name = "identificator", .type = PT_STRING, .maxlen = 255 },
	{ .name = "metadata", .type = PT_STRING },
	{ .name = NULL }
};

static const struct param address_params[] = {
	{ .name = "country", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK },
	{ .name = "address", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK },
	{ .name = "upload", .type = PT_ANY, .flags = P_REQUIRED },
	{ .name = "city", .type = PT_ANY, .flags = P_REQUIRED },
	{ .name = "postcode", .type = PT_STRING, .flags = P_REQUIRED },
	{ .name = NULL }
};

/*
 * The items of "upload": the elements of upload[], or the value itself
 * (a single "upload" file; Barong iterated over its hash and failed).
 */
static size_t
upload_items(struct req *r, json_object ***items)
{
	const struct pval	*v = param_get(r, "upload");
	size_t			 n, i;

	if (v->j != NULL && json_object_is_type(v->j, json_type_array)) {
		n = json_object_array_length(v->j);
		*items = arena_alloc(r->a, (n + 1) * sizeof(**items));
		for (i = 0; i < n; i++)
			(*items)[i] = json_object_array_get_idx(v->j, i);
		return n;
	}
	*items = arena_alloc(r->a, sizeof(**items));
	(*items)[0] = v->j;
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

/* Lock the user's row and count his documents; -1 on failure. */
static long long
count_locked(struct req *r, long long user_id)
{
	static const struct db_stmt st_lock = { "documents_user_lock",
		"SELECT 1 FROM users WHERE id = $1::bigint FOR UPDATE", 1 };
	const char	*p[1];

	p[0] = arena_printf(r->a, "%lld", user_id);
	if (db_exec(r->a, &st_lock, p) == NULL)
		return -1;
	return documents_count(r->a, user_id);
}

/*
 * Validate, store and insert one document per item, inside the open
 * transaction; the names stored so far are in stored[0..*nstored).
 * 0, or -1 with r->err (422 model codes, 500).
 */
static int
save_items(struct req *r, long long user_id, struct doc_new *d,
    json_object **items, size_t n, const char **stored, size_t *nstored)
{
	struct model_err	 m;
	long long		 id;
	size_t			 i;

	for (i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		d->file = multipart_upload_of(r, items[i]);
		document_validate(r->a, d, &m);
		if (model_err_flush(r, &m, 422) == -1)
			return -1;
		if (document_store_file(r->a, d->file, &stored[*nstored]) ==
		    -1)
			return err_internal(r, "could not store a document");
		(*nstored)++;
		if (document_insert(r->a, user_id, d, stored[*nstored - 1],
		    &id) == -1 || document_kyc_step(r->a, user_id,
		    d->doc_type, d->identificator) == -1)
			return err_internal(r, "could not save a document");
	}
	return 0;
}

/* Save every item in one transaction; the address step when asked. */
static int
save_all(struct req *r, long long user_id, struct doc_new *d,
    json_object **items, size_t n, int address)
{
	const char	**stored;
	size_t		  nstored = 0, i;

	stored = arena_alloc(r->a, (n + 1) * sizeof(*stored));
	if (save_items(r, user_id, d, items, n, stored, &nstored) == -1 ||
	    (address && document_address_step(r->a, user_id) == -1) ||
	    db_commit() == -1) {
		db_rollback();
		for (i = 0; i < nstored; i++)
			document_unlink(stored[i]);
		if (!err_is_set(r))
			err_internal(r, "could not save documents");
		return -1;
	}
	if (nstored > 0)
		document_sync_dir();
	return http_reply_status_body(r, 201);
}

/* GET /documents: 200 [Document]. */
static int
document_list(struct req *r)
{
	struct user	*u;
	json_object	*o;

	if (bearer_user(r, &u) == -1)
		return -1;
	if ((o = documents_json(r->a, u->id, 0)) == NULL)
		return err_internal(r, "could not list documents");
	return http_reply_json(r, 200, o);
}

/*
 * POST /documents: 201, body 201.  422 param codes, invalid_format,
 * already_expired, model codes; 400 limit_reached,
 * limit_will_be_reached; 404 record.not_found.
 */
static int
document_create(struct req *r)
{
	const char	*expire = param_str(r, "doc_expire");
	struct doc_new	 d;
	struct user	*u;
	json_object	**items;
	long long	  count;
	size_t		  n;
	char		  day[11], *ident;

	if (cfg.required_docs_expire) {
		if (expire == NULL)
			return err_set(r, 422, DOCS ".invalid_format", NULL);
		today(day);
		if (strcmp(expire, day) < 0)
			return err_set(r, 422, DOCS ".already_expired", NULL);
	}
	if (bearer_user(r, &u) == -1)
		return -1;
	n = upload_items(r, &items);
	memset(&d, 0, sizeof(d));
	d.doc_type = param_str(r, "doc_type");
	d.doc_number = param_str(r, "doc_number");
	d.doc_expire = expire;
	d.doc_category = param_str(r, "doc_category");
	d.metadata = param_str(r, "metadata");
	if ((d.identificator = param_str(r, "identificator")) == NULL) {
		ident = arena_alloc(r->a, 33);
		if (crypto_random_hex(ident, 16) == -1)
			return err_internal(r, "no randomness");
		d.identificator = ident;
	}
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((count = count_locked(r, u->id)) == -1) {
		db_rollback();
		return err_internal(r, "could not count documents");
	}
	if (count > cfg.doc_num_limit || count + (long long)n >
	    cfg.doc_num_limit) {
		db_rollback();
		return err_set(r, 400, count > cfg.doc_num_limit ?
		    DOCS ".limit_reached" : DOCS ".limit_will_be_reached",
		    "user %lld has %lld documents", u->id, count);
	}
	return save_all(r, u->id, &d, items, n, 0);
}

/*
 * POST /addresses: 201, body 201.  422 param codes (resource.address.*)
 * and model codes; 404 record.not_found.  No document-count limit, as in
 * Barong.
 */
static int
address_create(struct req *r)
{
	struct doc_new	 d;
	struct user	*u;
	json_object	**items;
	size_t		  n;
	char		 *ident;

	if (bearer_user(r, &u) == -1)
		return -1;
	n = upload_items(r, &items);
	memset(&d, 0, sizeof(d));
	d.doc_type = "Address";
	ident = arena_alloc(r->a, 33);
	if (crypto_random_hex(ident, 16) == -1)
		return err_internal(r, "no randomness");
	d.identificator = ident;
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	return save_all(r, u->id, &d, items, n, 1);
}

/*
 * GET /documents/{id}/file: 200, the file as an attachment; 404
 * record.not_found for another user's document or a bad id.
 */
static int
document_file(struct req *r)
{
	struct user	*u;

	if (bearer_user(r, &u) == -1)
		return -1;
	return document_serve_file(r, r->route_vars[0], u->id);
}

static const struct route routes[] = {
	{ "GET", "/documents", document_list, NULL, RES_DOCUMENT, 0 },
	{ "POST", "/documents", document_create, document_params,
	  RES_DOCUMENT, 0 },
	{ "GET", "/documents/{id}/file", document_file, NULL, RES_DOCUMENT,
	  0 },
	{ "POST", "/addresses", address_create, address_params, RES_ADDRESS,
	  0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct route_part resource_documents = { routes, NULL };
