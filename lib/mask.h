/*
 * Barong's data masking (user-api.md §6.13), applied to user-API
 * responses when api_data_masking_enabled is set.  Lengths count
 * characters (UTF-8 code points), not bytes.  A value too short for its
 * pattern is returned unchanged.  Results live in the arena; NULL in,
 * NULL out.
 */
#ifndef BARONG_MASK_H
#define BARONG_MASK_H

#include <stddef.h>

struct arena;

/* Keep the first head and the last tail characters, '*' for each between. */
const char	*mask_middle(struct arena *, const char *, size_t head,
		    size_t tail);
/* Phone digits: keep the country calling code (cc_len digits; 2 when
 * unknown, i.e. 0) and the last 4. */
const char	*mask_phone(struct arena *, const char *number, size_t cc_len);
/* Last name: the first character, then '*' for each other one. */
const char	*mask_last_name(struct arena *, const char *);
/* Date of birth YYYY-MM-DD: the first 8 characters, then '*'. */
const char	*mask_dob(struct arena *, const char *);
/* Document number: the first 2 and the last 2 characters. */
const char	*mask_doc_number(struct arena *, const char *);

#endif
