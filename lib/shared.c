/* The shared state file (see shared.h). */
#include "config.h"

#include <sys/types.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "shared.h"

#define SHARED_MAGIC	"BARONGS1"
#define SHARED_HEAD	4096	/* the header's page; slots follow */

struct shared_head {
	char		 magic[8];	/* written last, once set up */
	uint32_t	 nslots;	/* a power of two */
	uint32_t	 pad;
	uint64_t	 counters[SHARED_NCOUNTERS];
	int64_t		 db_until_ms;	/* nonces also in the database */
	pthread_mutex_t	 lock;		/* robust, process-shared */
};

struct shared_slot {
	uint64_t	 tag;
	int64_t		 expires_ms;	/* <= now: free */
};

static struct shared_head	*head;
static struct shared_slot	*slots;
static size_t			 mapped_len;

static size_t
file_len(uint32_t nslots)
{
	return SHARED_HEAD + (size_t)nslots * sizeof(struct shared_slot);
}

static uint32_t
want_slots(void)
{
	uint32_t	n = 1024;

	while (n < (uint64_t)cfg.apikey_nonce_slots && n < (1u << 24))
		n <<= 1;
	return n;
}

/* A new file: zeroed slots, the lock, then the magic. */
static int
setup(int fd, const char *path)
{
	pthread_mutexattr_t	 at;
	struct shared_head	*h;
	uint32_t		 n = want_slots();
	int			 rc = -1;

	if (ftruncate(fd, 0) == -1 || ftruncate(fd, (off_t)file_len(n)) == -1) {
		log_warn("%s: could not size: %s", path, strerror(errno));
		return -1;
	}
	h = mmap(NULL, SHARED_HEAD, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED) {
		log_warn("%s: could not map: %s", path, strerror(errno));
		return -1;
	}
	h->nslots = n;
	if (pthread_mutexattr_init(&at) == 0) {
		if (pthread_mutexattr_setpshared(&at,
		    PTHREAD_PROCESS_SHARED) == 0 &&
		    pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST) == 0 &&
		    pthread_mutex_init(&h->lock, &at) == 0) {
			memcpy(h->magic, SHARED_MAGIC, sizeof(h->magic));
			rc = 0;
		}
		pthread_mutexattr_destroy(&at);
	}
	if (rc == -1)
		log_warn("%s: could not set up its lock", path);
	munmap(h, SHARED_HEAD);
	return rc;
}

/*
 * Whoever can write the file can make the caches trust stale rows: it
 * must be ours (root may use barong's) and closed to others.
 */
static int
trustworthy(const struct stat *st)
{
	return (st->st_uid == geteuid() || geteuid() == 0) &&
	    (st->st_mode & S_IWOTH) == 0 && S_ISREG(st->st_mode);
}

static int	warned;

static void
warn_once(const char *what, const char *why)
{
	if (warned++ == 0)
		log_warn("authz_shared_file %s: %s (changes reach "
		    "barong-authorize only through the database)", what, why);
}

int
shared_open(int create)
{
	const char		*path = cfg.authz_shared_file;
	struct shared_head	 h;
	struct stat		 st;
	void			*p;
	int			 fd;

	if (head != NULL)
		return 0;
	if (*path == '\0')
		return -1;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW |
	    (create ? O_CREAT : 0), 0600);
	if (fd == -1) {
		/* Not made yet: no authorize process caches anything. */
		if (errno != ENOENT || create)
			warn_once(path, strerror(errno));
		return -1;
	}
	/* Whoever finds it without the magic sets it up, one at a time. */
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &st) == -1)
		goto fail;
	if (!trustworthy(&st)) {
		warn_once(path, "not a regular file of this user, or open to "
		    "others: not used");
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size < SHARED_HEAD || pread(fd, &h, sizeof(h), 0) !=
	    (ssize_t)sizeof(h) || memcmp(h.magic, SHARED_MAGIC,
	    sizeof(h.magic)) != 0) {
		if (!create)
			goto fail;
		if (setup(fd, path) == -1 || pread(fd, &h, sizeof(h), 0) !=
		    (ssize_t)sizeof(h) || fstat(fd, &st) == -1)
			goto fail;
	}
	if (h.nslots == 0 || (h.nslots & (h.nslots - 1)) != 0 ||
	    (size_t)st.st_size < file_len(h.nslots))
		goto fail;
	p = mmap(NULL, file_len(h.nslots), PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	(void)flock(fd, LOCK_UN);
	close(fd);
	head = p;
	slots = (struct shared_slot *)((char *)p + SHARED_HEAD);
	mapped_len = file_len(h.nslots);
	return 0;
fail:
	warn_once(path, "could not set it up or map it");
	close(fd);
	return -1;
}

int
shared_available(void)
{
	return head != NULL;
}

