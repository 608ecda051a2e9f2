/*
 * GeoIP names through libmaxminddb (Barong's Barong::GeoIP): the country
 * and continent names of an address in cfg.geoip_lang, as a GeoLite2 or
 * GeoIP2 Country/City database stores them under
 * country.names.<lang> and continent.names.<lang>.  Restrictions match
 * these names (authz.md §5) and activities store the country (§6.14).
 */
#ifndef BARONG_GEOIP_H
#define BARONG_GEOIP_H

struct arena;

/*
 * Open the database at path for the life of the process (memory-mapped),
 * closing any previous one.  NULL or "" disables GeoIP: every name is then
 * unknown.  Returns 0, or -1 after logging why the file cannot be used.
 */
int		 geoip_open(const char *path);
void		 geoip_close(void);
int		 geoip_enabled(void);
/*
 * The name of ip's country (continent) in cfg.geoip_lang, falling back to
 * English when the database lacks that language; from the arena.  NULL
 * when GeoIP is disabled, ip is not an address, or the database does not
 * know it.
 */
const char	*geoip_country_name(struct arena *, const char *ip);
const char	*geoip_continent_name(struct arena *, const char *ip);

#endif
