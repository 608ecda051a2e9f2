/*
 * Configuration files: "key = value", '#' comments, "include PATH".
 * Every key is typed and bounded in keys[]; unknown keys and bad values are
 * errors reported as file:line.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

struct config cfg;

enum ktype { K_STR, K_INT, K_BOOL, K_ENUM };

struct key {
	const char		*name;
	enum ktype		 type;
	size_t			 off;
	const char		*def;
	long			 min, max;	/* K_INT */
	const char *const	*values;	/* K_ENUM */
};

static const char *const log_levels[] = { "debug", "info", "warn", "error",
	NULL };
static const char *const captchas[] = { "none", "recaptcha", "geetest", NULL };
static const char *const phone_kinds[] = { "mock", "twilio_sms",
	"twilio_verify", "file", "command", NULL };
static const char *const kyc_providers[] = { "kycaid", "local", NULL };
static const char *const nonce_stores[] = { "shared", "database", NULL };
static const char *const gateways[] = { "cloudflare", "akamai", NULL };
static const char *const geoip_langs[] = { "en", "de", "es", "fr", "ja", "ru",
	NULL };

#define OFF(f)	offsetof(struct config, f)

static const struct key keys[] = {
	{ "db_conninfo", K_STR, OFF(db_conninfo), "dbname=barong", 0, 0, NULL },
	{ "log_level", K_ENUM, OFF(log_level), "info", 0, 0, log_levels },
	{ "body_limit", K_INT, OFF(body_limit), "1048576", 1024,
	    256L * 1024 * 1024, NULL },
	{ "max_params", K_INT, OFF(max_params), "256", 1, 10000, NULL },
	{ "app_name", K_STR, OFF(app_name), "Barong", 0, 0, NULL },
	{ "domain", K_STR, OFF(domain), "openware.com", 0, 0, NULL },
	{ "uid_prefix", K_STR, OFF(uid_prefix), "ID", 0, 0, NULL },
	{ "data_dir", K_STR, OFF(data_dir), PKGDATADIR, 0, 0, NULL },
	{ "seeds_file", K_STR, OFF(seeds_file), PKGDATADIR "/seeds.yml", 0, 0,
	    NULL },
	{ "barong_yml", K_STR, OFF(barong_yml), PKGDATADIR "/barong.yml", 0, 0,
	    NULL },
	{ "first_registration_superadmin", K_BOOL,
	    OFF(first_registration_superadmin), "true", 0, 0, NULL },
	{ "bcrypt_cost", K_INT, OFF(bcrypt_cost), "12", 4, 31, NULL },
	{ "jwt_private_key", K_STR, OFF(jwt_private_key), "", 0, 0, NULL },
	{ "jwt_public_key", K_STR, OFF(jwt_public_key), "", 0, 0, NULL },
	{ "master_key_file", K_STR, OFF(master_key_file), "", 0, 0, NULL },
	{ "session_cookie_secure", K_BOOL, OFF(session_cookie_secure), "false",
	    0, 0, NULL },
	{ "session_name", K_STR, OFF(session_name), "_barong_session", 0, 0,
	    NULL },
	{ "session_expire_time", K_INT, OFF(session_expire_time), "1800", 60,
	    30L * 24 * 3600, NULL },
	{ "jwt_expire_time", K_INT, OFF(jwt_expire_time), "3600", 60,
	    7L * 24 * 3600, NULL },
	{ "password_regexp", K_STR, OFF(password_regexp),
	    "^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])"
	    "(?=.*[[:graph:]]).{8,80}$", 0, 0, NULL },
	{ "password_min_entropy", K_INT, OFF(password_min_entropy), "14", 0,
	    1000, NULL },
	{ "password_use_dictionary", K_BOOL, OFF(password_use_dictionary),
	    "true", 0, 0, NULL },
	{ "password_dictionary", K_STR, OFF(password_dictionary),
	    PKGDATADIR "/common-passwords.txt", 0, 0, NULL },
	{ "captcha", K_ENUM, OFF(captcha), "none", 0, 0, captchas },
	{ "recaptcha_site_key", K_STR, OFF(recaptcha_site_key), "", 0, 0,
	    NULL },
	{ "recaptcha_secret_key", K_STR, OFF(recaptcha_secret_key), "", 0, 0,
	    NULL },
	{ "geetest_id", K_STR, OFF(geetest_id), "", 0, 0, NULL },
	{ "geetest_key", K_STR, OFF(geetest_key), "", 0, 0, NULL },
	{ "phone_verification", K_ENUM, OFF(phone_verification), "mock", 0, 0,
	    phone_kinds },
	{ "kyc_provider", K_ENUM, OFF(kyc_provider), "local", 0, 0,
	    kyc_providers },
	{ "auth0_domain", K_STR, OFF(auth0_domain), "", 0, 0, NULL },
	{ "auth0_client_id", K_STR, OFF(auth0_client_id), "", 0, 0, NULL },
	{ "db_read_conninfo", K_STR, OFF(db_read_conninfo), "", 0, 0, NULL },
	{ "authz_rules_file", K_STR, OFF(authz_rules_file),
	    PKGDATADIR "/authz_rules.yml", 0, 0, NULL },
	{ "csrf_protection", K_BOOL, OFF(csrf_protection), "true", 0, 0, NULL },
	{ "apikey_nonce_lifetime", K_INT, OFF(apikey_nonce_lifetime), "5000",
	    100, 3600L * 1000, NULL },
	{ "authz_reload_interval", K_INT, OFF(authz_reload_interval), "60", 1,
	    3600, NULL },
	{ "jwt_cache_ttl", K_INT, OFF(jwt_cache_ttl), "300", 0, 3600, NULL },
	{ "session_renew_interval", K_INT, OFF(session_renew_interval), "60",
	    0, 3600, NULL },
	{ "authz_shared_file", K_STR, OFF(authz_shared_file),
	    "/dev/shm/barong-shared-state", 0, 0, NULL },
	{ "authz_cache_ttl", K_INT, OFF(authz_cache_ttl), "10", 0, 3600, NULL },
	{ "apikey_nonce_store", K_ENUM, OFF(apikey_nonce_store), "shared", 0, 0,
	    nonce_stores },
	{ "apikey_nonce_slots", K_INT, OFF(apikey_nonce_slots), "131072", 1024,
	    16777216, NULL },
	{ "trusted_proxies", K_STR, OFF(trusted_proxies),
	    "127.0.0.0/8, ::1/128, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, "
	    "fc00::/7", 0, 0, NULL },
	{ "gateway", K_ENUM, OFF(gateway), "cloudflare", 0, 0, gateways },
	{ "maxminddb_path", K_STR, OFF(maxminddb_path), "", 0, 0, NULL },
	{ "geoip_lang", K_ENUM, OFF(geoip_lang), "en", 0, 0, geoip_langs },
	{ "recaptcha_verify_url", K_STR, OFF(recaptcha_verify_url),
	    "https://www.google.com/recaptcha/api/siteverify", 0, 0, NULL },
	{ "geetest_api_url", K_STR, OFF(geetest_api_url),
	    "http://api.geetest.com", 0, 0, NULL },
	{ "login_max_failures", K_INT, OFF(login_max_failures), "10", 0,
	    100000, NULL },
	{ "login_max_failures_ip", K_INT, OFF(login_max_failures_ip), "100",
	    0, 1000000, NULL },
	{ "login_failure_window", K_INT, OFF(login_failure_window), "900", 1,
	    86400 * 30, NULL },
	{ "login_lockout_time", K_INT, OFF(login_lockout_time), "900", 1,
	    86400 * 30, NULL },
	{ "mail_delivery", K_STR, OFF(mail_delivery), "sendmail", 0, 0, NULL },
	{ "sender_email", K_STR, OFF(sender_email), "noreply@barong.io", 0, 0,
	    NULL },
	{ "sender_name", K_STR, OFF(sender_name), "Barong", 0, 0, NULL },
	{ "smtp_user", K_STR, OFF(smtp_user), "", 0, 0, NULL },
	{ "smtp_password", K_STR, OFF(smtp_password), "", 0, 0, NULL },
	{ "smtp_logo_link", K_STR, OFF(smtp_logo_link), "", 0, 0, NULL },
	{ "default_language", K_STR, OFF(default_language), "en", 0, 0, NULL },
	{ "templates_dir", K_STR, OFF(templates_dir), PKGDATADIR "/templates",
	    0, 0, NULL },
	{ "mail_max_attempts", K_INT, OFF(mail_max_attempts), "20", 1, 1000,
	    NULL },
	{ "api_cors_origins", K_STR, OFF(api_cors_origins), "*", 0, 0, NULL },
	{ "api_cors_max_age", K_INT, OFF(api_cors_max_age), "3600", 0,
	    86400 * 7, NULL },
	{ "api_cors_allow_credentials", K_BOOL,
	    OFF(api_cors_allow_credentials), "false", 0, 0, NULL },
	/* resource and admin: the bearer JWT the authorize step signs */
	{ "jwt_issuer", K_STR, OFF(jwt_issuer), "barong", 0, 0, NULL },
	{ "jwt_audience", K_STR, OFF(jwt_audience), "barong", 0, 0, NULL },
	{ "api_data_masking_enabled", K_BOOL, OFF(api_data_masking_enabled),
	    "true", 0, 0, NULL },
	/* phones */
	{ "phone_sms_dir", K_STR, OFF(phone_sms_dir), "", 0, 0, NULL },
	{ "phone_command", K_STR, OFF(phone_command), "", 0, 0, NULL },
	{ "sms_content_template", K_STR, OFF(sms_content_template),
	    "Your verification code for Barong: {{code}}", 0, 0, NULL },
	{ "twilio_account_sid", K_STR, OFF(twilio_account_sid), "", 0, 0,
	    NULL },
	{ "twilio_auth_token", K_STR, OFF(twilio_auth_token), "", 0, 0, NULL },
	{ "twilio_phone_number", K_STR, OFF(twilio_phone_number),
	    "+15005550000", 0, 0, NULL },
	{ "twilio_service_sid", K_STR, OFF(twilio_service_sid), "", 0, 0,
	    NULL },
	{ "twilio_api_url", K_STR, OFF(twilio_api_url),
	    "https://api.twilio.com", 0, 0, NULL },
	{ "twilio_verify_url", K_STR, OFF(twilio_verify_url),
	    "https://verify.twilio.com", 0, 0, NULL },
	/* documents */
	{ "upload_dir", K_STR, OFF(upload_dir), LOCALSTATEDIR "/lib/barong/uploads",
	    0, 0, NULL },
	{ "upload_size_max_range", K_INT, OFF(upload_size_max_range), "10", 1,
	    1024, NULL },
	{ "upload_size_min_range", K_INT, OFF(upload_size_min_range), "1", 0,
	    1024L * 1024 * 1024, NULL },
	{ "upload_extension_whitelist", K_STR, OFF(upload_extension_whitelist),
	    "jpg,jpeg,png,pdf", 0, 0, NULL },
	{ "doc_num_limit", K_INT, OFF(doc_num_limit), "10", 1, 1000, NULL },
	{ "required_docs_expire", K_BOOL, OFF(required_docs_expire), "true",
	    0, 0, NULL },
	/* admin */
	{ "profile_double_verification", K_BOOL,
	    OFF(profile_double_verification), "false", 0, 0, NULL },
	{ "abilities_file", K_STR, OFF(abilities_file),
	    PKGDATADIR "/abilities.yml", 0, 0, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL }
};