uint64_t
shared_counter(enum shared_counter c)
{
	return head != NULL ? __atomic_load_n(&head->counters[c],
	    __ATOMIC_ACQUIRE) : 0;
}

void
shared_bump(unsigned mask)
{
	int	c;

	if (mask == 0 || shared_open(0) == -1)
		return;
	for (c = 0; c < SHARED_NCOUNTERS; c++)
		if (mask & SHARED_BIT(c))
			(void)__atomic_add_fetch(&head->counters[c], 1,
			    __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------ classify */

/*
 * The next word of s (letters, digits, '_'), lower-cased into w; string
 * literals ('...', a doubled quote being two literals) are skipped.
 */
static const char *
next_word(const char *s, char *w, size_t wlen)
{
	size_t	n = 0;

	while (*s != '\0' && !(isalnum((unsigned char)*s) || *s == '_')) {
		if (*s == '\'' && (s = strchr(s + 1, '\'')) == NULL) {
			/* An unterminated literal: no more words. */
			*w = '\0';
			return "";
		}
		s++;
	}
	while (*s != '\0' && (isalnum((unsigned char)*s) || *s == '_')) {
		if (n + 1 < wlen)
			w[n++] = (char)tolower((unsigned char)*s);
		s++;
	}
	w[n] = '\0';
	return s;
}

enum verb { V_NONE, V_INSERT, V_UPDATE, V_DELETE };

static unsigned
table_bits(const char *t, enum verb v)
{
	if (strcmp(t, "permissions") == 0 || strcmp(t, "restrictions") == 0)
		return SHARED_BIT(SHARED_POLICY);
	if (strcmp(t, "sessions") == 0)
		return v == V_DELETE ? SHARED_BIT(SHARED_SUBJECTS) : 0;
	if (strcmp(t, "users") == 0 || strcmp(t, "apikeys") == 0 ||
	    strcmp(t, "service_accounts") == 0)
		return v != V_INSERT ? SHARED_BIT(SHARED_SUBJECTS) : 0;
	return 0;
}

unsigned
shared_classify(const char *sql)
{
	char		 w[32], prev[32] = "", insert_table[32] = "";
	const char	*s = sql;
	enum verb	 want = V_NONE;	/* the next word names its table */
	unsigned	 bits = 0;

	for (;;) {
		s = next_word(s, w, sizeof(w));
		if (*w == '\0')
			break;
		if (want != V_NONE) {
			bits |= table_bits(w, want);
			if (want == V_INSERT)
				snprintf(insert_table, sizeof(insert_table),
				    "%s", w);
			want = V_NONE;
		} else if (strcmp(w, "update") == 0) {
			if (strcmp(prev, "do") == 0)	/* ON CONFLICT DO UPDATE */
				bits |= table_bits(insert_table, V_UPDATE);
			else
				want = V_UPDATE;
		} else if (strcmp(w, "from") == 0 && strcmp(prev, "delete") == 0)
			want = V_DELETE;
		else if (strcmp(w, "into") == 0 && strcmp(prev, "insert") == 0)
			want = V_INSERT;
		snprintf(prev, sizeof(prev), "%s", w);
	}
	return bits;
}

/* ------------------------------------------------------------ nonces */

static int
lock(void)
{
	int	rc = pthread_mutex_lock(&head->lock);

	if (rc == EOWNERDEAD) {
		/* A process died holding it: at worst one slot is torn. */
		log_warn("authz_shared_file: a process died holding the lock");
		rc = pthread_mutex_consistent(&head->lock);
	}
	return rc == 0 ? 0 : -1;
}

int
shared_nonce_record(uint64_t tag, int64_t expires_ms, int64_t now_ms)
{
	struct shared_slot	*s, *free_slot = NULL;
	uint32_t		 mask, i;

	if (head == NULL || lock() == -1)
		return -1;
	mask = head->nslots - 1;
	for (i = 0; i < SHARED_PROBE; i++) {
		s = &slots[(tag + i) & mask];
		if (s->expires_ms > now_ms && s->tag == tag) {
			pthread_mutex_unlock(&head->lock);
			return 0;
		}
		if (free_slot == NULL && s->expires_ms <= now_ms)
			free_slot = s;
	}
	if (free_slot == NULL) {
		if (head->db_until_ms < expires_ms)
			head->db_until_ms = expires_ms;
		pthread_mutex_unlock(&head->lock);
		return -1;
	}
	free_slot->tag = tag;
	free_slot->expires_ms = expires_ms;
	pthread_mutex_unlock(&head->lock);
	return 1;
}

int64_t
shared_nonce_db_until(void)
{
	return head != NULL ? __atomic_load_n(&head->db_until_ms,
	    __ATOMIC_ACQUIRE) : INT64_MAX;
}

void
shared_close(void)
{
	if (head != NULL)
		munmap(head, mapped_len);
	head = NULL;
	slots = NULL;
	mapped_len = 0;
	warned = 0;
}
