/*
 * KYC documents (user-api.md §5.8-5.9, §6.10): uploads kept under
 * upload_dir, sealed document numbers, and the Document entities.
 *
 * documents.doc_number_encrypted is crypto_seal'd with aad
 * "documents.doc_number:<user_id>"; documents.doc_number_index is the keyed
 * hash (purpose "documents.doc_number") of the number, its first 63 bits
 * (the first 16 hex digits of crypto_keyed_hash_hex, shifted right once).
 *
 * Files: documents.upload holds the stored name, 32 random hex digits, a
 * dot and the lower-cased extension (e.g. "3f...9a.png"), directly under
 * upload_dir, mode 0600.  A stored name is never derived from the client's
 * filename, and a row whose upload is not such a name is never served.
 */
#ifndef BARONG_DOCUMENT_H
#define BARONG_DOCUMENT_H

#include <stddef.h>
#include <json-c/json.h>

struct arena;
struct model_err;
struct req;
struct upload;

/*
 * The entity's upload.url: the owner's download route, and the one the
 * admin family serves (with document_serve_file(r, id, 0)).
 */
#define DOCUMENT_URL_USER	"/api/v2/barong/resource/documents/%lld/file"
#define DOCUMENT_URL_ADMIN	"/api/v2/barong/admin/documents/%lld/file"

/* One document to create. */
struct doc_new {
	const char		*doc_type;
	const char		*doc_number;	/* NULL: none */
	const char		*doc_expire;	/* YYYY-MM-DD, NULL: none */
	const char		*doc_category;	/* NULL: none */
	const char		*identificator;
	const char		*metadata;	/* NULL: none */
	const struct upload	*file;		/* NULL: the item was no file */
};

/*
 * Barong's Document model validations, in its order, into m: upload
 * (carrierwave_integrity_error for a bad extension, size or content, then
 * blank), doc_type.inclusion, doc_expire.blank, metadata.invalid_format,
 * doc_number.too_long, doc_number.invalid, doc_expire.invalid.
 */
void		 document_validate(struct arena *, const struct doc_new *,
		    struct model_err *m);
/*
 * Write a validated document's file under upload_dir (created 0700 when
 * missing) with O_EXCL, mode 0600 and fsync.  *name is the stored name.
 * 0, or -1 (logged).
 */
int		 document_store_file(struct arena *, const struct upload *,
		    const char **name);
/* Remove a stored file again (a rolled-back request); errors logged. */
void		 document_unlink(const char *name);
/* fsync upload_dir, so stored names survive a crash with the rows. */
void		 document_sync_dir(void);
/*
 * Insert the row inside the caller's transaction, the number sealed and
 * indexed.  0 with *id, or -1 (logged).
 */
int		 document_insert(struct arena *, long long user_id,
		    const struct doc_new *, const char *stored,
		    long long *id);
/* How many documents the user has; -1 on a database failure. */
long long	 documents_count(struct arena *, long long user_id);
/*
 * The KYC step after a document is saved (user-api.md §6.10), inside the
 * transaction: kyc_provider local sets the private label document:pending
 * for every type but Address; kycaid does so when the documents with
 * this identificator reach 2 (Passport) or 3 (Identity card, Driver
 * license).  0 or -1.
 */
int		 document_kyc_step(struct arena *, long long user_id,
		    const char *doc_type, const char *identificator);
/* The address KYC step: private label address:pending.  0 or -1. */
int		 document_address_step(struct arena *, long long user_id);

/*
 * The user's documents in id order: admin 0 gives the user API's
 * Document (upload, doc_type, doc_number masked as configured,
 * doc_expire), admin 1 the admin entity (upload, doc_type, doc_number
 * unmasked, doc_expire, metadata, created_at, updated_at).  An empty
 * array when none, NULL on a database or keyring failure (logged).
 */
json_object	*documents_json(struct arena *, long long user_id, int admin);

/*
 * Reply with document id's file as an attachment: its Content-Type
 * sniffed from the bytes, X-Content-Type-Options: nosniff, no caching.
 * owner_id > 0 serves only that user's document (the user API); 0 serves
 * any (the admin API, after its ability check).  id is the route's text.
 * 0 replied, or -1 with r->err: 404 record.not_found for a bad id, a
 * document of somebody else or a missing file; 500 on a failure.
 */
int		 document_serve_file(struct req *, const char *id,
		    long long owner_id);

#endif
