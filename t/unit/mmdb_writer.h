/*
 * A small MaxMind DB writer for tests: build a GeoIP2-like database from a
 * few networks and their records, so tests never need a real (licensed)
 * GeoLite2 file.  It writes format 2.0 as documented at
 * https://maxmind.github.io/MaxMind-DB/: an IPv6 binary search tree of
 * 24- or 32-bit records (IPv4 networks live under ::/96, and
 * ::ffff:0:0/96 is aliased to them), the data section, and the metadata
 * map after "\xAB\xCD\xEFMaxMind.com".
 *
 * Records are json-c values: strings become UTF-8 strings, objects maps,
 * arrays arrays, booleans booleans, doubles doubles, integers uint32 (or
 * int32 when negative, uint64 when large).  JSON null has no encoding.
 * Insert the wider networks first: a narrower one later carves itself out
 * of them, while a wider one inserted later replaces what it covers.
 */
#ifndef BARONG_MMDB_WRITER_H
#define BARONG_MMDB_WRITER_H

#include <json-c/json.h>

struct mmdb_writer;

struct mmdb_writer	*mmdb_writer_new(void);
void			 mmdb_writer_free(struct mmdb_writer *);
/* "81.2.69.0/24", "2001:db8::/32" or an address (/32, /128). 0 or -1. */
int			 mmdb_writer_insert(struct mmdb_writer *,
			    const char *network, json_object *value);
/* The same with the record as JSON text. */
int			 mmdb_writer_insert_json(struct mmdb_writer *,
			    const char *network, const char *json);
/*
 * Write the database to path (replaced atomically).  languages is a
 * NULL-terminated list for the metadata, NULL for {"en"}.  0 or -1.
 */
int			 mmdb_writer_write(struct mmdb_writer *,
			    const char *path, const char *database_type,
			    const char *const *languages);
/* Why the last call failed. */
const char		*mmdb_writer_error(const struct mmdb_writer *);

#endif
