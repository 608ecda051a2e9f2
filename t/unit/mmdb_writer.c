/*
 * A small MaxMind DB (format 2.0) writer for tests; see mmdb_writer.h.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mmdb_writer.h"

enum rkind { R_EMPTY, R_NODE, R_DATA };

struct rec {
	enum rkind	 kind;
	uint32_t	 v;		/* node index or data offset */
};

struct node {
	struct rec	 r[2];		/* [0]: bit 0, [1]: bit 1 */
};

struct bytes {
	unsigned char	*p;
	size_t		 len, cap;
	int		 err;
};

struct mmdb_writer {
	struct node	*nodes;
	size_t		 n, cap;
	struct bytes	 data;
	char		 errmsg[256];
};

/* Data section types (spec: "Output Data Section"). */
enum {
	T_POINTER = 1, T_STRING = 2, T_DOUBLE = 3, T_BYTES = 4, T_UINT16 = 5,
	T_UINT32 = 6, T_MAP = 7, T_INT32 = 8, T_UINT64 = 9, T_UINT128 = 10,
	T_ARRAY = 11, T_BOOLEAN = 14, T_FLOAT = 15
};

static const unsigned char metadata_marker[] = "\xab\xcd\xefMaxMind.com";

static int
fail(struct mmdb_writer *w, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(w->errmsg, sizeof(w->errmsg), fmt, ap);
	va_end(ap);
	return -1;
}

const char *
mmdb_writer_error(const struct mmdb_writer *w)
{
	return w->errmsg;
}

