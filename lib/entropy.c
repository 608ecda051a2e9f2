/*
 * Barong's password entropy (the strong_password 0.0.9 algorithm), see
 * spec/user-api.md 6.2 and entropy.h.
 *
 * A password is decoded into code points once (at most 1000 of them);
 * every candidate string of the algorithm (lower-cased, reversed,
 * keyboard-masked, dictionary variants) is an array of code points in a
 * per-call context, so one measurement allocates once.  The numbers are
 * summed in double in the order Ruby adds them, which gives the same
 * bits: Ruby's Integer terms are small and exact, and an Integer plus a
 * Float is that Float addition.
 *
 * Unicode: upper/lower/digit flags use PCRE2's Uppercase, Lowercase and
 * Nd properties, which are what Ruby's [[:upper:]], [[:lower:]] and
 * [[:digit:]] match on UTF-8 strings.  Lower-casing is Ruby's full
 * String#downcase for U+0130 (two code points) and the simple Unicode
 * mapping (towlower_l in the C.UTF-8 locale, whatever the process locale
 * is) for every other character; without that locale only ASCII is
 * lower-cased.  Bytes that are not valid UTF-8 count as Latin-1 code
 * points, one per byte (Ruby would raise instead).
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include <openssl/crypto.h>
#include <pcre2.h>

#include "entropy.h"

/* String#downcase may double a string (U+0130 gives two code points). */
#define MAXCP		(2 * ENTROPY_MAX_CHARS)

/* Open addressing table of non-ASCII code points; twice MAXCP at least. */
#define HCAP		4096

#define CL_UPPER	0x01
#define CL_LOWER	0x02
#define CL_DIGIT	0x04

struct cpent {
	uint32_t	cp;	/* 0: free slot (ASCII never goes here) */
	uint32_t	gen;	/* count is valid when gen == ctx gen */
	uint32_t	count;	/* occurrences so far in this string */
	uint32_t	cls;	/* CL_* */
};

/* Everything one measurement needs; wiped and freed at the end. */
struct ctx {
	struct cpent	tab[HCAP];
	uint32_t	gen;
	uint32_t	acount[128];	/* ASCII occurrences so far */
	uint32_t	p[ENTROPY_MAX_CHARS];	/* the password */
	uint32_t	b[MAXCP];	/* its lower-case form */
	uint32_t	t[MAXCP];	/* a variant */
	uint32_t	r[MAXCP];	/* a reversed string */
	uint32_t	u[MAXCP];	/* a masked or substituted string */
};

/*
 * Keyboard runs of QwertyAdjuster, in its order.  Every substring of
 * length 6, 5, 4 then 3 of each sequence is one alternative of a Ruby
 * Regexp.union; a '-' in a run was turned into "\-" by the gem (String#sub
 * with '\\-'), so such a run only matches a backslash followed by a dash.
 */