#define MAX_INCLUDE_DEPTH	8
#define MAX_LINE		4096

static int
set_value(const struct key *k, const char *v, char *err, size_t errlen)
{
	char	*end, **sp;
	long	 n;
	size_t	 i;

	switch (k->type) {
	case K_STR:
		sp = (char **)((char *)&cfg + k->off);
		free(*sp);
		if ((*sp = strdup(v)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		return 0;
	case K_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 ||
		    n < k->min || n > k->max) {
			snprintf(err, errlen, "%s must be an integer from %ld "
			    "to %ld", k->name, k->min, k->max);
			return -1;
		}
		*(long *)((char *)&cfg + k->off) = n;
		return 0;
	case K_BOOL:
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
			snprintf(err, errlen, "%s must be true or false",
			    k->name);
			return -1;
		}
		*(int *)((char *)&cfg + k->off) = strcmp(v, "true") == 0;
		return 0;
	case K_ENUM:
		for (i = 0; k->values[i] != NULL; i++)
			if (strcmp(v, k->values[i]) == 0)
				break;
		if (k->values[i] == NULL) {
			snprintf(err, errlen, "%s: unknown value \"%.64s\"",
			    k->name, v);
			return -1;
		}
		sp = (char **)((char *)&cfg + k->off);
		free(*sp);
		if ((*sp = strdup(v)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		return 0;
	}
	return -1;
}

int
conf_set(const char *name, const char *value, char *err, size_t errlen)
{
	const struct key	*k;

	for (k = keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return set_value(k, value, err, errlen);
	snprintf(err, errlen, "unknown key \"%.64s\"", name);
	return -1;
}

void
conf_defaults(void)
{
	const struct key	*k;
	char			 err[256];

	for (k = keys; k->name != NULL; k++)
		if (set_value(k, k->def, err, sizeof(err)) == -1)
			abort();	/* a bad default is a programming error */
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Strip matching double quotes: a value may keep leading blanks or '#'. */
static char *
unquote(char *v)
{
	size_t	n = strlen(v);

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

static int
load(const char *path, int depth, char *err, size_t errlen)
{
	FILE	*f;
	char	 line[MAX_LINE], sub[MAX_LINE], msg[256], *p, *eq, *key, *val;
	size_t	 lineno = 0, dirlen;
	int	 rc = -1;

	if (depth > MAX_INCLUDE_DEPTH) {
		snprintf(err, errlen, "%s: includes nested too deeply", path);
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%zu: line too long", path,
			    lineno);
			goto out;
		}
		p = trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		if (strncmp(p, "include", 7) == 0 &&
		    isspace((unsigned char)p[7])) {
			val = unquote(trim(p + 7));
			if (*val != '/' && strrchr(path, '/') != NULL) {
				dirlen = (size_t)(strrchr(path, '/') - path);
				if (snprintf(sub, sizeof(sub), "%.*s/%s",
				    (int)dirlen, path, val) >= (int)sizeof(sub)) {
					snprintf(err, errlen, "%s:%zu: path too "
					    "long", path, lineno);
					goto out;
				}
			} else
				snprintf(sub, sizeof(sub), "%s", val);
			if (load(sub, depth + 1, err, errlen) == -1)
				goto out;
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err, errlen, "%s:%zu: expected key = value",
			    path, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(p);
		val = unquote(trim(eq + 1));
		if (conf_set(key, val, msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, msg);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

int
conf_load(const char *path, char *err, size_t errlen)
{
	return load(path, 0, err, errlen);
}

/* Print the effective configuration (secrets masked), for --check-config. */
void
conf_dump(FILE *out)
{
	const struct key	*k;
	const char		*s;

	for (k = keys; k->name != NULL; k++) {
		switch (k->type) {
		case K_INT:
			fprintf(out, "%s = %ld\n", k->name,
			    *(long *)((char *)&cfg + k->off));
			break;
		case K_BOOL:
			fprintf(out, "%s = %s\n", k->name,
			    *(int *)((char *)&cfg + k->off) ? "true" : "false");
			break;
		default:
			s = *(char **)((char *)&cfg + k->off);
			if (strstr(k->name, "secret") != NULL ||
			    strstr(k->name, "password") != NULL ||
			    strstr(k->name, "token") != NULL) {
				if (strcmp(k->name, "password_regexp") != 0) {
					fprintf(out, "%s = %s\n", k->name,
					    *s ? "(set)" : "");
					break;
				}
			}
			if (strcmp(k->name, "db_conninfo") == 0 &&
			    strstr(s, "password") != NULL)
				s = "(contains a password)";
			fprintf(out, "%s = %s\n", k->name, s);
		}
	}
}
