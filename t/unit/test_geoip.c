/*
 * lib/geoip.c against a database written by t/unit/mmdb_writer.c: names
 * in the configured language with the English fallback, IPv4, IPv6 and
 * mapped addresses, unknown and malformed input, a disabled or unusable
 * database.  The writer itself is checked through libmaxminddb with every
 * value type and each size encoding, since other tests rely on it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <maxminddb.h>

#include "arena.h"
#include "conf.h"
#include "geoip.h"
#include "mmdb_writer.h"
#include "unit.h"

static char	dir[64];
static char	dbpath[128];

static const struct {
	const char	*net, *json;
} records[] = {
	{ "1.0.0.0/8", "{\"country\":{\"names\":{\"en\":\"Wide\"}},"
	  "\"continent\":{\"names\":{\"en\":\"Oceania\"}}}" },
	{ "1.2.3.0/24", "{\"country\":{\"names\":{\"en\":\"Narrow\"}}}" },
	{ "81.2.69.0/24", "{\"continent\":{\"code\":\"EU\",\"geoname_id\":"
	  "6255148,\"names\":{\"en\":\"Europe\",\"ru\":\"Европа\"}},"
	  "\"country\":{\"geoname_id\":2635167,\"iso_code\":\"GB\",\"names\":"
	  "{\"de\":\"Vereinigtes Königreich\",\"en\":\"United Kingdom\","
	  "\"ru\":\"Великобритания\"}}}" },
	{ "2001:db8::/32", "{\"country\":{\"names\":{\"en\":\"Japan\","
	  "\"ja\":\"日本\"}},\"continent\":{\"names\":{\"en\":\"Asia\"}}}" },
	{ "10.0.0.0/8", "{\"continent\":{\"names\":{\"en\":\"Europe\"}}}" },
	{ "175.16.199.0/24", "{\"country\":{\"names\":{\"de\":\"China\"}}}" },
	{ "192.0.2.0/24", "{\"country\":\"not a map\","
	  "\"continent\":{\"names\":{\"en\":\"\"}}}" },
	{ "198.51.100.7", "{\"country\":{\"names\":{\"en\":\"Host\"}}}" },
};

static void
make_db(void)
{
	struct mmdb_writer	*w;
	size_t			 i;

	snprintf(dir, sizeof(dir), "/tmp/test_geoip.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/test.mmdb", dir);
	w = mmdb_writer_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		if (mmdb_writer_insert_json(w, records[i].net,
		    records[i].json) == -1)
			fprintf(stderr, "%s\n", mmdb_writer_error(w));
	}
	CU_ASSERT_EQUAL_FATAL(mmdb_writer_write(w, dbpath, "GeoIP2-Country",
	    NULL), 0);
	mmdb_writer_free(w);
}

static void
set_lang(const char *lang)
{
	char	err[128];

	CU_ASSERT_EQUAL_FATAL(conf_set("geoip_lang", lang, err, sizeof(err)),
	    0);
}

static void
check_name(const char *(*fn)(struct arena *, const char *), const char *fname,
    struct arena *a, const char *ip, const char *want)
{
	const char	*got = fn(a, ip);

	if (want == NULL && got != NULL)
		fprintf(stderr, "%s(%s): \"%s\", want NULL\n", fname,
		    ip ? ip : "NULL", got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fprintf(stderr, "%s(%s): %s, want \"%s\"\n", fname,
		    ip ? ip : "NULL", got ? got : "NULL", want);
	CU_ASSERT(want == NULL ? got == NULL :
	    got != NULL && strcmp(got, want) == 0);
}

#define CHECK_NAME(fn, ip, want)	check_name(fn, #fn, a, ip, want)

static void
test_disabled(void)
{
	struct arena	*a = arena_new(0);

	conf_defaults();
	CU_ASSERT_EQUAL(geoip_open(""), 0);
	CU_ASSERT(!geoip_enabled());
	CU_ASSERT_EQUAL(geoip_open(NULL), 0);
	CHECK_NAME(geoip_country_name, "81.2.69.1", NULL);
	CHECK_NAME(geoip_continent_name, "81.2.69.1", NULL);
	arena_free(a);
}

static void
test_bad_files(void)
{
	char	path[128];
	FILE	*f;

	CU_ASSERT_EQUAL(geoip_open("/nonexistent/GeoLite2-Country.mmdb"), -1);
	CU_ASSERT(!geoip_enabled());
	snprintf(path, sizeof(path), "%s/garbage.mmdb", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("this is not a MaxMind database\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(geoip_open(path), -1);
	CU_ASSERT(!geoip_enabled());
	unlink(path);
	CU_ASSERT_EQUAL(geoip_open(dir), -1);
}

static void
test_english(void)
{
	struct arena	*a = arena_new(0);

	conf_defaults();
	CU_ASSERT_EQUAL_FATAL(geoip_open(dbpath), 0);
	CU_ASSERT(geoip_enabled());
	CHECK_NAME(geoip_country_name, "81.2.69.0", "United Kingdom");
	CHECK_NAME(geoip_country_name, "81.2.69.160", "United Kingdom");
	CHECK_NAME(geoip_country_name, "81.2.69.255", "United Kingdom");
	CHECK_NAME(geoip_continent_name, "81.2.69.160", "Europe");
	CHECK_NAME(geoip_country_name, "81.2.68.255", NULL);
	CHECK_NAME(geoip_country_name, "81.2.70.0", NULL);
	/* Mapped IPv4 through the ::ffff:0:0/96 alias. */
	CHECK_NAME(geoip_country_name, "::ffff:81.2.69.1", "United Kingdom");
	/* IPv6. */
	CHECK_NAME(geoip_country_name, "2001:db8::1", "Japan");
	CHECK_NAME(geoip_country_name, "2001:db8:ffff:ffff:ffff:ffff:ffff:"
	    "ffff", "Japan");
	CHECK_NAME(geoip_continent_name, "2001:db8:1::", "Asia");
	CHECK_NAME(geoip_country_name, "2001:db9::1", NULL);
	CHECK_NAME(geoip_country_name, "::1", NULL);
	/* A narrower network carved out of a wider one. */
	CHECK_NAME(geoip_country_name, "1.2.3.4", "Narrow");
	CHECK_NAME(geoip_continent_name, "1.2.3.4", NULL);
	CHECK_NAME(geoip_country_name, "1.2.2.255", "Wide");
	CHECK_NAME(geoip_country_name, "1.2.4.0", "Wide");
	CHECK_NAME(geoip_continent_name, "1.255.255.255", "Oceania");
	/* Continent only; no English name; wrong shapes; a host. */
	CHECK_NAME(geoip_country_name, "10.1.1.1", NULL);
	CHECK_NAME(geoip_continent_name, "10.1.1.1", "Europe");
	CHECK_NAME(geoip_country_name, "175.16.199.1", NULL);
	CHECK_NAME(geoip_country_name, "192.0.2.1", NULL);
	CHECK_NAME(geoip_continent_name, "192.0.2.1", NULL);
	CHECK_NAME(geoip_country_name, "198.51.100.7", "Host");
	CHECK_NAME(geoip_country_name, "198.51.100.8", NULL);
	/* Not addresses. */
	CHECK_NAME(geoip_country_name, "", NULL);
	CHECK_NAME(geoip_country_name, NULL, NULL);
	CHECK_NAME(geoip_country_name, "junk", NULL);
	CHECK_NAME(geoip_country_name, "81.2.69", NULL);
	CHECK_NAME(geoip_country_name, "example.com", NULL);
	CHECK_NAME(geoip_country_name, "81.2.69.1/24", NULL);
	arena_free(a);
}