static const char *const qwerty_seqs[] = {
	"1234567890-",
	"qwertyuiop",
	"asdfghjkl;",
	"zxcvbnm,./",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/-['=]:?_{\"+}",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
	"qazwsxedcrfvtgbyhnujmik,ol.p;/-['=]:?_{\"+}",
	"qazwsxedcrfvtgbyhnujmikolp",
	"]\"/=[;.-pl,0okm9ijn8uhb7ygv6tfc5rdx4esz3wa2q1",
	"pl0okm9ijn8uhb7ygv6tfc5rdx4esz3wa2q1",
	"]\"/[;.pl,okmijnuhbygvtfcrdxeszwaq",
	"plokmijnuhbygvtfcrdxeszwaq",
	"014725836914702583697894561230258/369*+-*/",
	"abcdefghijklmnopqrstuvwxyz",
};

#define QRUN_MAX	2048

struct qrun {
	char	s[8];
	size_t	len;
};

/* Character maps of PasswordVariants (String#tr, ASCII only). */
static const char shift_dr_from[] = "aq1sw2de3fr4gt5hy6ju7i8o90";
static const char shift_dr_to[] =   "zaqxswcdevfrbgtnhymjukilop";
static const char shift_dl_from[] = "2w3se4dr5ft6gy7hu8ji9ko0p-";
static const char shift_dl_to[] =   "qawzsexdrcftvgybhunjimkolp";
static const char leet_from[] =     "@!$1234567890";
static const char leet1_to[] =      "aisizeasgtbgo";
static const char leet2_to[] =      "aislzeasgtbgo";

/* The common-password dictionary as a trie over code points. */
struct dnode {
	uint32_t	edge;	/* first of its edges in dict.edges */
	uint32_t	nedge;	/* edges sorted by code point */
	uint32_t	term;	/* a word ends here */
};

struct dedge {
	uint32_t	cp;
	uint32_t	node;
};

struct dict {
	struct dnode	*nodes;	/* node 0 is the root */
	struct dedge	*edges;
	size_t		 nwords;
	uint32_t	 root[128];	/* root's ASCII children, 0: none */
};

static int		 ready;
static locale_t		 c_utf8;
static pcre2_code	*cls_re;
static pcre2_match_data	*cls_md;
static double		 pow75[MAXCP];
static struct qrun	 qruns[QRUN_MAX];
static uint16_t		 qorder[QRUN_MAX];
static uint16_t		 qstart[129];
static struct dict	*dict;

static void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL && n != 0 && size != 0)
		abort();
	return p;
}

static void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		abort();
	if ((p = realloc(old, n * size)) == NULL && n != 0 && size != 0)
		abort();
	return p;
}

/*
 * Expand the keyboard sequences into their runs, in Regexp.union order,
 * and index the runs by first character (a stable counting sort), so that
 * the first run matching at a position is the first tried.
 */
static void
init_qwerty(void)
{
	struct qrun	*q;
	size_t		 i, n, len, z, x, k, j;
	const char	*s;
	uint16_t	 fill[128];

	n = 0;
	for (i = 0; i < sizeof(qwerty_seqs) / sizeof(qwerty_seqs[0]); i++) {
		s = qwerty_seqs[i];
		len = strlen(s);
		for (z = 6; z >= 3; z--) {
			for (x = 0; x + z <= len; x++) {
				if (n == QRUN_MAX)
					abort();
				q = &qruns[n++];
				for (j = k = 0; j < z; j++) {
					if (s[x + j] == '-' &&
					    memchr(s + x, '-', j) == NULL)
						q->s[k++] = '\\';
					q->s[k++] = s[x + j];
				}
				q->len = k;
			}
		}
	}
	memset(qstart, 0, sizeof(qstart));
	for (i = 0; i < n; i++)
		qstart[(unsigned char)qruns[i].s[0] + 1]++;
	for (i = 1; i <= 128; i++)
		qstart[i] += qstart[i - 1];
	memcpy(fill, qstart, sizeof(fill));
	for (i = 0; i < n; i++)
		qorder[fill[(unsigned char)qruns[i].s[0]]++] = (uint16_t)i;
}

static void
init_once(void)
{
	int		 error;
	PCRE2_SIZE	 off;
	size_t		 i;

	if (ready)
		return;
	c_utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	cls_re = pcre2_compile((PCRE2_SPTR)
	    "(\\p{Uppercase})|(\\p{Lowercase})|\\p{Nd}",
	    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_ANCHORED, &error, &off,
	    NULL);
	/* PCRE2 before 10.40 has no binary properties: Lu and Ll then */
	if (cls_re == NULL)
		cls_re = pcre2_compile(
		    (PCRE2_SPTR)"(\\p{Lu})|(\\p{Ll})|\\p{Nd}",
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_ANCHORED,
		    &error, &off, NULL);
	if (cls_re == NULL)
		abort();
	if ((cls_md = pcre2_match_data_create_from_pattern(cls_re,
	    NULL)) == NULL)
		abort();
	pow75[0] = 1;
	for (i = 1; i < MAXCP; i++)
		pow75[i] = pow75[i - 1] * 0.75;	/* as Ruby multiplies */
	init_qwerty();
	ready = 1;
}

