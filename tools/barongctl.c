/*
 * barongctl: the operator's command.
 *
 *	barongctl [-c CONFIG] [--db CONNINFO] COMMAND [ARGS]
 *
 * Commands live in one table (name, handler, usage, summary); a new one
 * (users, keys, mailer, ...) is a handler and a line there.  A handler gets
 * argc/argv starting at its own name and returns the exit status: 0 on
 * success, 1 on failure, 2 on a usage error.  Messages go to stderr in
 * PostgreSQL's style: "barongctl: could not connect to database: ...".
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "fsutil.h"
#include "jwt.h"
#include "log.h"
#include "mailer.h"
#include "migrate.h"
#include "password.h"
#include "rekey.h"
#include "seed.h"
#include "version.h"
#include "barongctl_user.h"

#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

#define DEFAULT_CONFIG	SYSCONFDIR "/barong/barongctl.conf"
#define DEFAULT_SQL_DIR	PKGDATADIR "/sql"
#define DEFAULT_KEY_DIR	SYSCONFDIR "/barong"
#define JWT_RSA_BITS	2048

static const char	*progname = "barongctl";
static const char	*db_override;	/* --db */

struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;		/* arguments after the name */
	const char	*summary;
};

static int	cmd_migrate(int, char **);
static int	cmd_seed(int, char **);
static int	cmd_permissions(int, char **);
static int	cmd_keys(int, char **);
static int	cmd_mailer(int, char **);
static int	cmd_user(int, char **);
static int	cmd_version(int, char **);
static int	cmd_help(int, char **);

static const struct command commands[] = {
	{ "migrate", cmd_migrate, "[--dry-run] [--sql-dir DIR]",
	    "apply pending schema migrations" },
	{ "seed", cmd_seed, "[FILE]",
	    "seed levels, permissions, users, restrictions" },
	{ "permissions", cmd_permissions, "reload [FILE]",
	    "replace the permissions with the file's" },
	{ "keys", cmd_keys, "generate [--dir DIR] | check | "
	    "rotate [--batch N] [--prepare] | status",
	    "make, check or rotate the JWT key pair and the master key" },
	{ "mailer", cmd_mailer, "[--once | --daemon] [--batch N] | status",
	    "deliver queued mail, or show the outbox" },
	{ "user", cmd_user, "create --email E (--password-file F | "
	    "--password-stdin) [--role R] [--state S] | set --uid U [--role R] "
	    "[--state S]", "create a user, or change his role or state" },
	{ "version", cmd_version, "", "print the version and exit" },
	{ "help", cmd_help, "[COMMAND]", "show this help" },
	{ NULL, NULL, NULL, NULL }
};

static void
usage_hint(void)
{
	fprintf(stderr, "Try \"%s help\" for more information.\n", progname);
}

static int	usage_error(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage_hint();
	return EXIT_USAGE;
}

