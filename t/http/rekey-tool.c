/*
 * rekey-tool: seeds and checks sealed values for t/http/key-rotation.
 *
 *	rekey-tool -c CONFIG seed N
 *		N users (e-mail rekey-<random>-<i>@rekey.test, active, level
 *		2, 2FA on), each with an API key, a TOTP secret, a profile
 *		(four sealed fields), a phone and a document, every value
 *		sealed by lib/crypto.c under its aad (the conventions, written
 *		out here independently of lib/rekey.c) with the plaintext
 *		"rk:<aad>".  Prints the kid of the first API key.
 *	rekey-tool -c CONFIG verify [VERSION]
 *		Opens every sealed value of every sealed column, whoever wrote
 *		it; a seeded one must give back "rk:<aad>".  With VERSION,
 *		every value must be sealed under it.  Prints the count per
 *		column and version, "verify: ok" or the failures.
 *	rekey-tool sign SECRET MESSAGE
 *		Prints the hex HMAC-SHA256 of MESSAGE under SECRET (the
 *		X-Auth-Signature of an API-key request).
 *
 * Exits 0, 1 on failure, 2 on bad usage.  Not installed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "log.h"

#define MAX_SEED	1000

/* Every sealed column: its values, the aad's suffix, whether ours. */
struct col {
	const char	*name;
	const char	*prefix;
	struct db_stmt	 st;
};

#define MINE(u)	"coalesce(" u ".email LIKE 'rekey-%@rekey.test', false)"