/*
 * The code point at s[*i], strictly decoded (no overlong forms,
 * surrogates or values past U+10FFFF); a byte that does not start a
 * valid sequence is the Latin-1 code point of that byte.  Advances *i.
 */
static uint32_t
next_cp(const unsigned char *s, size_t len, size_t *i)
{
	size_t		need, k, at = *i;
	uint32_t	c = s[at], min;

	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		min = 0x80;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		min = 0x800;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		min = 0x10000;
		c &= 0x07;
	} else {
		*i = at + 1;
		return c;
	}
	if (len - at > need) {
		for (k = 1; k <= need; k++) {
			if ((s[at + k] & 0xc0) != 0x80)
				break;
			c = (c << 6) | (s[at + k] & 0x3f);
		}
		if (k > need && c >= min && c <= 0x10ffff &&
		    (c < 0xd800 || c > 0xdfff)) {
			*i = at + need + 1;
			return c;
		}
	}
	*i = at + 1;
	return s[at];
}

static size_t
decode(const char *str, size_t len, uint32_t *out, size_t max)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i, n;

	for (i = n = 0; i < len && n < max; n++)
		out[n] = next_cp(s, len, &i);
	return n;
}

/*
 * Number of characters in str as Ruby's String#length counts them on a
 * UTF-8 string: code points, each invalid byte counting as one.
 */
size_t
entropy_char_count(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i, n;

	for (i = n = 0; i < len; n++)
		(void)next_cp(s, len, &i);
	return n;
}

