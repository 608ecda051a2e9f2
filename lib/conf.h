/*
 * Configuration: per-binary files of "key = value" lines with '#' comments
 * and "include PATH" (relative to the including file).  Every key of every
 * binary lives in one typed, bounded table (conf.c), so a shared barong.conf
 * can be included by all of them.  An unknown key or a bad value is fatal
 * with file:line.  Defaults follow Barong's.
 */
#ifndef BARONG_CONF_H
#define BARONG_CONF_H

#include <stddef.h>
#include <stdio.h>

struct config {
	/* database */
	char	*db_conninfo;
	/* process */
	char	*log_level;
	long	 body_limit;		/* bytes */
	long	 max_params;		/* parameters per request */
	/* identity of the deployment */
	char	*app_name;
	char	*domain;
	char	*uid_prefix;
	char	*data_dir;		/* dictionary, abilities, ... */
	char	*seeds_file;
	char	*barong_yml;
	/* accounts */
	int	 first_registration_superadmin;
	long	 bcrypt_cost;
	/* keys */
	char	*jwt_private_key;
	char	*jwt_public_key;
	char	*master_key_file;
	/* sessions */
	char	*session_name;
	long	 session_expire_time;	/* seconds */
	long	 jwt_expire_time;	/* seconds */
	int	 session_cookie_secure;
	/* password policy */
	char	*password_regexp;
	long	 password_min_entropy;
	int	 password_use_dictionary;
	char	*password_dictionary;
	/* captcha */
	char	*captcha;
	char	*recaptcha_site_key;
	char	*recaptcha_secret_key;
	char	*geetest_id;
	char	*geetest_key;
	/* phones */
	char	*phone_verification;
	/* KYC */
	char	*kyc_provider;
	char	*auth0_domain;
	char	*auth0_client_id;
	/* authorization (barong-authorize) */
	char	*db_read_conninfo;
	char	*authz_rules_file;
	int	 csrf_protection;
	long	 apikey_nonce_lifetime;	/* milliseconds */
	long	 authz_reload_interval;	/* seconds */
	long	 jwt_cache_ttl;		/* seconds a signed JWT is reused */
	long	 session_renew_interval;	/* seconds between expiry writes */
	char	*authz_shared_file;	/* lib/shared.h */
	long	 authz_cache_ttl;	/* seconds a session or key is cached */
	char	*apikey_nonce_store;	/* "shared" or "database" */
	long	 apikey_nonce_slots;
	/* client address, geography */
	char	*trusted_proxies;
	char	*gateway;
	char	*maxminddb_path;
	char	*geoip_lang;
	/* captcha services (base URLs, so tests can point them at a fake) */
	char	*recaptcha_verify_url;
	char	*geetest_api_url;
	/* brute-force protection of POST /identity/sessions */
	long	 login_max_failures;
	long	 login_max_failures_ip;
	long	 login_failure_window;
	long	 login_lockout_time;
	/* mail */
	char	*mail_delivery;
	char	*sender_email;
	char	*sender_name;
	char	*smtp_user;
	char	*smtp_password;
	char	*smtp_logo_link;
	char	*default_language;
	char	*templates_dir;
	long	 mail_max_attempts;
	/* CORS */
	char	*api_cors_origins;
	long	 api_cors_max_age;
	int	 api_cors_allow_credentials;
	/* resource and admin */
	char	*jwt_issuer;
	char	*jwt_audience;
	int	 api_data_masking_enabled;
	/* phones */
	char	*phone_sms_dir;
	char	*phone_command;
	char	*sms_content_template;
	char	*twilio_account_sid;
	char	*twilio_auth_token;
	char	*twilio_phone_number;
	char	*twilio_service_sid;
	char	*twilio_api_url;
	char	*twilio_verify_url;
	/* documents */
	char	*upload_dir;
	long	 upload_size_max_range;	/* megabytes */
	long	 upload_size_min_range;	/* bytes */
	char	*upload_extension_whitelist;
	long	 doc_num_limit;
	int	 required_docs_expire;
	/* admin */
	char	*abilities_file;
	int	 profile_double_verification;
};

extern struct config cfg;

void	conf_defaults(void);
int	conf_load(const char *path, char *errbuf, size_t errlen);
int	conf_set(const char *key, const char *value, char *errbuf,
	    size_t errlen);
void	conf_dump(FILE *);

#endif