static const struct col cols[] = {
	{ "apikeys.secret_encrypted", "apikeys.secret:", { "rk_apikeys",
	    "SELECT a.secret_encrypted, a.kid, " MINE("u") " FROM apikeys a"
	    " LEFT JOIN users u ON a.key_holder_account_type = 'User'"
	    " AND u.id = a.key_holder_account_id"
	    " WHERE a.secret_encrypted IS NOT NULL", 0 } },
	{ "otp_secrets.secret_encrypted", "otp_secrets:", { "rk_otp",
	    "SELECT o.secret_encrypted, u.uid, " MINE("u") " FROM otp_secrets o"
	    " JOIN users u ON u.id = o.user_id", 0 } },
	{ "profiles.first_name_encrypted", "profiles.first_name:", {
	    "rk_first", "SELECT p.first_name_encrypted,"
	    " coalesce(p.user_id::text, ''), " MINE("u") " FROM profiles p"
	    " LEFT JOIN users u ON u.id = p.user_id"
	    " WHERE p.first_name_encrypted IS NOT NULL", 0 } },
	{ "profiles.last_name_encrypted", "profiles.last_name:", {
	    "rk_last", "SELECT p.last_name_encrypted,"
	    " coalesce(p.user_id::text, ''), " MINE("u") " FROM profiles p"
	    " LEFT JOIN users u ON u.id = p.user_id"
	    " WHERE p.last_name_encrypted IS NOT NULL", 0 } },
	{ "profiles.dob_encrypted", "profiles.dob:", { "rk_dob",
	    "SELECT p.dob_encrypted, coalesce(p.user_id::text, ''), "
	    MINE("u") " FROM profiles p LEFT JOIN users u ON u.id = p.user_id"
	    " WHERE p.dob_encrypted IS NOT NULL", 0 } },
	{ "profiles.address_encrypted", "profiles.address:", { "rk_address",
	    "SELECT p.address_encrypted, coalesce(p.user_id::text, ''), "
	    MINE("u") " FROM profiles p LEFT JOIN users u ON u.id = p.user_id"
	    " WHERE p.address_encrypted IS NOT NULL", 0 } },
	{ "phones.number_encrypted", "phones.number:", { "rk_phone",
	    "SELECT p.number_encrypted, p.user_id::text, " MINE("u")
	    " FROM phones p JOIN users u ON u.id = p.user_id", 0 } },
	{ "documents.doc_number_encrypted", "documents.doc_number:", {
	    "rk_doc", "SELECT d.doc_number_encrypted, d.user_id::text, "
	    MINE("u") " FROM documents d JOIN users u ON u.id = d.user_id"
	    " WHERE d.doc_number_encrypted IS NOT NULL", 0 } },
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static const struct db_stmt st_user = { "rk_user",
	"INSERT INTO users (uid, email, password_digest, role, level, otp,"
	" state) VALUES ($1, $2, '$2a$04$invalidinvalidinvalidinvalidinvalidinvalidinvalidinvali',"
	" 'member', 2, true, 'active') RETURNING id", 2 };
static const struct db_stmt st_apikey = { "rk_apikey",
	"INSERT INTO apikeys (key_holder_account_id, key_holder_account_type,"
	" kid, algorithm, secret_encrypted, state)"
	" VALUES ($1::bigint, 'User', $2, 'HS256', $3, 'active')", 3 };
static const struct db_stmt st_otp = { "rk_otp_ins",
	"INSERT INTO otp_secrets (user_id, secret_encrypted)"
	" VALUES ($1::bigint, $2)", 2 };
static const struct db_stmt st_profile = { "rk_profile",
	"INSERT INTO profiles (user_id, first_name_encrypted,"
	" last_name_encrypted, dob_encrypted, address_encrypted, country)"
	" VALUES ($1::bigint, $2, $3, $4, $5, 'FR')", 5 };
static const struct db_stmt st_phone = { "rk_phone_ins",
	"INSERT INTO phones (user_id, country, number_encrypted, number_index)"
	" VALUES ($1::bigint, 'FR', $2, $3::bigint)", 3 };
static const struct db_stmt st_document = { "rk_doc_ins",
	"INSERT INTO documents (user_id, doc_type, doc_number_encrypted,"
	" doc_number_index) VALUES ($1::bigint, 'Passport', $2, $3::bigint)",
	3 };

static struct arena	*A;

static int
usage(void)
{
	fprintf(stderr, "usage: rekey-tool -c CONFIG seed N\n"
	    "       rekey-tool -c CONFIG verify [VERSION]\n"
	    "       rekey-tool sign SECRET MESSAGE\n");
	return 2;
}

static int
setup(const char *config)
{
	char	err[512];

	if (conf_load(config, err, sizeof(err)) == -1) {
		fprintf(stderr, "rekey-tool: configuration: %s\n", err);
		return -1;
	}
	if (crypto_keyring_load(cfg.master_key_file, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "rekey-tool: master key: %s\n", err);
		return -1;
	}
	if (db_open(cfg.db_conninfo) == -1)
		return -1;
	A = arena_new(0);
	return 0;
}

/* The sealed "rk:<aad>" under aad = prefix suffix. */
static char *
seal_rk(const char *prefix, const char *suffix)
{
	const char	*aad = arena_printf(A, "%s%s", prefix, suffix);
	const char	*plain = arena_printf(A, "rk:%s", aad);

	return crypto_seal(A, plain, strlen(plain), aad);
}

static int
seed_one(const char *run, int i, int print)
{
	PGresult	*res;
	const char	*p[5], *id;
	char		 kid[17], uid[11];
	int		 k;

	crypto_random_hex(kid, 8);
	crypto_random_hex(uid + 2, 4);
	uid[0] = 'I';
	uid[1] = 'D';
	for (k = 2; uid[k] != '\0'; k++)
		if (uid[k] >= 'a' && uid[k] <= 'f')
			uid[k] = (char)(uid[k] - 'a' + 'A');
	p[0] = uid;
	p[1] = arena_printf(A, "rekey-%s-%d@rekey.test", run, i);
	if ((res = db_exec(A, &st_user, p)) == NULL || PQntuples(res) != 1)
		return -1;
	id = arena_strdup(A, PQgetvalue(res, 0, 0));
	p[0] = id;
	p[1] = kid;
	p[2] = seal_rk("apikeys.secret:", kid);
	if (p[2] == NULL || db_exec(A, &st_apikey, p) == NULL)
		return -1;
	p[1] = seal_rk("otp_secrets:", uid);
	if (p[1] == NULL || db_exec(A, &st_otp, p) == NULL)
		return -1;
	p[1] = seal_rk("profiles.first_name:", id);
	p[2] = seal_rk("profiles.last_name:", id);
	p[3] = seal_rk("profiles.dob:", id);
	p[4] = seal_rk("profiles.address:", id);
	if (p[1] == NULL || p[2] == NULL || p[3] == NULL || p[4] == NULL ||
	    db_exec(A, &st_profile, p) == NULL)
		return -1;
	p[1] = seal_rk("phones.number:", id);
	p[2] = arena_printf(A, "%d", 1000 + i);
	if (p[1] == NULL || db_exec(A, &st_phone, p) == NULL)
		return -1;
	p[1] = seal_rk("documents.doc_number:", id);
	if (p[1] == NULL || db_exec(A, &st_document, p) == NULL)
		return -1;
	if (print)
		printf("%s\n", kid);
	return 0;
}

static int
cmd_seed(const char *nstr)
{
	char	run[9];
	int	n, i;

	n = atoi(nstr);
	if (n < 1 || n > MAX_SEED)
		return usage();
	crypto_random_hex(run, 4);
	for (i = 1; i <= n; i++) {
		if (db_begin() == -1)
			return 1;
		if (seed_one(run, i, i == 1) == -1) {
			db_rollback();
			fprintf(stderr, "rekey-tool: seeding failed\n");
			return 1;
		}
		if (db_commit() == -1)
			return 1;
		arena_reset(A);
	}
	return 0;
}

/* The version of a sealed value, or 0. */
static int
version_of(const char *s)
{
	return s[0] == 'v' ? atoi(s + 1) : 0;
}

static int
verify_col(const struct col *c, int want, long long counts[16])
{
	PGresult	*res;
	const char	*sealed, *aad;
	unsigned char	*plain;
	size_t		 len;
	int		 i, v, bad = 0;

	if ((res = db_exec(A, &c->st, NULL)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		sealed = PQgetvalue(res, i, 0);
		aad = arena_printf(A, "%s%s", c->prefix, PQgetvalue(res, i, 1));
		v = version_of(sealed);
		counts[v >= 0 && v < 16 ? v : 0]++;
		if (want != 0 && v != want) {
			printf("%s: %s: under version %d, not %d\n", c->name,
			    aad, v, want);
			bad++;
		}
		if (crypto_open(A, sealed, aad, &plain, &len) == -1) {
			printf("%s: %s: does not open\n", c->name, aad);
			bad++;
			continue;
		}
		if (strcmp(PQgetvalue(res, i, 2), "t") == 0 &&
		    (len != strlen(aad) + 3 || memcmp(plain, "rk:", 3) != 0 ||
		    memcmp(plain + 3, aad, strlen(aad)) != 0)) {
			printf("%s: %s: wrong plaintext\n", c->name, aad);
			bad++;
		}
	}
	return bad;
}

static int
cmd_verify(const char *vstr)
{
	long long	counts[16];
	size_t		i;
	int		want = vstr != NULL ? atoi(vstr) : 0, v, bad = 0, r;

	for (i = 0; i < NCOLS; i++) {
		memset(counts, 0, sizeof(counts));
		if ((r = verify_col(&cols[i], want, counts)) == -1)
			return 1;
		bad += r;
		printf("%s:", cols[i].name);
		for (v = 0; v < 16; v++)
			if (counts[v] > 0)
				printf(" v%d=%lld", v, counts[v]);
		printf("\n");
		arena_reset(A);
	}
	printf(bad == 0 ? "verify: ok\n" : "verify: %d failures\n", bad);
	return bad == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	char	 sig[65];
	int	 rc;

	log_init("rekey-tool");
	if (argc == 4 && strcmp(argv[1], "sign") == 0) {
		crypto_hmac_sha256_hex(argv[2], strlen(argv[2]), argv[3],
		    strlen(argv[3]), sig);
		printf("%s\n", sig);
		return 0;
	}
	if (argc < 4 || strcmp(argv[1], "-c") != 0)
		return usage();
	if (strcmp(argv[3], "seed") == 0 && argc == 5) {
		if (setup(argv[2]) == -1)
			return 1;
		rc = cmd_seed(argv[4]);
	} else if (strcmp(argv[3], "verify") == 0 && argc <= 5) {
		if (setup(argv[2]) == -1)
			return 1;
		rc = cmd_verify(argc == 5 ? argv[4] : NULL);
	} else
		return usage();
	arena_free(A);
	db_close();
	crypto_keyring_clear();
	return rc;
}
