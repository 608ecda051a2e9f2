/*
 * Fuzz conf_load(): each input is written to input.conf in a private
 * directory under /tmp that also holds a few files to include (shared.conf,
 * nested.conf, bad.conf, deep.conf); the input may include them, or itself.
 * Inputs that could include a file outside that directory (any '/' with
 * "include") are skipped, so a run never reads /dev/stdin or the like.
 *
 * lib/conf.c is included to reach keys[] for the invariants: after a
 * successful load every int is within its bounds, every bool 0 or 1, every
 * enum one of its values, every string set, NUL- and newline-free and
 * shorter than a line; an error names a file of the directory and is
 * NUL-terminated; loading the same file twice gives the same result and the
 * same configuration.
 */
#include "../../lib/conf.c"

#include <stdint.h>
#include <unistd.h>

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	dir[64];
static char	input[128];

static const char *const files[][2] = {
	{ "shared.conf", "# shared\ndomain = shared.example\n"
	    "session_expire_time = 900\ncaptcha = \"geetest\"\n" },
	{ "nested.conf", "include shared.conf\nlog_level = warn\n" },
	{ "bad.conf", "domain = x\nno_such_key = 1\n" },
	{ "deep.conf", "include deep.conf\n" },
	{ "ints.conf", "body_limit = 1024\nmax_params = 10000\n"
	    "password_min_entropy = 0\napi_cors_max_age = 604800\n" },
};

static void
cleanup(void)
{
	char	path[128];
	size_t	i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		unlink(path);
	}
	unlink(input);
	rmdir(dir);
}

static void
setup(void)
{
	char	path[128];
	FILE	*f;
	size_t	i;

	snprintf(dir, sizeof(dir), "/tmp/fuzz_conf.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		if ((f = fopen(path, "w")) == NULL)
			abort();
		fputs(files[i][1], f);
		fclose(f);
	}
	snprintf(input, sizeof(input), "%s/input.conf", dir);
	atexit(cleanup);
}

/* The whole configuration, every key, as text. */
static char *
snapshot(void)
{
	char	*out = NULL;
	size_t	 len = 0;
	FILE	*f;

	if ((f = open_memstream(&out, &len)) == NULL)
		abort();
	conf_dump(f);
	fclose(f);
	return out;
}

static void
check_cfg(void)
{
	const struct key	*k;
	const char		*s;
	long			 n;
	int			 b;
	size_t			 i;

	for (k = keys; k->name != NULL; k++) {
		switch (k->type) {
		case K_INT:
			n = *(long *)((char *)&cfg + k->off);
			CHECK(n >= k->min && n <= k->max);
			break;
		case K_BOOL:
			b = *(int *)((char *)&cfg + k->off);
			CHECK(b == 0 || b == 1);
			break;
		case K_ENUM:
			s = *(char **)((char *)&cfg + k->off);
			CHECK(s != NULL);
			for (i = 0; k->values[i] != NULL; i++)
				if (strcmp(s, k->values[i]) == 0)
					break;
			CHECK(k->values[i] != NULL);
			break;
		case K_STR:
			s = *(char **)((char *)&cfg + k->off);
			CHECK(s != NULL);
			CHECK(strchr(s, '\n') == NULL);
			CHECK(strlen(s) < MAX_LINE);
			break;
		}
	}
}

static int
has_include(const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i + 7 <= n; i++)
		if (memcmp(p + i, "include", 7) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 err1[512], err2[512], *snap1, *snap2;
	FILE	*f;
	int	 rc1, rc2;

	if (dir[0] == '\0')
		setup();
	if (memchr(data, '/', size) != NULL && has_include(data, size))
		return 0;
	if ((f = fopen(input, "w")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);

	conf_defaults();
	memset(err1, 'x', sizeof(err1));
	rc1 = conf_load(input, err1, sizeof(err1));
	CHECK(rc1 == 0 || rc1 == -1);
	if (rc1 == 0)
		check_cfg();
	else {
		CHECK(memchr(err1, '\0', sizeof(err1)) != NULL);
		CHECK(strncmp(err1, dir, strlen(dir)) == 0);
	}
	snap1 = snapshot();

	conf_defaults();
	memset(err2, 'x', sizeof(err2));
	rc2 = conf_load(input, err2, sizeof(err2));
	CHECK(rc1 == rc2);
	if (rc1 == -1)
		CHECK(strcmp(err1, err2) == 0);
	snap2 = snapshot();
	CHECK(strcmp(snap1, snap2) == 0);
	free(snap1);
	free(snap2);
	return 0;
}