static const struct command *
find_command(const char *name)
{
	const struct command	*c;

	for (c = commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/*
 * Open the database and check that it answers, so that a bad conninfo is
 * one clear line instead of a failure in the middle of a command.
 */
static int
open_db(void)
{
	const char	*ci;
	PGconn		*c;
	size_t		 n;
	char		 msg[512];

	ci = db_override != NULL ? db_override :
	    cfg.db_conninfo != NULL ? cfg.db_conninfo : "";
	/*
	 * Probe with libpq directly for PostgreSQL's own message; the db
	 * module then opens its connection on first use.
	 */
	c = PQconnectdb(ci);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		snprintf(msg, sizeof(msg), "%s",
		    c != NULL ? PQerrorMessage(c) : "out of memory");
		n = strlen(msg);
		while (n > 0 && msg[n - 1] == '\n')
			msg[--n] = '\0';
		fprintf(stderr, "%s: could not connect to database: %s\n",
		    progname, msg);
		PQfinish(c);
		return -1;
	}
	PQfinish(c);
	if (db_open(ci) == -1 || db_conn() == NULL) {
		fprintf(stderr, "%s: could not connect to database\n",
		    progname);
		return -1;
	}
	return 0;
}

/* migrate [--dry-run] [--sql-dir DIR] */
static int
cmd_migrate(int argc, char **argv)
{
	const char	*dir = NULL;
	int		 i, dry_run = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0 ||
		    strcmp(argv[i], "-n") == 0)
			dry_run = 1;
		else if (strcmp(argv[i], "--sql-dir") == 0) {
			if (++i == argc)
				return usage_error("option \"%s\" requires an "
				    "argument", "--sql-dir");
			dir = argv[i];
		} else if (strncmp(argv[i], "--sql-dir=", 10) == 0)
			dir = argv[i] + 10;
		else
			return usage_error("migrate: unexpected argument "
			    "\"%s\"", argv[i]);
	}
	if (dir == NULL && (dir = getenv("BARONG_SQL_DIR")) == NULL)
		dir = DEFAULT_SQL_DIR;
	if (open_db() == -1)
		return EXIT_FAIL;
	rc = migrate_run(dir, dry_run);
	db_close();
	if (rc == -1) {
		fprintf(stderr, "%s: migration failed\n", progname);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* seed [FILE] */
static int
cmd_seed(int argc, char **argv)
{
	const char	*path;
	char		 err[512];
	int		 rc;

	if (argc > 2)
		return usage_error("seed: unexpected argument \"%s\"",
		    argv[2]);
	path = argc == 2 ? argv[1] : cfg.seeds_file;
	if (path == NULL || *path == '\0')
		return usage_error("seed: no seeds file");
	/* Seeded users' passwords go through the configured policy. */
	if (password_policy_init(cfg.password_regexp != NULL ?
	    cfg.password_regexp : PASSWORD_DEFAULT_REGEXP,
	    (double)cfg.password_min_entropy, cfg.password_use_dictionary,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", progname, err);
		return EXIT_FAIL;
	}
	if (open_db() == -1)
		return EXIT_FAIL;
	rc = seed_run(path, stdout);
	db_close();
	if (rc == -1) {
		fprintf(stderr, "%s: seeding aborted\n", progname);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* permissions reload [FILE] */
static int
cmd_permissions(int argc, char **argv)
{
	const char	*path;
	int		 rc;

	if (argc < 2)
		return usage_error("permissions: missing subcommand");
	if (strcmp(argv[1], "reload") != 0)
		return usage_error("permissions: unknown subcommand \"%s\"",
		    argv[1]);
	if (argc > 3)
		return usage_error("permissions reload: unexpected argument "
		    "\"%s\"", argv[3]);
	path = argc == 3 ? argv[2] : cfg.seeds_file;
	if (path == NULL || *path == '\0')
		return usage_error("permissions reload: no seeds file");
	if (open_db() == -1)
		return EXIT_FAIL;
	rc = seed_permissions_reload(path, stdout);
	db_close();
	if (rc == -1) {
		fprintf(stderr, "%s: could not reload permissions\n",
		    progname);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* mailer status: counts per state, age of the oldest pending row. */
static int
mailer_print_status(int argc, char **argv)
{
	struct mailer_status	st;
	int			rc;

	if (argc > 2)
		return usage_error("mailer status: unexpected argument "
		    "\"%s\"", argv[2]);
	if (open_db() == -1)
		return EXIT_FAIL;
	rc = mailer_status(&st);
	db_close();
	if (rc == -1) {
		fprintf(stderr, "%s: could not read the outbox\n", progname);
		return EXIT_FAIL;
	}
	printf("pending %lld (due %lld)\n", st.pending, st.due);
	printf("sent %lld\n", st.sent);
	printf("failed %lld\n", st.failed);
	if (st.oldest_pending >= 0)
		printf("oldest pending %lld s\n", st.oldest_pending);
	else
		printf("oldest pending none\n");
	return EXIT_OK;
}

/* mailer [--once | --daemon] [--batch N] | mailer status */
static int
cmd_mailer(int argc, char **argv)
{
	const char	*v;
	char		 err[512], *end;
	long		 batch = MAILER_DEFAULT_BATCH;
	int		 i, daemon = 0, n, sent = 0, failed = 0, rc;

	if (argc >= 2 && strcmp(argv[1], "status") == 0)
		return mailer_print_status(argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0)
			daemon = 0;
		else if (strcmp(argv[i], "--daemon") == 0)
			daemon = 1;
		else if (strcmp(argv[i], "--batch") == 0 ||
		    strncmp(argv[i], "--batch=", 8) == 0) {
			if (argv[i][7] == '=')
				v = argv[i] + 8;
			else if (++i == argc)
				return usage_error("option \"%s\" requires an "
				    "argument", "--batch");
			else
				v = argv[i];
			errno = 0;
			batch = strtol(v, &end, 10);
			if (errno != 0 || end == v || *end != '\0' ||
			    batch < 1 || batch > 100000)
				return usage_error("mailer: --batch must be a "
				    "number from 1 to 100000");
		} else
			return usage_error("mailer: unexpected argument "
			    "\"%s\"", argv[i]);
	}
	if (mailer_start(err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", progname, err);
		return EXIT_FAIL;
	}
	if (open_db() == -1)
		return EXIT_FAIL;
	if (daemon)
		rc = mailer_daemon((int)batch);
	else {
		/* Everything due now; a failed row is due again later. */
		do
			n = mailer_run_once((int)batch, &sent, &failed);
		while (n == batch);
		printf("sent %d, failed %d\n", sent, failed);
		rc = n == -1 ? -1 : 0;
	}
	db_close();
	if (rc == -1) {
		fprintf(stderr, "%s: mailer stopped on a database error\n",
		    progname);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* ---------------------------------------------------------------- keys */

enum keyfile { KF_PRIVATE, KF_PUBLIC, KF_MASTER, KF__MAX };

static const struct {
	const char	*name;
	mode_t		 mode;
	const char	*conf_key;
	const char	*what;
} keyfiles[KF__MAX] = {
	[KF_PRIVATE] = { "jwt-private.pem", 0640, "jwt_private_key",
	    "JWT signing key, RSA 2048, PKCS#8" },
	[KF_PUBLIC] = { "jwt-public.pem", 0644, "jwt_public_key",
	    "JWT verification key" },
	[KF_MASTER] = { "master.key", 0600, "master_key_file",
	    "keyring for secrets at rest" },
};

/* The directory of path ("." when it has none), in buf. */
static const char *
dir_of(const char *path, char *buf, size_t len)
{
	const char	*slash;
	int		 n;

	if ((slash = strrchr(path, '/')) == NULL)
		return ".";
	if (slash == path)
		return "/";
	n = snprintf(buf, len, "%.*s", (int)(slash - path), path);
	return n < 0 || (size_t)n >= len ? NULL : buf;
}

/*
 * Create path with mode (whatever the umask) holding len bytes of data;
 * never replaces an existing file.  Returns 0, or -1 with errno set and
 * nothing left behind.
 */
static int
write_new_file(const char *path, mode_t mode, const char *data, size_t len)
{
	int	fd, saved;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode)) == -1)
		return -1;
	if (fchmod(fd, mode) == -1 || fs_write_all(fd, data, len) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(path);
		errno = saved;
		return -1;
	}
	if (close(fd) == -1) {
		saved = errno;
		unlink(path);
		errno = saved;
		return -1;
	}
	return 0;
}

/*
 * A new RSA key as PKCS#8 and SubjectPublicKeyInfo PEM, in memory BIOs;
 * the private one a secure-memory BIO, whose buffer is cleared when freed.
 */
static int
make_jwt_keypair(BIO **priv, BIO **pub)
{
	EVP_PKEY	*pk;
	unsigned long	 e;
	char		 msg[160];

	*priv = *pub = NULL;
	if ((pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)JWT_RSA_BITS)) == NULL)
		goto fail;
	if ((*priv = BIO_new(BIO_s_secmem())) == NULL ||
	    (*pub = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(*priv, pk, NULL, NULL, 0, NULL,
	    NULL) != 1 || PEM_write_bio_PUBKEY(*pub, pk) != 1)
		goto fail;
	EVP_PKEY_free(pk);
	return 0;
fail:
	e = ERR_get_error();
	ERR_error_string_n(e, msg, sizeof(msg));
	ERR_clear_error();
	fprintf(stderr, "%s: could not generate the JWT key pair: %s\n",
	    progname, e != 0 ? msg : "unknown error");
	EVP_PKEY_free(pk);
	BIO_free(*priv);
	BIO_free(*pub);
	*priv = *pub = NULL;
	return -1;
}

/* keys generate [--dir DIR] */
static int
keys_generate(int argc, char **argv)
{
	char		 path[KF__MAX][PATH_MAX], dirbuf[PATH_MAX];
	char		 absdir[PATH_MAX];
	const char	*dir = NULL;
	struct stat	 st;
	BIO		*priv = NULL, *pub = NULL;
	char		*data;
	long		 len;
	int		 i, n, made[KF__MAX] = { 0 }, exists = 0;
	int		 rc = EXIT_FAIL;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0) {
			if (++i == argc)
				return usage_error("option \"%s\" requires an "
				    "argument", "--dir");
			dir = argv[i];
		} else if (strncmp(argv[i], "--dir=", 6) == 0)
			dir = argv[i] + 6;
		else
			return usage_error("keys generate: unexpected "
			    "argument \"%s\"", argv[i]);
	}
	if (dir == NULL || *dir == '\0') {
		dir = cfg.jwt_private_key != NULL &&
		    *cfg.jwt_private_key != '\0' ? dir_of(cfg.jwt_private_key,
		    dirbuf, sizeof(dirbuf)) : DEFAULT_KEY_DIR;
		if (dir == NULL) {
			fprintf(stderr, "%s: jwt_private_key: path too long\n",
			    progname);
			return EXIT_FAIL;
		}
	}
	if (stat(dir, &st) == -1 || realpath(dir, absdir) == NULL) {
		fprintf(stderr, "%s: could not use directory \"%s\": %s\n",
		    progname, dir, strerror(errno));
		return EXIT_FAIL;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: \"%s\" is not a directory\n", progname,
		    dir);
		return EXIT_FAIL;
	}
	for (i = 0; i < KF__MAX; i++) {
		n = snprintf(path[i], sizeof(path[i]), "%s%s%s", absdir,
		    strcmp(absdir, "/") == 0 ? "" : "/", keyfiles[i].name);
		if (n < 0 || (size_t)n >= sizeof(path[i])) {
			fprintf(stderr, "%s: %s: path too long\n", progname,
			    absdir);
			return EXIT_FAIL;
		}
		if (lstat(path[i], &st) == 0) {
			fprintf(stderr, "%s: \"%s\" already exists; not "
			    "overwriting it\n", progname, path[i]);
			exists = 1;
		} else if (errno != ENOENT) {
			fprintf(stderr, "%s: could not check \"%s\": %s\n",
			    progname, path[i], strerror(errno));
			return EXIT_FAIL;
		}
	}
	if (exists) {
		fprintf(stderr, "%s: nothing written; move the existing "
		    "files away or choose another directory with --dir\n",
		    progname);
		return EXIT_FAIL;
	}

	if (make_jwt_keypair(&priv, &pub) == -1)
		goto out;
	if ((len = BIO_get_mem_data(priv, &data)) <= 0 ||
	    write_new_file(path[KF_PRIVATE], keyfiles[KF_PRIVATE].mode, data,
	    (size_t)len) == -1) {
		fprintf(stderr, "%s: could not write \"%s\": %s\n", progname,
		    path[KF_PRIVATE], strerror(errno));
		goto out;
	}
	made[KF_PRIVATE] = 1;
	if ((len = BIO_get_mem_data(pub, &data)) <= 0 ||
	    write_new_file(path[KF_PUBLIC], keyfiles[KF_PUBLIC].mode, data,
	    (size_t)len) == -1) {
		fprintf(stderr, "%s: could not write \"%s\": %s\n", progname,
		    path[KF_PUBLIC], strerror(errno));
		goto out;
	}
	made[KF_PUBLIC] = 1;
	if (crypto_keygen_file(path[KF_MASTER]) == -1) {
		fprintf(stderr, "%s: could not write \"%s\": %s\n", progname,
		    path[KF_MASTER], strerror(errno));
		goto out;
	}
	made[KF_MASTER] = 1;

	for (i = 0; i < KF__MAX; i++)
		printf("wrote %s (%s, mode %04o)\n", path[i], keyfiles[i].what,
		    (unsigned)keyfiles[i].mode);
	printf("\nAdd to the configuration (barong.conf(5)), e.g. in the "
	    "barong.conf\nthat every program includes:\n\n");
	for (i = 0; i < KF__MAX; i++)
		printf("\t%s = %s\n", keyfiles[i].conf_key, path[i]);
	printf("\n%s is the public half: Peatio and the other upstreams "
	    "verify\nthe JWTs Barong issues with it (Peatio's JWT_PUBLIC_KEY "
	    "is its base64:\n\"base64 -w0 %s\").\n", keyfiles[KF_PUBLIC].name,
	    path[KF_PUBLIC]);
	printf("The programs read %s and %s: give them to the\nuser they "
	    "run as (chown); %s must stay mode 0600.\nKeep a backup of %s: "
	    "without it the secrets stored with it are lost.\n",
	    keyfiles[KF_PRIVATE].name, keyfiles[KF_MASTER].name,
	    keyfiles[KF_MASTER].name, keyfiles[KF_MASTER].name);
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		for (i = 0; i < KF__MAX; i++)
			if (made[i])
				unlink(path[i]);
	BIO_free(priv);
	BIO_free(pub);
	return rc;
}

/* keys check: load the configured keys as the programs do. */
static int
keys_check(int argc, char **argv)
{
	const char	*priv, *pub;
	char		 err[512];
	int		 rc = EXIT_OK;

	if (argc > 2)
		return usage_error("keys check: unexpected argument \"%s\"",
		    argv[2]);
	priv = cfg.jwt_private_key != NULL && *cfg.jwt_private_key != '\0' ?
	    cfg.jwt_private_key : NULL;
	pub = cfg.jwt_public_key != NULL && *cfg.jwt_public_key != '\0' ?
	    cfg.jwt_public_key : NULL;
	if (jwt_keys_load(priv, pub, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: JWT keys: %s\n", progname, err);
		rc = EXIT_FAIL;
	} else {
		printf("JWT keys: OK (%s", jwt_alg());
		if (priv != NULL)
			printf(", signing with %s", priv);
		else
			printf(", no private key: verification only");
		if (pub != NULL)
			printf(", verifying with %s", pub);
		printf(")\n");
		jwt_keys_free();
	}
	if (cfg.master_key_file == NULL || *cfg.master_key_file == '\0') {
		fprintf(stderr, "%s: master key: master_key_file is not set\n",
		    progname);
		rc = EXIT_FAIL;
	} else if (crypto_keyring_load(cfg.master_key_file, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s: master key: %s\n", progname, err);
		rc = EXIT_FAIL;
	} else {
		printf("master key: OK (%s, sealing with version %d)\n",
		    cfg.master_key_file, crypto_keyring_version());
		crypto_keyring_clear();
	}
	return rc;
}

/* The keyring file for rotate and status, or NULL after a message. */
static const char *
master_key_path(const char *cmd)
{
	if (cfg.master_key_file == NULL || *cfg.master_key_file == '\0') {
		fprintf(stderr, "%s: keys %s: master_key_file is not set\n",
		    progname, cmd);
		return NULL;
	}
	return cfg.master_key_file;
}

/*
 * keys rotate [--batch N] [--prepare]: add a key version (unless a
 * rotation is under way) and re-seal every value under an older one
 * (lib/rekey.h).  --prepare stops once the version is in the file, for
 * copying the file to the other hosts before anything is re-sealed.
 */
static int
keys_rotate(int argc, char **argv)
{
	struct rekey_count		 cnt[REKEY_NCOLUMNS];
	const struct rekey_column	*c;
	const char			*path, *v;
	char				 err[PATH_MAX + 256], *end;
	long				 batch = REKEY_DEFAULT_BATCH;
	long long			 resealed = 0, left = 0, failed = 0;
	long long			 malformed = 0;
	int				 i, version, added, prepare = 0, rc;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--prepare") == 0)
			prepare = 1;
		else if (strcmp(argv[i], "--batch") == 0 ||
		    strncmp(argv[i], "--batch=", 8) == 0) {
			if (argv[i][7] == '=')
				v = argv[i] + 8;
			else if (++i == argc)
				return usage_error("option \"%s\" requires an "
				    "argument", "--batch");
			else
				v = argv[i];
			errno = 0;
			batch = strtol(v, &end, 10);
			if (errno != 0 || end == v || *end != '\0' ||
			    batch < 1 || batch > REKEY_MAX_BATCH)
				return usage_error("keys rotate: --batch must "
				    "be a number from 1 to %d",
				    REKEY_MAX_BATCH);
		} else
			return usage_error("keys rotate: unexpected argument "
			    "\"%s\"", argv[i]);
	}
	if ((path = master_key_path("rotate")) == NULL)
		return EXIT_FAIL;
	if (open_db() == -1)
		return EXIT_FAIL;
	if (rekey_start(path, &version, &added, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: keys rotate: %s\n", progname, err);
		rc = EXIT_FAIL;
		goto out;
	}
	if (added)
		printf("added key version %d to %s\n", version, path);
	else
		printf("resuming the rotation to key version %d\n", version);
	if (prepare) {
		printf("copy %s to every host now; then run \"keys rotate\" "
		    "again to re-seal\n", path);
		rc = EXIT_OK;
		goto out;
	}
	memset(cnt, 0, sizeof(cnt));
	fflush(stdout);
	rc = rekey_run(version, (int)batch, cnt, stdout);
	for (i = 0, c = rekey_columns; c->name != NULL; c++, i++) {
		printf("%-32s %lld re-sealed, %lld left", c->name,
		    cnt[i].resealed, cnt[i].left);
		if (cnt[i].failed > 0)
			printf(" (%lld do not open)", cnt[i].failed);
		if (cnt[i].malformed > 0)
			printf(" (%lld malformed)", cnt[i].malformed);
		printf("\n");
		resealed += cnt[i].resealed;
		left += cnt[i].left;
		failed += cnt[i].failed;
		malformed += cnt[i].malformed;
	}
	if (rc == -1) {
		fprintf(stderr, "%s: keys rotate: stopped on a database error "
		    "after re-sealing %lld values; run it again to resume\n",
		    progname, resealed);
		rc = EXIT_FAIL;
		goto out;
	}
	if (rc == 1) {
		fprintf(stderr, "%s: keys rotate: %lld values left below "
		    "version %d (%lld do not open; see the log); run it "
		    "again to resume\n", progname, left, version, failed);
		rc = EXIT_FAIL;
		goto out;
	}
	if (rekey_finish(version) == -1) {
		fprintf(stderr, "%s: keys rotate: could not record the end of "
		    "the rotation; run it again\n", progname);
		rc = EXIT_FAIL;
		goto out;
	}
	printf("done: %lld values re-sealed; every sealed value is under "
	    "version %d\n", resealed, version);
	if (malformed > 0)
		printf("warning: %lld values are not sealed values at all "
		    "(keys status)\n", malformed);
	printf("older versions may be removed from %s by hand once \"keys "
	    "status\" shows none in use\n", path);
	rc = EXIT_OK;
out:
	db_close();
	crypto_keyring_clear();
	return rc;
}

struct status_acc {
	int		current;
	long long	below;
	long long	malformed;
};

static void
print_version_count(const struct rekey_column *c, int version, long long n,
    void *arg)
{
	struct status_acc	*acc = arg;

	if (version == 0) {
		printf("%-32s malformed %lld\n", c->name, n);
		acc->malformed += n;
		return;
	}
	printf("%-32s v%-8d %lld\n", c->name, version, n);
	if (version < acc->current)
		acc->below += n;
}

/* keys status: the keyring's versions and sealed values per version. */
static int
keys_status(int argc, char **argv)
{
	struct status_acc	 acc = { 0, 0, 0 };
	const char		*path;
	char			 err[PATH_MAX + 256];
	int			 vers[64], n, i, pending, rc = EXIT_FAIL;

	if (argc > 2)
		return usage_error("keys status: unexpected argument \"%s\"",
		    argv[2]);
	if ((path = master_key_path("status")) == NULL)
		return EXIT_FAIL;
	if (crypto_keyring_load(path, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: master key: %s\n", progname, err);
		return EXIT_FAIL;
	}
	acc.current = crypto_keyring_version();
	n = crypto_keyring_versions(vers, 64);
	printf("keyring %s: versions", path);
	for (i = 0; i < n; i++)
		printf("%s%d", i == 0 ? " " : ", ", vers[i]);
	printf("; sealing with %d\n", acc.current);
	if (open_db() == -1)
		goto out;
	if ((pending = rekey_pending()) == -1) {
		fprintf(stderr, "%s: could not read key_rotations\n",
		    progname);
		goto out;
	}
	if (pending > 0)
		printf("rotation to version %d under way\n", pending);
	else
		printf("no rotation under way\n");
	if (rekey_versions(print_version_count, &acc) == -1) {
		fprintf(stderr, "%s: could not count the sealed values\n",
		    progname);
		goto out;
	}
	printf("below version %d: %lld\n", acc.current, acc.below);
	if (acc.malformed > 0)
		printf("malformed: %lld\n", acc.malformed);
	rc = EXIT_OK;
out:
	db_close();
	crypto_keyring_clear();
	return rc;
}

/* keys generate [--dir DIR] | check | rotate [...] | status */
static int
cmd_keys(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("keys: missing subcommand");
	if (strcmp(argv[1], "generate") == 0)
		return keys_generate(argc, argv);
	if (strcmp(argv[1], "check") == 0)
		return keys_check(argc, argv);
	if (strcmp(argv[1], "rotate") == 0)
		return keys_rotate(argc, argv);
	if (strcmp(argv[1], "status") == 0)
		return keys_status(argc, argv);
	return usage_error("keys: unknown subcommand \"%s\"", argv[1]);
}

/* user create ... | user set ... (tools/barongctl_user.c) */
static int
cmd_user(int argc, char **argv)
{
	return barongctl_user(argc, argv, open_db);
}

static int
cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return usage_error("version: unexpected argument \"%s\"",
		    argv[1]);
	printf("%s (%s) %s\n", progname, PACKAGE_NAME, PACKAGE_VERSION);
	printf("Barong API %s\n", BARONG_API_VERSION);
	return EXIT_OK;
}

static void
print_usage(FILE *f)
{
	const struct command	*c;
	char			 line[128];

	fprintf(f, "%s is the operator's command of %s.\n\n", progname,
	    PACKAGE_NAME);
	fprintf(f, "Usage:\n  %s [-c CONFIG] [--db CONNINFO] COMMAND "
	    "[ARGS]\n\n", progname);
	fprintf(f, "Commands:\n");
	for (c = commands; c->name != NULL; c++) {
		snprintf(line, sizeof(line), "%s%s%s", c->name,
		    *c->usage != '\0' ? " " : "", c->usage);
		if (strlen(line) > 28)
			fprintf(f, "  %s\n  %-28s %s\n", line, "", c->summary);
		else
			fprintf(f, "  %-28s %s\n", line, c->summary);
	}
	fprintf(f, "\nOptions:\n"
	    "  -c, --config=FILE     configuration file, by default\n"
	    "                        %s if it exists\n"
	    "      --db=CONNINFO     PostgreSQL connection string (overrides\n"
	    "                        db_conninfo)\n"
	    "  -h, --help            show this help\n"
	    "  -V, --version         print the version\n\n"
	    "Environment:\n"
	    "  BARONG_SQL_DIR        migrations directory, by default\n"
	    "                        %s\n"
	    "  PGHOST, PGUSER, ...   as for any libpq program\n",
	    DEFAULT_CONFIG, DEFAULT_SQL_DIR);
}

static int
cmd_help(int argc, char **argv)
{
	const struct command	*c;

	if (argc > 1) {
		if ((c = find_command(argv[1])) == NULL)
			return usage_error("unknown command \"%s\"", argv[1]);
		printf("Usage: %s [options] %s%s%s\n  %s\n", progname, c->name,
		    *c->usage != '\0' ? " " : "", c->usage, c->summary);
		return EXIT_OK;
	}
	print_usage(stdout);
	return EXIT_OK;
}

static void
apply_log_level(void)
{
	static const struct {
		const char	*name;
		enum log_level	 level;
	} levels[] = {
		{ "debug", LOG_LVL_DEBUG }, { "info", LOG_LVL_INFO },
		{ "warn", LOG_LVL_WARN }, { "error", LOG_LVL_ERR },
	};
	size_t	i;

	if (cfg.log_level == NULL)
		return;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(cfg.log_level, levels[i].name) == 0)
			log_set_level(levels[i].level);
}

/*
 * The value of option opt at argv[*i]: "--opt=V", "--opt V", "-cV" or
 * "-c V".  NULL when argv[*i] is not that option; *missing is set when it
 * is but has no value.
 */
static const char *
option_value(int argc, char **argv, int *i, const char *lng,
    const char *shrt, int *missing)
{
	const char	*a = argv[*i];
	size_t		 n = strlen(lng);

	*missing = 0;
	if (strncmp(a, lng, n) == 0 && a[n] == '=')
		return a + n + 1;
	if (strcmp(a, lng) == 0 || (shrt != NULL && strcmp(a, shrt) == 0)) {
		if (*i + 1 >= argc) {
			*missing = 1;
			return NULL;
		}
		return argv[++*i];
	}
	if (shrt != NULL && strncmp(a, shrt, strlen(shrt)) == 0 &&
	    a[strlen(shrt)] != '\0')
		return a + strlen(shrt);
	return NULL;
}

int
main(int argc, char *argv[])
{
	const struct command	*c;
	const char		*config = NULL, *v;
	char			 err[512];
	int			 i, missing;

	log_init(progname);
	log_set_plain(1);
	conf_defaults();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			print_usage(stdout);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0)
			return cmd_version(1, argv);
		if ((v = option_value(argc, argv, &i, "--config", "-c",
		    &missing)) != NULL)
			config = v;
		else if (!missing && (v = option_value(argc, argv, &i,
		    "--db", NULL, &missing)) != NULL)
			db_override = v;
		else if (missing)
			return usage_error("option \"%s\" requires an "
			    "argument", argv[i]);
		else
			return usage_error("invalid option \"%s\"", argv[i]);
	}
	if (i == argc) {
		fprintf(stderr, "%s: no command given\n", progname);
		usage_hint();
		return EXIT_USAGE;
	}
	if ((c = find_command(argv[i])) == NULL)
		return usage_error("unknown command \"%s\"", argv[i]);

	if (config == NULL && access(DEFAULT_CONFIG, F_OK) == 0)
		config = DEFAULT_CONFIG;
	if (config != NULL && conf_load(config, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: could not load configuration: %s\n",
		    progname, err);
		return EXIT_FAIL;
	}
	apply_log_level();
	return c->fn(argc - i, argv + i);
}