static void
put(struct bytes *b, const void *p, size_t n)
{
	unsigned char	*np;
	size_t		 cap;

	if (b->err)
		return;
	if (b->len + n > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL) {
			b->err = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put1(struct bytes *b, unsigned v)
{
	unsigned char	c = (unsigned char)v;

	put(b, &c, 1);
}

/* A control byte (and extended type byte, and size bytes). */
static void
control(struct bytes *b, unsigned type, size_t size)
{
	unsigned	first = type <= 7 ? type << 5 : 0;
	size_t		s;

	if (size < 29)
		first |= (unsigned)size;
	else if (size < 285)
		first |= 29;
	else if (size < 65821)
		first |= 30;
	else
		first |= 31;
	put1(b, first);
	if (type > 7)
		put1(b, type - 7);
	if (size < 29)
		return;
	if (size < 285)
		put1(b, (unsigned)(size - 29));
	else if (size < 65821) {
		s = size - 285;
		put1(b, (unsigned)(s >> 8));
		put1(b, (unsigned)s);
	} else {
		s = size - 65821;
		put1(b, (unsigned)(s >> 16));
		put1(b, (unsigned)(s >> 8));
		put1(b, (unsigned)s);
	}
}

static void
enc_string(struct bytes *b, const char *s, size_t n)
{
	control(b, T_STRING, n);
	put(b, s, n);
}

/* An unsigned integer in the fewest big-endian bytes. */
static void
enc_uint(struct bytes *b, unsigned type, uint64_t v)
{
	unsigned char	buf[8];
	size_t		n = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		if (n > 0 || ((v >> (8 * i)) & 0xff) != 0)
			buf[n++] = (unsigned char)(v >> (8 * i));
	control(b, type, n);
	put(b, buf, n);
}

static void
enc_int32(struct bytes *b, int32_t v)
{
	uint32_t	u = (uint32_t)v;
	unsigned char	buf[4] = { (unsigned char)(u >> 24),
	    (unsigned char)(u >> 16), (unsigned char)(u >> 8),
	    (unsigned char)u };

	control(b, T_INT32, 4);
	put(b, buf, 4);
}

static void
enc_double(struct bytes *b, double d)
{
	unsigned char	buf[8];
	uint64_t	u;
	int		i;

	memcpy(&u, &d, sizeof(u));
	for (i = 0; i < 8; i++)
		buf[i] = (unsigned char)(u >> (56 - 8 * i));
	control(b, T_DOUBLE, 8);
	put(b, buf, 8);
}

static int
enc_json(struct mmdb_writer *w, struct bytes *b, json_object *o)
{
	int64_t	 i;
	size_t	 k, n;

	switch (json_object_get_type(o)) {
	case json_type_string:
		enc_string(b, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
		return 0;
	case json_type_boolean:
		control(b, T_BOOLEAN, json_object_get_boolean(o) ? 1 : 0);
		return 0;
	case json_type_double:
		enc_double(b, json_object_get_double(o));
		return 0;
	case json_type_int:
		i = json_object_get_int64(o);
		if (i < 0) {
			if (i < INT32_MIN)
				return fail(w, "integer %lld out of range",
				    (long long)i);
			enc_int32(b, (int32_t)i);
		} else if (i <= UINT32_MAX)
			enc_uint(b, T_UINT32, (uint64_t)i);
		else
			enc_uint(b, T_UINT64, (uint64_t)i);
		return 0;
	case json_type_object:
		control(b, T_MAP, (size_t)json_object_object_length(o));
		{
			json_object_object_foreach(o, key, val) {
				enc_string(b, key, strlen(key));
				if (enc_json(w, b, val) == -1)
					return -1;
			}
		}
		return 0;
	case json_type_array:
		n = json_object_array_length(o);
		control(b, T_ARRAY, n);
		for (k = 0; k < n; k++)
			if (enc_json(w, b, json_object_array_get_idx(o, k)) ==
			    -1)
				return -1;
		return 0;
	default:
		return fail(w, "JSON null cannot be stored");
	}
}

struct mmdb_writer *
mmdb_writer_new(void)
{
	struct mmdb_writer	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if ((w->nodes = calloc(64, sizeof(*w->nodes))) == NULL) {
		free(w);
		return NULL;
	}
	w->cap = 64;
	w->n = 1;		/* the root, all records empty */
	return w;
}

void
mmdb_writer_free(struct mmdb_writer *w)
{
	if (w == NULL)
		return;
	free(w->nodes);
	free(w->data.p);
	free(w);
}

static long
new_node(struct mmdb_writer *w, struct rec fill)
{
	struct node	*nn;

	if (w->n == w->cap) {
		if ((nn = realloc(w->nodes, 2 * w->cap * sizeof(*nn))) ==
		    NULL)
			return -1;
		w->nodes = nn;
		w->cap *= 2;
	}
	w->nodes[w->n].r[0] = fill;
	w->nodes[w->n].r[1] = fill;
	return (long)w->n++;
}

static int
bit_of(const unsigned char *a, unsigned i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

/*
 * Point the record at depth bits-1 along addr to rec, creating nodes on
 * the way; data met on the way is pushed down into both children.
 */
static int
set_path(struct mmdb_writer *w, const unsigned char *addr, unsigned bits,
    struct rec rec)
{
	size_t		node = 0;
	unsigned	i;
	int		b;
	long		nn;

	for (i = 0; i + 1 < bits; i++) {
		b = bit_of(addr, i);
		if (w->nodes[node].r[b].kind != R_NODE) {
			if ((nn = new_node(w, w->nodes[node].r[b])) == -1)
				return fail(w, "out of memory");
			w->nodes[node].r[b].kind = R_NODE;
			w->nodes[node].r[b].v = (uint32_t)nn;
		}
		node = w->nodes[node].r[b].v;
	}
	w->nodes[node].r[bit_of(addr, bits - 1)] = rec;
	return 0;
}

static int
parse_network(struct mmdb_writer *w, const char *net, unsigned char a[16],
    unsigned *bits)
{
	char		 buf[64], *slash, *end;
	unsigned char	 v4[4];
	unsigned long	 n;
	int		 is4;

	if (strlen(net) >= sizeof(buf))
		return fail(w, "network too long");
	memcpy(buf, net, strlen(net) + 1);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	memset(a, 0, 16);
	is4 = strchr(buf, ':') == NULL;
	if (is4) {
		if (inet_pton(AF_INET, buf, v4) != 1)
			return fail(w, "bad network \"%s\"", net);
		memcpy(a + 12, v4, 4);
	} else if (inet_pton(AF_INET6, buf, a) != 1)
		return fail(w, "bad network \"%s\"", net);
	n = is4 ? 32 : 128;
	if (slash != NULL) {
		errno = 0;
		n = strtoul(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || errno != 0 ||
		    n > (is4 ? 32UL : 128UL))
			return fail(w, "bad prefix in \"%s\"", net);
	}
	*bits = (unsigned)n + (is4 ? 96 : 0);
	if (*bits == 0)
		return fail(w, "a /0 network cannot be stored");
	return 0;
}

int
mmdb_writer_insert(struct mmdb_writer *w, const char *net, json_object *v)
{
	unsigned char	a[16];
	unsigned	bits;
	size_t		off = w->data.len;
	struct rec	rec;

	if (parse_network(w, net, a, &bits) == -1)
		return -1;
	if (enc_json(w, &w->data, v) == -1)
		return -1;
	if (w->data.err)
		return fail(w, "out of memory");
	rec.kind = R_DATA;
	rec.v = (uint32_t)off;
	return set_path(w, a, bits, rec);
}

int
mmdb_writer_insert_json(struct mmdb_writer *w, const char *net,
    const char *json)
{
	json_object	*o;
	int		 rc;

	if ((o = json_tokener_parse(json)) == NULL)
		return fail(w, "bad JSON for %s", net);
	rc = mmdb_writer_insert(w, net, o);
	json_object_put(o);
	return rc;
}

/* Alias ::ffff:0:0/96 to the IPv4 subtree ::/96, as MaxMind does. */
static int
alias_mapped(struct mmdb_writer *w)
{
	unsigned char	a[16];
	size_t		node = 0;
	unsigned	i;
	struct rec	rec;

	for (i = 0; i < 96; i++) {
		if (w->nodes[node].r[0].kind != R_NODE)
			return 0;	/* no IPv4 networks */
		node = w->nodes[node].r[0].v;
	}
	memset(a, 0, sizeof(a));
	a[10] = a[11] = 0xff;
	rec.kind = R_NODE;
	rec.v = (uint32_t)node;
	return set_path(w, a, 96, rec);
}

static uint64_t
rec_value(const struct mmdb_writer *w, struct rec r)
{
	switch (r.kind) {
	case R_NODE:
		return r.v;
	case R_DATA:
		return (uint64_t)w->n + 16 + r.v;
	default:
		return w->n;
	}
}

static void
put_record(struct bytes *b, uint64_t v, unsigned size)
{
	int	i;

	for (i = (int)size / 8 - 1; i >= 0; i--)
		put1(b, (unsigned)(v >> (8 * i)));
}

static void
meta_key(struct bytes *b, const char *k)
{
	enc_string(b, k, strlen(k));
}

int
mmdb_writer_write(struct mmdb_writer *w, const char *path,
    const char *type, const char *const *languages)
{
	static const char *const en[] = { "en", NULL };
	struct bytes	 out = { NULL, 0, 0, 0 };
	char		 tmp[4096];
	uint64_t	 maxv;
	unsigned	 size;
	size_t		 i, nlang;
	FILE		*f;
	int		 n;

	if (alias_mapped(w) == -1)
		return -1;
	if (languages == NULL)
		languages = en;
	maxv = (uint64_t)w->n + 16 + w->data.len;
	size = maxv < (1u << 24) ? 24 : 32;
	if (maxv > UINT32_MAX)
		return fail(w, "database too large");

	for (i = 0; i < w->n; i++) {
		put_record(&out, rec_value(w, w->nodes[i].r[0]), size);
		put_record(&out, rec_value(w, w->nodes[i].r[1]), size);
	}
	for (i = 0; i < 16; i++)
		put1(&out, 0);
	put(&out, w->data.p, w->data.len);
	put(&out, metadata_marker, sizeof(metadata_marker) - 1);

	for (nlang = 0; languages[nlang] != NULL; nlang++)
		continue;
	control(&out, T_MAP, 9);
	meta_key(&out, "binary_format_major_version");
	enc_uint(&out, T_UINT16, 2);
	meta_key(&out, "binary_format_minor_version");
	enc_uint(&out, T_UINT16, 0);
	meta_key(&out, "build_epoch");
	enc_uint(&out, T_UINT64, (uint64_t)time(NULL));
	meta_key(&out, "database_type");
	enc_string(&out, type, strlen(type));
	meta_key(&out, "description");
	control(&out, T_MAP, 1);
	meta_key(&out, "en");
	enc_string(&out, "Test database", 13);
	meta_key(&out, "ip_version");
	enc_uint(&out, T_UINT16, 6);
	meta_key(&out, "languages");
	control(&out, T_ARRAY, nlang);
	for (i = 0; i < nlang; i++)
		enc_string(&out, languages[i], strlen(languages[i]));
	meta_key(&out, "node_count");
	enc_uint(&out, T_UINT32, w->n);
	meta_key(&out, "record_size");
	enc_uint(&out, T_UINT16, size);
	if (out.err) {
		free(out.p);
		return fail(w, "out of memory");
	}

	n = snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		free(out.p);
		return fail(w, "path too long");
	}
	if ((f = fopen(tmp, "wb")) == NULL) {
		free(out.p);
		return fail(w, "%s: %s", tmp, strerror(errno));
	}
	n = fwrite(out.p, 1, out.len, f) != out.len;
	if (fclose(f) != 0 || n || rename(tmp, path) == -1) {
		unlink(tmp);
		free(out.p);
		return fail(w, "%s: %s", path, strerror(errno));
	}
	free(out.p);
	return 0;
}
