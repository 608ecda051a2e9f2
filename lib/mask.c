/*
 * Data masking: see mask.h.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "mask.h"
#include "parse.h"

/* Byte length of the character at s (1 for a stray byte). */
static size_t
char_len(const char *s, size_t left)
{
	size_t	n = parse_utf8_seq((const unsigned char *)s, left);

	return n ? n : 1;
}

static size_t
char_count(const char *s)
{
	size_t	len = strlen(s), i = 0, n = 0;

	while (i < len) {
		i += char_len(s + i, len - i);
		n++;
	}
	return n;
}

const char *
mask_middle(struct arena *a, const char *s, size_t head, size_t tail)
{
	size_t	 len, chars, i = 0, k = 0, o = 0, cl;
	char	*out;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	chars = char_count(s);
	if (chars <= head + tail)
		return s;
	out = arena_alloc(a, len + 1);
	while (i < len) {
		cl = char_len(s + i, len - i);
		if (k < head || k >= chars - tail) {
			memcpy(out + o, s + i, cl);
			o += cl;
		} else
			out[o++] = '*';
		i += cl;
		k++;
	}
	out[o] = '\0';
	return out;
}

const char *
mask_phone(struct arena *a, const char *number, size_t cc_len)
{
	return mask_middle(a, number, cc_len ? cc_len : 2, 4);
}

const char *
mask_last_name(struct arena *a, const char *s)
{
	return mask_middle(a, s, 1, 0);
}

const char *
mask_dob(struct arena *a, const char *s)
{
	return mask_middle(a, s, 8, 0);
}

const char *
mask_doc_number(struct arena *a, const char *s)
{
	return mask_middle(a, s, 2, 2);
}
