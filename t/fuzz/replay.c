/*
 * A plain main for the fuzz targets, so that `make check` builds them as
 * ordinary programs and replays the committed corpus (every past crash
 * stays a regression test; SQLite's test/fuzzcheck.c does the same).
 *
 *	fuzz_query [file | directory ...]
 *
 * Each file, and each regular file directly inside each directory, is given
 * to LLVMFuzzerTestOneInput() once; with no arguments, standard input is.
 * A target reports a broken invariant by aborting.  Exits 0 when every
 * input was read and replayed, 1 when one could not be read.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

static int	nrun;

/* Read all of f; the buffer is malloc'd (never NULL on success). */
static int
slurp(FILE *f, uint8_t **out, size_t *outlen)
{
	uint8_t	*p = NULL, *np;
	size_t	 len = 0, cap = 0, n;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((np = realloc(p, cap)) == NULL) {
				free(p);
				return -1;
			}
			p = np;
		}
		n = fread(p + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(p);
		return -1;
	}
	*out = p;
	*outlen = len;
	return 0;
}

static int
run_file(const char *path)
{
	FILE	*f;
	uint8_t	*data, *copy;
	size_t	 len;
	int	 rc;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = slurp(f, &data, &len);
	fclose(f);
	if (rc == -1) {
		fprintf(stderr, "%s: read error\n", path);
		return -1;
	}
	/* An exact-size copy, so ASan sees any read past the input. */
	if ((copy = malloc(len ? len : 1)) == NULL) {
		free(data);
		return -1;
	}
	if (len > 0)
		memcpy(copy, data, len);
	free(data);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	nrun++;
	return 0;
}

static int
run_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 path[4096];
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path)) {
			rc = -1;
			continue;
		}
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (run_file(path) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct stat	 st;
	uint8_t		*data;
	size_t		 len;
	int		 i, rc = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		if (slurp(stdin, &data, &len) == -1)
			return 1;
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i]) == -1)
				rc = 1;
		} else if (run_file(argv[i]) == -1)
			rc = 1;
	}
	if (getenv("FUZZ_REPLAY_VERBOSE") != NULL)
		fprintf(stderr, "%s: %d inputs replayed\n", argv[0], nrun);
	return rc;
}
