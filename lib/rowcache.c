/* Database rows kept by barong-authorize (see rowcache.h). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "arena.h"
#include "conf.h"
#include "crypto.h"
#include "rowcache.h"
#include "shared.h"

struct entry {
	int		 kind;		/* 0: empty */
	uint64_t	 gen;
	double		 until;
	uint64_t	 stamp;		/* last use, for eviction */
	size_t		 klen;
	int		 ncols;
	size_t		 memlen;
	char		*mem;		/* key, then the values, one block */
	int		 len[ROWCACHE_COLS];	/* -1: NULL */
};

static struct entry	table[ROWCACHE_SETS][ROWCACHE_WAYS];
static uint64_t		ticks;
static size_t		used;

int
rowcache_enabled(void)
{
	return cfg.authz_cache_ttl > 0 && shared_available() &&
	    *cfg.db_read_conninfo == '\0';
}

double
rowcache_clock(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
set_of(int kind, const void *key, size_t klen)
{
	const unsigned char	*p = key;
	uint64_t		 x = 0xcbf29ce484222325ULL ^ (uint64_t)kind;
	size_t			 i;

	for (i = 0; i < klen; i++)	/* FNV-1a */
		x = (x ^ p[i]) * 0x100000001b3ULL;
	x ^= x >> 31;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 29;
	return (size_t)(x & (ROWCACHE_SETS - 1));
}

static void
entry_free(struct entry *e)
{
	if (e->kind == 0)
		return;
	/* The values hold CSRF tokens and sealed secrets. */
	crypto_wipe(e->mem, e->memlen);
	free(e->mem);
	memset(e, 0, sizeof(*e));
	used--;
}

static struct entry *
find(int kind, const void *key, size_t klen)
{
	struct entry	*set = table[set_of(kind, key, klen)];
	size_t		 i;

	for (i = 0; i < ROWCACHE_WAYS; i++)
		if (set[i].kind == kind && set[i].klen == klen &&
		    memcmp(set[i].mem, key, klen) == 0)
			return &set[i];
	return NULL;
}

const char **
rowcache_get(struct arena *a, enum rowcache_kind kind, const void *key,
    size_t klen, uint64_t gen, double now, int *ncols)
{
	struct entry	*e = find(kind, key, klen);
	const char	**v;
	const char	*p;
	int		 i;

	if (e == NULL)
		return NULL;
	if (e->gen != gen || now >= e->until) {
		entry_free(e);
		return NULL;
	}
	e->stamp = ++ticks;
	v = arena_alloc(a, (size_t)e->ncols * sizeof(*v));
	p = e->mem + e->klen;
	for (i = 0; i < e->ncols; i++) {
		if (e->len[i] < 0) {
			v[i] = NULL;
			continue;
		}
		v[i] = arena_strndup(a, p, (size_t)e->len[i]);
		p += e->len[i] + 1;
	}
	*ncols = e->ncols;
	return v;
}

void
rowcache_put(enum rowcache_kind kind, const void *key, size_t klen,
    const PGresult *res, uint64_t gen, double until)
{
	struct entry	*set, *e;
	size_t		 i, memlen = klen;
	int		 c, n = PQnfields(res);
	char		*mem, *p;

	if (n > ROWCACHE_COLS || PQntuples(res) < 1)
		return;
	for (c = 0; c < n; c++)
		if (!PQgetisnull(res, 0, c))
			memlen += (size_t)PQgetlength(res, 0, c) + 1;
	if ((mem = malloc(memlen)) == NULL)
		return;
	if ((e = find(kind, key, klen)) == NULL) {
		set = table[set_of(kind, key, klen)];
		e = &set[0];
		for (i = 1; i < ROWCACHE_WAYS && e->kind != 0; i++)
			if (set[i].kind == 0 || set[i].stamp < e->stamp)
				e = &set[i];
	}
	entry_free(e);
	memcpy(mem, key, klen);
	p = mem + klen;
	for (c = 0; c < n; c++) {
		if (PQgetisnull(res, 0, c)) {
			e->len[c] = -1;
			continue;
		}
		e->len[c] = PQgetlength(res, 0, c);
		memcpy(p, PQgetvalue(res, 0, c), (size_t)e->len[c] + 1);
		p += e->len[c] + 1;
	}
	e->kind = kind;
	e->gen = gen;
	e->until = until;
	e->stamp = ++ticks;
	e->klen = klen;
	e->ncols = n;
	e->mem = mem;
	e->memlen = memlen;
	used++;
}

void
rowcache_flush(void)
{
	size_t	s, w;

	if (used == 0)
		return;
	for (s = 0; s < ROWCACHE_SETS; s++)
		for (w = 0; w < ROWCACHE_WAYS; w++)
			entry_free(&table[s][w]);
}

size_t
rowcache_size(void)
{
	return used;
}