static void
test_languages(void)
{
	struct arena	*a = arena_new(0);

	CU_ASSERT_EQUAL_FATAL(geoip_open(dbpath), 0);
	set_lang("ru");
	CHECK_NAME(geoip_country_name, "81.2.69.1", "Великобритания");
	CHECK_NAME(geoip_continent_name, "81.2.69.1", "Европа");
	/* Fallback to English. */
	CHECK_NAME(geoip_country_name, "2001:db8::1", "Japan");
	CHECK_NAME(geoip_continent_name, "2001:db8::1", "Asia");
	set_lang("de");
	CHECK_NAME(geoip_country_name, "81.2.69.1", "Vereinigtes Königreich");
	CHECK_NAME(geoip_continent_name, "81.2.69.1", "Europe");
	CHECK_NAME(geoip_country_name, "175.16.199.1", "China");
	set_lang("ja");
	CHECK_NAME(geoip_country_name, "2001:db8::1", "日本");
	CHECK_NAME(geoip_country_name, "175.16.199.1", NULL);
	set_lang("en");
	geoip_close();
	CU_ASSERT(!geoip_enabled());
	CHECK_NAME(geoip_country_name, "81.2.69.1", NULL);
	arena_free(a);
}

/* The writer's encodings, read back by libmaxminddb. */
static void
test_writer_types(void)
{
	struct mmdb_writer	*w = mmdb_writer_new();
	MMDB_s			 m;
	MMDB_lookup_result_s	 res;
	MMDB_entry_data_s	 d;
	char			 path[128], *big, *json;
	int			 gai, err;
	size_t			 sizes[] = { 0, 28, 29, 284, 285, 65820, 65821,
	    70000 };
	size_t			 i, n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(mmdb_writer_insert_json(w, "203.0.113.0/24",
	    "{\"u\":4000000000,\"small\":7,\"zero\":0,\"neg\":-5,"
	    "\"big\":12345678901,\"d\":-1.5,\"t\":true,\"f\":false,"
	    "\"a\":[\"x\",2,{\"k\":\"v\"}],\"m\":{}}"), 0);
	/* Strings at each size boundary of the control byte. */
	big = malloc(70001);
	json = malloc(70100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char net[32];

		memset(big, 'a' + (int)i, sizes[i]);
		big[sizes[i]] = '\0';
		snprintf(json, 70100, "{\"s\":\"%s\"}", big);
		snprintf(net, sizeof(net), "2001:db8:%zx::/48", i);
		CU_ASSERT_EQUAL(mmdb_writer_insert_json(w, net, json), 0);
	}
	/* What the writer refuses. */
	CU_ASSERT_EQUAL(mmdb_writer_insert_json(w, "1.2.3.0/24", "null"), -1);
	CU_ASSERT_EQUAL(mmdb_writer_insert_json(w, "1.2.3.0/33", "{}"), -1);
	CU_ASSERT_EQUAL(mmdb_writer_insert_json(w, "::/0", "{}"), -1);
	CU_ASSERT_EQUAL(mmdb_writer_insert_json(w, "junk", "{}"), -1);
	CU_ASSERT_EQUAL(mmdb_writer_insert_json(w, "1.2.3.0/24", "{"), -1);
	snprintf(path, sizeof(path), "%s/types.mmdb", dir);
	CU_ASSERT_EQUAL_FATAL(mmdb_writer_write(w, path, "Test-Types",
	    (const char *const []){ "en", "ru", NULL }), 0);
	mmdb_writer_free(w);

	CU_ASSERT_EQUAL_FATAL(MMDB_open(path, MMDB_MODE_MMAP, &m),
	    MMDB_SUCCESS);
	CU_ASSERT_STRING_EQUAL(m.metadata.database_type, "Test-Types");
	CU_ASSERT_EQUAL(m.metadata.ip_version, 6);
	CU_ASSERT_EQUAL(m.metadata.languages.count, 2);
	CU_ASSERT_EQUAL(m.metadata.binary_format_major_version, 2);
	res = MMDB_lookup_string(&m, "203.0.113.9", &gai, &err);
	CU_ASSERT_EQUAL(gai, 0);
	CU_ASSERT_EQUAL(err, MMDB_SUCCESS);
	CU_ASSERT_FATAL(res.found_entry);
	CU_ASSERT_EQUAL(res.netmask, 24 + 96);
	CU_ASSERT_EQUAL(MMDB_get_value(&res.entry, &d, "u", NULL),
	    MMDB_SUCCESS);
	CU_ASSERT_EQUAL(d.type, MMDB_DATA_TYPE_UINT32);
	CU_ASSERT_EQUAL(d.uint32, 4000000000u);
	MMDB_get_value(&res.entry, &d, "small", NULL);
	CU_ASSERT_EQUAL(d.uint32, 7);
	MMDB_get_value(&res.entry, &d, "zero", NULL);
	CU_ASSERT_EQUAL(d.type, MMDB_DATA_TYPE_UINT32);
	CU_ASSERT_EQUAL(d.uint32, 0);
	MMDB_get_value(&res.entry, &d, "neg", NULL);
	CU_ASSERT_EQUAL(d.type, MMDB_DATA_TYPE_INT32);
	CU_ASSERT_EQUAL(d.int32, -5);
	MMDB_get_value(&res.entry, &d, "big", NULL);
	CU_ASSERT_EQUAL(d.type, MMDB_DATA_TYPE_UINT64);
	CU_ASSERT_EQUAL(d.uint64, 12345678901ULL);
	MMDB_get_value(&res.entry, &d, "d", NULL);
	CU_ASSERT_EQUAL(d.type, MMDB_DATA_TYPE_DOUBLE);
	CU_ASSERT_DOUBLE_EQUAL(d.double_value, -1.5, 0.0);
	MMDB_get_value(&res.entry, &d, "t", NULL);
	CU_ASSERT_EQUAL(d.type, MMDB_DATA_TYPE_BOOLEAN);
	CU_ASSERT_EQUAL(d.boolean, 1);
	MMDB_get_value(&res.entry, &d, "f", NULL);
	CU_ASSERT_EQUAL(d.boolean, 0);
	CU_ASSERT_EQUAL(MMDB_get_value(&res.entry, &d, "a", "0", NULL),
	    MMDB_SUCCESS);
	CU_ASSERT_EQUAL(d.type, MMDB_DATA_TYPE_UTF8_STRING);
	MMDB_get_value(&res.entry, &d, "a", "1", NULL);
	CU_ASSERT_EQUAL(d.uint32, 2);
	CU_ASSERT_EQUAL(MMDB_get_value(&res.entry, &d, "a", "2", "k", NULL),
	    MMDB_SUCCESS);
	CU_ASSERT_EQUAL(d.data_size, 1);
	CU_ASSERT_EQUAL(MMDB_get_value(&res.entry, &d, "m", NULL),
	    MMDB_SUCCESS);
	CU_ASSERT_EQUAL(d.type, MMDB_DATA_TYPE_MAP);
	CU_ASSERT_EQUAL(d.data_size, 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char ip[64];

		snprintf(ip, sizeof(ip), "2001:db8:%zx::42", i);
		res = MMDB_lookup_string(&m, ip, &gai, &err);
		CU_ASSERT_FATAL(res.found_entry);
		CU_ASSERT_EQUAL(MMDB_get_value(&res.entry, &d, "s", NULL),
		    MMDB_SUCCESS);
		CU_ASSERT_EQUAL(d.data_size, sizes[i]);
		for (n = 0; n < d.data_size; n++)
			if (d.utf8_string[n] != 'a' + (int)i)
				break;
		CU_ASSERT_EQUAL(n, sizes[i]);
	}
	/* No IPv4 alias problems: an address nobody inserted. */
	res = MMDB_lookup_string(&m, "::ffff:203.0.113.9", &gai, &err);
	CU_ASSERT(res.found_entry);
	res = MMDB_lookup_string(&m, "8.8.8.8", &gai, &err);
	CU_ASSERT(!res.found_entry);
	MMDB_close(&m);
	unlink(path);
	free(big);
	free(json);
}

static void
test_cleanup(void)
{
	geoip_close();
	CU_ASSERT_EQUAL(unlink(dbpath), 0);
	CU_ASSERT_EQUAL(rmdir(dir), 0);
}

static const struct unit_test tests[] = {
	{ "write a test database", make_db },
	{ "disabled", test_disabled },
	{ "unusable files", test_bad_files },
	{ "English names", test_english },
	{ "other languages and the fallback", test_languages },
	{ "writer: every type and size", test_writer_types },
	{ "clean up", test_cleanup },
	{ NULL, NULL }
};

UNIT_MAIN("geoip", tests)
