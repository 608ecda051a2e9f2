/*
 * GeoIP names through libmaxminddb (see geoip.h).
 *
 * Barong reads record['country']['names'][lang] with no fallback, so a
 * language the database lacks gives no name at all; we fall back to
 * English, which every MaxMind database carries.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <maxminddb.h>

#include "arena.h"
#include "conf.h"
#include "geoip.h"
#include "log.h"

static MMDB_s	db;
static int	opened;

void
geoip_close(void)
{
	if (opened)
		MMDB_close(&db);
	opened = 0;
}

int
geoip_open(const char *path)
{
	int	rc;

	geoip_close();
	if (path == NULL || *path == '\0')
		return 0;
	if ((rc = MMDB_open(path, MMDB_MODE_MMAP, &db)) != MMDB_SUCCESS) {
		if (rc == MMDB_FILE_OPEN_ERROR || rc == MMDB_IO_ERROR)
			log_err("could not open GeoIP database \"%s\": %s: %s",
			    path, MMDB_strerror(rc), strerror(errno));
		else
			log_err("could not open GeoIP database \"%s\": %s",
			    path, MMDB_strerror(rc));
		return -1;
	}
	opened = 1;
	return 0;
}

int
geoip_enabled(void)
{
	return opened;
}

/* names.<lang> under what ("country" or "continent"), or NULL. */
static const char *
lookup_name(struct arena *a, const char *ip, const char *what)
{
	MMDB_lookup_result_s	 res;
	MMDB_entry_data_s	 d;
	const char		*lang;
	int			 gai, err, i;

	if (!opened || ip == NULL || *ip == '\0')
		return NULL;
	res = MMDB_lookup_string(&db, ip, &gai, &err);
	if (gai != 0)
		return NULL;
	if (err != MMDB_SUCCESS) {
		log_warn("could not look up an address in the GeoIP "
		    "database: %s", MMDB_strerror(err));
		return NULL;
	}
	if (!res.found_entry)
		return NULL;
	lang = cfg.geoip_lang != NULL && *cfg.geoip_lang != '\0' ?
	    cfg.geoip_lang : "en";
	for (i = 0; i < 2; i++) {
		if (MMDB_get_value(&res.entry, &d, what, "names", lang,
		    (const char *)NULL) == MMDB_SUCCESS && d.has_data &&
		    d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size > 0)
			return arena_strndup(a, d.utf8_string, d.data_size);
		if (strcmp(lang, "en") == 0)
			break;
		lang = "en";
	}
	return NULL;
}

const char *
geoip_country_name(struct arena *a, const char *ip)
{
	return lookup_name(a, ip, "country");
}

const char *
geoip_continent_name(struct arena *a, const char *ip)
{
	return lookup_name(a, ip, "continent");
}