/* Upper/lower/digit class of a non-ASCII code point, through PCRE2. */
static uint32_t
classify(uint32_t cp)
{
	unsigned char	 u[4];
	size_t		 n;
	int		 rc;
	PCRE2_SIZE	*ov;

	if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		u[0] = 0xf0 | (cp >> 18);
		u[1] = 0x80 | ((cp >> 12) & 0x3f);
		u[2] = 0x80 | ((cp >> 6) & 0x3f);
		u[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	rc = pcre2_match(cls_re, u, n, 0, PCRE2_NO_UTF_CHECK, cls_md, NULL);
	if (rc < 0)
		return 0;
	ov = pcre2_get_ovector_pointer(cls_md);
	if (rc >= 2 && ov[2] != PCRE2_UNSET)
		return CL_UPPER;
	if (rc >= 3 && ov[4] != PCRE2_UNSET)
		return CL_LOWER;
	return CL_DIGIT;
}

/* The table slot of a non-ASCII code point, filled in on first sight. */
static struct cpent *
lookup(struct ctx *c, uint32_t cp)
{
	size_t		 h;
	struct cpent	*e;

	h = (cp * 2654435761u) & (HCAP - 1);
	for (;;) {
		e = &c->tab[h];
		if (e->cp == cp)
			return e;
		if (e->cp == 0) {
			e->cp = cp;
			e->cls = classify(cp);
			return e;
		}
		h = (h + 1) & (HCAP - 1);
	}
}

static int
is_ruby_space(uint32_t c)
{
	/* Ruby's \s: [ \t\n\v\f\r], ASCII only */
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * NistBonusBits.bonus_bits: the mixed-case/digit/symbol bonus and the
 * space adjustment (split on /\s+/ keeps a leading empty piece and drops
 * trailing ones).
 */
static int
bonus_bits(const uint32_t *s, size_t n, uint32_t cls, int other, int space)
{
	int	upper = (cls & CL_UPPER) != 0, lower = (cls & CL_LOWER) != 0;
	int	digit = (cls & CL_DIGIT) != 0, bits, inword;
	size_t	i, pieces;

	if (upper && lower && other && digit)
		bits = 6;
	else if (upper && lower && other && !digit)
		bits = 5;
	else if (digit && other && !upper && !lower)
		bits = -2;
	else if (digit && !other && !upper && !lower)
		bits = -6;
	else
		bits = 0;
	if (!space)
		return bits - 2;
	pieces = 0;
	inword = 0;
	for (i = 0; i < n; i++) {
		if (is_ruby_space(s[i]))
			inword = 0;
		else if (!inword) {
			pieces++;
			inword = 1;
		}
	}
	if (pieces > 0 && is_ruby_space(s[0]))
		pieces++;
	if (pieces > 3)
		bits += 1;
	return bits;
}

/*
 * EntropyCalculator.calculate (bits with repeats weakened) plus the bonus
 * bits.  Position 0 is worth 4, positions 1-7 twice the character's
 * weight, 8-19 one and a half times, 20 on once; a character's weight
 * starts at Integer 1 and becomes Float 0.75 times its last one after
 * each occurrence.
 */
static void
nist(struct ctx *c, const uint32_t *s, size_t n, struct entropy *out)
{
	struct cpent	*e;
	double		 sum, w;
	uint32_t	 cls, ch, k;
	size_t		 i;
	int		 isf, other, space;

	c->gen++;
	memset(c->acount, 0, sizeof(c->acount));
	sum = 0;
	isf = other = space = 0;
	cls = 0;
	for (i = 0; i < n; i++) {
		ch = s[i];
		if (ch < 128) {
			k = c->acount[ch]++;
			if (ch >= 'A' && ch <= 'Z')
				cls |= CL_UPPER;
			else if (ch >= 'a' && ch <= 'z')
				cls |= CL_LOWER;
			else if (ch >= '0' && ch <= '9')
				cls |= CL_DIGIT;
			else if (ch == ' ')
				space = 1;
			else
				other = 1;
		} else {
			e = lookup(c, ch);
			if (e->gen != c->gen) {
				e->gen = c->gen;
				e->count = 0;
			}
			k = e->count++;
			cls |= e->cls;
			other = 1;
		}
		if (i == 0) {
			sum += 4;
			continue;
		}
		w = pow75[k];
		if (k > 0)
			isf = 1;
		if (i > 19)
			sum += w;
		else if (i > 7) {
			sum += w * 1.5;
			isf = 1;
		} else
			sum += w * 2;
	}
	out->value = sum + bonus_bits(s, n, cls, other, space);
	out->is_float = isf;
}

/* Array#min keeps the first of equal values: replace on "less" only. */
static void
take_min(struct entropy *best, const struct entropy *e)
{
	if (e->value < best->value)
		*best = *e;
}

/* Ruby's String#downcase, see the comment at the top. */
static size_t
downcase(const uint32_t *s, size_t n, uint32_t *d)
{
	size_t		i, m;
	uint32_t	ch;

	for (i = m = 0; i < n; i++) {
		ch = s[i];
		if (ch < 128) {
			if (ch >= 'A' && ch <= 'Z')
				ch += 'a' - 'A';
		} else if (ch == 0x130) {
			d[m++] = 'i';
			ch = 0x307;
		} else if (c_utf8 != (locale_t)0)
			ch = (uint32_t)towlower_l((wint_t)ch, c_utf8);
		d[m++] = ch;
	}
	return m;
}

static void
reverse(const uint32_t *s, size_t n, uint32_t *d)
{
	size_t	i;

	for (i = 0; i < n; i++)
		d[i] = s[n - 1 - i];
}

/*
 * QwertyAdjuster#mask_qwerty_strings: String#gsub with the union of all
 * keyboard runs, each non-overlapping match (first alternative in union
 * order at the leftmost position) becoming "*".  Returns the new length
 * and sets *changed when anything was masked.
 */
static size_t
mask_qwerty(const uint32_t *s, size_t n, uint32_t *d, int *changed)
{
	const struct qrun	*q;
	size_t			 i, m, j, k;
	uint32_t		 ch;

	*changed = 0;
	for (i = m = 0; i < n;) {
		ch = s[i];
		if (ch < 128) {
			for (j = qstart[ch]; j < qstart[ch + 1]; j++) {
				q = &qruns[qorder[j]];
				if (q->len > n - i)
					continue;
				for (k = 1; k < q->len; k++)
					if (s[i + k] != (unsigned char)q->s[k])
						break;
				if (k == q->len)
					break;
			}
			if (j < qstart[ch + 1]) {
				d[m++] = '*';
				i += qruns[qorder[j]].len;
				*changed = 1;
				continue;
			}
		}
		d[m++] = s[i++];
	}
	return m;
}

/*
 * QwertyAdjuster#adjusted_entropy with threshold T; ep is E(p), already
 * known.  Bails out as soon as the minimum drops under T.
 */
static void
qwerty(struct ctx *c, size_t n, double thr, const struct entropy *ep,
    struct entropy *out)
{
	struct entropy	e, m;
	size_t		nq;
	int		changed;

	m = *ep;
	reverse(c->p, n, c->r);
	nist(c, c->r, n, &e);
	take_min(&m, &e);
	if (m.value < thr)
		goto done;
	nq = mask_qwerty(c->p, n, c->u, &changed);
	if (changed) {
		nist(c, c->u, nq, &e);
		take_min(&m, &e);
	}
	if (m.value < thr)
		goto done;
	nq = mask_qwerty(c->r, n, c->u, &changed);
	if (changed) {
		nist(c, c->u, nq, &e);
		take_min(&m, &e);
	}
done:
	*out = m;
}

static uint32_t
dict_child(const struct dict *d, uint32_t v, uint32_t cp)
{
	const struct dedge	*ed;
	size_t			 lo, hi, mid;

	if (v == 0 && cp < 128)
		return d->root[cp];
	ed = d->edges + d->nodes[v].edge;
	lo = 0;
	hi = d->nodes[v].nedge;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ed[mid].cp == cp)
			return ed[mid].node;
		if (ed[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * String#sub with the union of the dictionary words sorted longest
 * first: the leftmost position where a word starts, the longest word
 * there, replaced by "*".  Returns the new length (n when none).
 */
static size_t
dict_sub(const struct dict *d, const uint32_t *s, size_t n, uint32_t *out)
{
	size_t		i, j, best;
	uint32_t	v;

	for (i = 0; i < n; i++) {
		best = 0;
		v = 0;
		for (j = i; j < n; j++) {
			if ((v = dict_child(d, v, s[j])) == 0)
				break;
			if (d->nodes[v].term)
				best = j - i + 1;
		}
		if (best > 0) {
			memcpy(out, s, i * sizeof(*s));
			out[i] = '*';
			memcpy(out + i + 1, s + i + best,
			    (n - i - best) * sizeof(*s));
			return n - best + 1;
		}
	}
	memcpy(out, s, n * sizeof(*s));
	return n;
}

/* String#tr with single-character ASCII maps. */
static void
translate(const uint32_t *s, size_t n, uint32_t *d, const char *from,
    const char *to)
{
	const char	*p;
	size_t		 i;

	for (i = 0; i < n; i++) {
		d[i] = s[i];
		if (s[i] != 0 && s[i] < 128 &&
		    (p = strchr(from, (int)s[i])) != NULL)
			d[i] = (unsigned char)to[p - from];
	}
}

static int
has_any(const uint32_t *s, size_t n, const char *set)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i] != 0 && s[i] < 128 && strchr(set, (int)s[i]) != NULL)
			return 1;
	return 0;
}

/* One variant and its reverse through the dictionary (c->t holds it). */
static void
dict_pair(struct ctx *c, size_t n, struct entropy *m)
{
	struct entropy	e;
	size_t		k;

	k = dict_sub(dict, c->t, n, c->u);
	nist(c, c->u, k, &e);
	take_min(m, &e);
	reverse(c->t, n, c->r);
	k = dict_sub(dict, c->r, n, c->u);
	nist(c, c->u, k, &e);
	take_min(m, &e);
}

/*
 * DictionaryAdjuster#adjusted_entropy on b = downcase(p) (c->b, nb long),
 * eb being E(b).  Variants in PasswordVariants.all_variants order: b,
 * then keyboard shifts down-right and down-left with their reverses
 * unless b has a bottom-row key, then both leet maps with their reverses
 * when b has a leet character.  Ruby removes duplicate variants first;
 * evaluating one twice cannot change a minimum that keeps the first of
 * equals, so they are not looked for.
 */
static void
dictionary(struct ctx *c, size_t nb, const struct entropy *eb,
    struct entropy *out)
{
	struct entropy	e, m;
	size_t		k;

	m = *eb;
	k = dict_sub(dict, c->b, nb, c->u);
	nist(c, c->u, k, &e);
	take_min(&m, &e);
	if (!has_any(c->b, nb, "zxcvbnm,./<>?")) {
		translate(c->b, nb, c->t, shift_dr_from, shift_dr_to);
		dict_pair(c, nb, &m);
		translate(c->b, nb, c->t, shift_dl_from, shift_dl_to);
		dict_pair(c, nb, &m);
	}
	if (has_any(c->b, nb, "@!$0123456789")) {
		translate(c->b, nb, c->t, leet_from, leet1_to);
		dict_pair(c, nb, &m);
		translate(c->b, nb, c->t, leet_from, leet2_to);
		dict_pair(c, nb, &m);
	}
	*out = m;
}

/*
 * StrengthChecker#calculate_entropy of the first ENTROPY_MAX_CHARS
 * characters of pw (len bytes of UTF-8) with min_entropy threshold and
 * use_dictionary: the first minimum of E(p), E(downcase(p)), the
 * keyboard-run value and, when asked for and a dictionary is loaded, the
 * dictionary value.  Never fails (allocation failure aborts).
 */
void
entropy_measure(const char *pw, size_t len, double threshold,
    int use_dictionary, struct entropy *out)
{
	struct ctx	*c;
	struct entropy	 best, e, ep, eb;
	size_t		 n, nb;

	init_once();
	c = xcalloc(1, sizeof(*c));
	n = decode(pw, len, c->p, ENTROPY_MAX_CHARS);
	nist(c, c->p, n, &ep);
	best = ep;
	nb = downcase(c->p, n, c->b);
	nist(c, c->b, nb, &eb);
	take_min(&best, &eb);
	qwerty(c, n, threshold, &ep, &e);
	take_min(&best, &e);
	if (use_dictionary && dict != NULL) {
		dictionary(c, nb, &eb, &e);
		take_min(&best, &e);
	}
	*out = best;
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

/*
 * Render a result as Ruby's to_json does: an Integer in decimal ("16",
 * "-2"); a Float in the shortest form that reads back to the same double,
 * with at least one decimal ("15.5", "21.0", "19.59375") and exponent
 * notation outside 1e-4 <= |v| < 1e15 ("1.0e+15"), as Float#to_s.
 * Returns 0, or -1 when buf is too short or the value is not finite.
 */
int
entropy_format(const struct entropy *e, char *buf, size_t len)
{
	char	 tmp[40], digits[24], *p;
	int	 prec, exp10, decpt, nd, i, r;
	size_t	 at;
	double	 v = e->value;

	if (!isfinite(v))
		return -1;
	if (!e->is_float) {
		r = snprintf(buf, len, "%.0f", v);
		return r < 0 || (size_t)r >= len ? -1 : 0;
	}
	if (v == 0) {
		r = snprintf(buf, len, "%s", signbit(v) ? "-0.0" : "0.0");
		return r < 0 || (size_t)r >= len ? -1 : 0;
	}
	/* Shortest digit string that round-trips. */
	for (prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	/* tmp is [-]d[.ddd]e[+-]xx: split into digits and exponent. */
	p = tmp;
	if (*p == '-')
		p++;
	for (nd = 0; *p != 'e' && *p != '\0'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	exp10 = (int)strtol(p + 1, NULL, 10);
	decpt = exp10 + 1;	/* v = 0.DIGITS x 10^decpt */

	at = 0;
#define PUT(ch)	do { if (at + 1 >= len) return -1; buf[at++] = (ch); } \
		while (0)
	if (v < 0)
		PUT('-');
	if (decpt > 0 && decpt <= 15) {
		for (i = 0; i < decpt; i++)
			PUT(i < nd ? digits[i] : '0');
		PUT('.');
		if (nd <= decpt)
			PUT('0');
		for (i = decpt; i < nd; i++)
			PUT(digits[i]);
	} else if (decpt <= 0 && decpt > -4) {
		PUT('0');
		PUT('.');
		for (i = 0; i < -decpt; i++)
			PUT('0');
		for (i = 0; i < nd; i++)
			PUT(digits[i]);
	} else {
		PUT(digits[0]);
		PUT('.');
		if (nd == 1)
			PUT('0');
		for (i = 1; i < nd; i++)
			PUT(digits[i]);
		r = snprintf(tmp, sizeof(tmp), "e%c%02d",
		    exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
		for (i = 0; i < r; i++)
			PUT(tmp[i]);
	}
#undef PUT
	buf[at] = '\0';
	return 0;
}

static void
dict_free(struct dict *d)
{
	if (d == NULL)
		return;
	free(d->nodes);
	free(d->edges);
	free(d);
}

/* A word being read: code points in one flat array. */
struct word {
	size_t	off;
	size_t	len;
};

static const uint32_t	*sort_base;

static int
word_cmp(const void *a, const void *b)
{
	const struct word	*x = a, *y = b;
	size_t			 i, n;

	n = x->len < y->len ? x->len : y->len;
	for (i = 0; i < n; i++)
		if (sort_base[x->off + i] != sort_base[y->off + i])
			return sort_base[x->off + i] <
			    sort_base[y->off + i] ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Temporary trie node while building: children are a sibling chain. */
struct tnode {
	uint32_t	cp;
	uint32_t	child;	/* first child */
	uint32_t	last;	/* last child */
	uint32_t	sib;	/* next sibling, greater code point */
	uint32_t	term;
};

/*
 * Build the trie from words sorted by code points: a new child of a node
 * always comes after its last one, so children stay sorted; then lay each
 * node's children out as one sorted edge array.
 */
static struct dict *
dict_build(const uint32_t *cps, struct word *w, size_t nw)
{
	struct dict	*d;
	struct tnode	*t;
	size_t		 nt, capt, i, j, ne;
	uint32_t	 v, ch, k;

	sort_base = cps;
	qsort(w, nw, sizeof(*w), word_cmp);
	capt = 1024;
	t = xreallocarray(NULL, capt, sizeof(*t));
	memset(&t[0], 0, sizeof(t[0]));
	nt = 1;
	d = xcalloc(1, sizeof(*d));
	for (i = 0; i < nw; i++) {
		v = 0;
		for (j = 0; j < w[i].len; j++) {
			ch = cps[w[i].off + j];
			if (t[v].last != 0 && t[t[v].last].cp == ch) {
				v = t[v].last;
				continue;
			}
			if (nt == capt) {
				capt *= 2;
				t = xreallocarray(t, capt, sizeof(*t));
			}
			if (nt >= UINT32_MAX)
				abort();
			memset(&t[nt], 0, sizeof(t[nt]));
			t[nt].cp = ch;
			if (t[v].last != 0)
				t[t[v].last].sib = (uint32_t)nt;
			else
				t[v].child = (uint32_t)nt;
			t[v].last = (uint32_t)nt;
			v = (uint32_t)nt++;
		}
		if (!t[v].term)
			d->nwords++;
		t[v].term = 1;
	}
	d->nodes = xcalloc(nt, sizeof(*d->nodes));
	d->edges = xcalloc(nt, sizeof(*d->edges));
	ne = 0;
	for (i = 0; i < nt; i++) {
		d->nodes[i].edge = (uint32_t)ne;
		d->nodes[i].term = t[i].term;
		for (k = t[i].child; k != 0; k = t[k].sib) {
			d->edges[ne].cp = t[k].cp;
			d->edges[ne].node = k;
			ne++;
			if (i == 0 && t[k].cp < 128)
				d->root[t[k].cp] = k;
		}
		d->nodes[i].nedge = (uint32_t)(ne - d->nodes[i].edge);
	}
	free(t);
	return d;
}

/*
 * Load the common-password dictionary (DictionaryAdjuster's
 * COMMON_PASSWORDS) from path: one word per line (LF or CRLF), UTF-8,
 * lower-cased here as passwords are; words shorter than 4 characters are
 * dropped (min_word_length).  Replaces the dictionary in use only on
 * success; a NULL path unloads it, so that measurements skip the
 * dictionary step.  Returns 0, or -1 with a message in errbuf.
 */
int
entropy_load_dictionary(const char *path, char *errbuf, size_t errlen)
{
	FILE		*f;
	char		*line = NULL;
	size_t		 cap = 0, llen, ncp = 0, capcp = 0, nw = 0;
	size_t		 capw = 0;
	size_t		 n;
	ssize_t		 got;
	uint32_t	*cps = NULL, *tmp = NULL;
	struct word	*w = NULL;
	struct dict	*d;
	int		 rc = -1;

	init_once();
	if (path == NULL) {
		dict_free(dict);
		dict = NULL;
		return 0;
	}
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(errbuf, errlen, "could not open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	/* A line decodes into tmp, lower-cases (up to twice as long) after. */
	tmp = xreallocarray(NULL, MAXCP * 3, sizeof(*tmp));
	while ((got = getline(&line, &cap, f)) != -1) {
		llen = (size_t)got;
		while (llen > 0 &&
		    (line[llen - 1] == '\n' || line[llen - 1] == '\r'))
			llen--;
		if (llen == 0)
			continue;
		n = decode(line, llen, tmp, MAXCP);
		if (n < 4 || n == MAXCP)
			continue;
		n = downcase(tmp, n, tmp + MAXCP);
		if (ncp + n > capcp) {
			capcp = capcp ? capcp * 2 : 65536;
			while (capcp < ncp + n)
				capcp *= 2;
			cps = xreallocarray(cps, capcp, sizeof(*cps));
		}
		memcpy(cps + ncp, tmp + MAXCP, n * sizeof(*cps));
		if (nw == capw) {
			capw = capw ? capw * 2 : 4096;
			w = xreallocarray(w, capw, sizeof(*w));
		}
		w[nw].off = ncp;
		w[nw].len = n;
		nw++;
		ncp += n;
	}
	if (ferror(f)) {
		snprintf(errbuf, errlen, "could not read %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (nw == 0) {
		snprintf(errbuf, errlen, "%s: no word of 4 characters or more",
		    path);
		goto out;
	}
	d = dict_build(cps, w, nw);
	dict_free(dict);
	dict = d;
	rc = 0;
out:
	fclose(f);
	free(line);
	free(tmp);
	free(cps);
	free(w);
	return rc;
}

/* Distinct words in the loaded dictionary, 0 when none is loaded. */
size_t
entropy_dictionary_size(void)
{
	return dict == NULL ? 0 : dict->nwords;
}
