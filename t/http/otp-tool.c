/*
 * otp-tool: 2FA for the black-box tests, until the resource API enables
 * it the proper way.
 *
 *	otp-tool -c CONFIG enable EMAIL
 *		In one transaction: a new TOTP secret for the user with that
 *		e-mail (lib/totp.c) and users.otp = true.  Prints the base32
 *		secret.  Uses the config's db_conninfo and master_key_file.
 *	otp-tool [-c CONFIG] code SECRET [OFFSET_STEPS]
 *		Prints the code of the base32 SECRET now, or OFFSET_STEPS
 *		30-second steps away (e.g. -1 for the previous one).
 *
 * Exits 0, 1 on failure, 2 on bad usage.  Not installed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "arena.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "totp.h"

static const struct db_stmt st_user = { "otptool_user",
	"SELECT id, uid FROM users WHERE email = $1", 1 };
static const struct db_stmt st_enable = { "otptool_enable",
	"UPDATE users SET otp = true,"
	" updated_at = (now() AT TIME ZONE 'utc') WHERE id = $1::bigint", 1 };

static int
usage(void)
{
	fprintf(stderr, "usage: otp-tool -c CONFIG enable EMAIL\n"
	    "       otp-tool [-c CONFIG] code SECRET [OFFSET_STEPS]\n");
	return 2;
}

static int
cmd_code(const char *secret, const char *offset)
{
	char	 out[TOTP_DIGITS + 1], *end;
	long	 steps = 0;

	if (offset != NULL) {
		errno = 0;
		steps = strtol(offset, &end, 10);
		if (errno != 0 || end == offset || *end != '\0' ||
		    steps < -1000 || steps > 1000)
			return usage();
	}
	if (totp_code_at(secret, time(NULL) + steps * TOTP_PERIOD, out) ==
	    -1) {
		fprintf(stderr, "otp-tool: malformed base32 secret\n");
		return 1;
	}
	printf("%s\n", out);
	return 0;
}

static int
cmd_enable(const char *config, const char *email)
{
	struct arena	*a;
	PGresult	*res;
	const char	*p[1], *q[1], *secret, *url;
	char		 err[512];
	long long	 id;
	int		 rc = 1;

	if (conf_load(config, err, sizeof(err)) == -1) {
		fprintf(stderr, "otp-tool: could not load configuration: %s\n",
		    err);
		return 1;
	}
	if (crypto_keyring_load(cfg.master_key_file, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "otp-tool: could not load the master key: "
		    "%s\n", err);
		return 1;
	}
	if (db_open(cfg.db_conninfo) == -1)
		return 1;
	a = arena_new(0);
	p[0] = email;
	if ((res = db_exec(a, &st_user, p)) == NULL)
		goto out;
	if (PQntuples(res) == 0) {
		fprintf(stderr, "otp-tool: no user with e-mail \"%s\"\n",
		    email);
		goto out;
	}
	id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	if (db_begin() == -1)
		goto out;
	q[0] = arena_printf(a, "%lld", id);
	if (totp_generate(a, id, PQgetvalue(res, 0, 1), email, &secret,
	    &url) == -1 || db_exec(a, &st_enable, q) == NULL ||
	    db_commit() == -1) {
		db_rollback();
		fprintf(stderr, "otp-tool: could not enable 2FA\n");
		goto out;
	}
	printf("%s\n", secret);
	rc = 0;
out:
	arena_free(a);
	db_close();
	crypto_keyring_clear();
	return rc;
}

int
main(int argc, char *argv[])
{
	const char	*config = NULL;

	log_init("otp-tool");
	log_set_plain(1);
	conf_defaults();
	if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
		config = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc >= 3 && argc <= 4 && strcmp(argv[1], "code") == 0)
		return cmd_code(argv[2], argc == 4 ? argv[3] : NULL);
	if (argc == 3 && strcmp(argv[1], "enable") == 0 && config != NULL)
		return cmd_enable(config, argv[2]);
	return usage();
}
