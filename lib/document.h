/*
 * KYC documents (user-api.md §5.8-5.9, §6.10): uploads kept under
 * upload_dir, sealed document numbers, and the Document entities.
 *
 * documents.doc_number_encrypted is crypto_seal'd with aad
 * "documents.doc_number:<user_id>"; documents.doc_number_index is the keyed
 * hash (purpose "documents.doc_number") of the number, its first 63 bits.
 */
#ifndef BARONG_DOCUMENT_H
#define BARONG_DOCUMENT_H

#include <json-c/json.h>

struct arena;

/*
 * The user's documents in id order: admin 0 gives the user API's
 * Document (upload, doc_type, doc_number masked as configured,
 * doc_expire), admin 1 the admin entity (upload, doc_type, doc_number
 * unmasked, doc_expire, metadata, created_at, updated_at).  An empty
 * array when none, NULL on a database or keyring failure (logged).
 */
json_object	*documents_json(struct arena *, long long user_id, int admin);

#endif
