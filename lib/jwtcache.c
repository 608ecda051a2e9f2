/*
 * The JWT reuse cache (see jwtcache.h).
 *
 * A set-associative table: the key (kind, id) picks one set of
 * JWTCACHE_WAYS entries; a hit or an insert stamps the entry with a
 * counter, and an insert into a full set evicts the entry with the oldest
 * stamp.  Lookups cost one hash and at most four comparisons of the id
 * plus one memcmp of the fingerprint; nothing is allocated.  Tokens are
 * bearer credentials: they are wiped before their memory is freed.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "jwtcache.h"

struct entry {
	int		 kind;		/* 0: empty */
	long long	 id;
	char		*fp;
	size_t		 fplen;
	char		*token;
	time_t		 iat;
	time_t		 exp;
	uint64_t	 stamp;
};

static struct entry	table[JWTCACHE_SETS][JWTCACHE_WAYS];
static uint64_t		ticks;
static size_t		used;

static size_t
set_of(int kind, long long id)
{
	uint64_t	x = (uint64_t)id * 2 + (uint64_t)kind;

	/* splitmix64's finaliser */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (size_t)(x & (JWTCACHE_SETS - 1));
}

static void
entry_free(struct entry *e)
{
	if (e->kind == 0)
		return;
	if (e->token != NULL) {
		crypto_wipe(e->token, strlen(e->token));
		free(e->token);
	}
	free(e->fp);
	memset(e, 0, sizeof(*e));
	used--;
}

const char *
jwtcache_get(enum jwtcache_kind kind, long long id, const char *fp,
    size_t fplen, time_t now, long ttl, time_t *iat)
{
	struct entry	*set;
	size_t		 i;

	if (ttl <= 0)
		return NULL;
	set = table[set_of((int)kind, id)];
	for (i = 0; i < JWTCACHE_WAYS; i++) {
		if (set[i].kind != (int)kind || set[i].id != id)
			continue;
		if (set[i].fplen != fplen ||
		    memcmp(set[i].fp, fp, fplen) != 0 ||
		    now - set[i].iat >= ttl || now < set[i].iat ||
		    set[i].exp - now <= JWTCACHE_MARGIN)
			return NULL;
		set[i].stamp = ++ticks;
		if (iat != NULL)
			*iat = set[i].iat;
		return set[i].token;
	}
	return NULL;
}

void
jwtcache_put(enum jwtcache_kind kind, long long id, const char *fp,
    size_t fplen, const char *token, time_t iat, time_t exp)
{
	struct entry	*set, *e = NULL;
	size_t		 i;
	char		*t, *f;

	set = table[set_of((int)kind, id)];
	for (i = 0; i < JWTCACHE_WAYS && e == NULL; i++)
		if (set[i].kind == (int)kind && set[i].id == id)
			e = &set[i];
	for (i = 0; i < JWTCACHE_WAYS && e == NULL; i++)
		if (set[i].kind == 0)
			e = &set[i];
	if (e == NULL) {
		e = &set[0];
		for (i = 1; i < JWTCACHE_WAYS; i++)
			if (set[i].stamp < e->stamp)
				e = &set[i];
	}
	entry_free(e);
	t = strdup(token);
	f = malloc(fplen > 0 ? fplen : 1);
	if (t == NULL || f == NULL) {
		free(t);
		free(f);
		return;
	}
	memcpy(f, fp, fplen);
	e->kind = (int)kind;
	e->id = id;
	e->fp = f;
	e->fplen = fplen;
	e->token = t;
	e->iat = iat;
	e->exp = exp;
	e->stamp = ++ticks;
	used++;
}

void
jwtcache_clear(void)
{
	size_t	s, w;

	for (s = 0; s < JWTCACHE_SETS; s++)
		for (w = 0; w < JWTCACHE_WAYS; w++)
			entry_free(&table[s][w]);
}

size_t
jwtcache_count(void)
{
	return used;
}
