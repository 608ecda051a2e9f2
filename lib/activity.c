/*
 * The activity log (see activity.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "arena.h"
#include "clientip.h"
#include "db.h"
#include "geoip.h"
#include "http.h"
#include "json.h"
#include "log.h"

/* Barong's column is varchar(255); longer agents are cut there. */
#define AGENT_MAX_CHARS	255

static const char suspicious[] = "Detected suspicious browser";

static const struct db_stmt st_insert = { "activity_insert",
	"INSERT INTO activities (user_id, target_uid, category, user_ip,"
	" user_ip_country, user_agent, topic, action, result, data)"
	" VALUES ($1::bigint, $2, $3, $4, $5, $6, $7, $8, $9, $10)", 10 };

/*
 * Known browsers.  Barong asks the browser gem (Browser.new(ua).known?),
 * which tries its matchers in order and calls the agent unknown when only
 * the catch-all "generic" one matches.  Its matchers are substring tests,
 * so "known" comes down to the agent containing one of the tokens the
 * matchers look for; those are listed here (from the gem's matchers:
 * Nokia, UCBrowser, PhantomJS, BlackBerry, Opera, Edge, InternetExplorer,
 * Firefox, Otter, Facebook, Instagram, Snapchat, Weibo, QQ, Alipay,
 * Electron, YandexBrowser, Chrome, Safari, MicroMessenger), plus the
 * browsers built on them that announce themselves (Samsung Internet,
 * Vivaldi, Brave, Chromium), all case-sensitive as in the gem.  Two gem
 * rules are narrowed: QQ's /QQ/i is "QQ/" or "QQBrowser" here, and
 * Otter's /Otter/ is "Otter/".  iOS web views (an iPhone, iPad or iPod
 * with AppleWebKit but no Safari token) are Safari, as in the gem.
 *
 * Everything else is unknown: command-line clients and libraries (curl,
 * Wget, python-requests, Go-http-client, okhttp, Java, PostmanRuntime),
 * bots that do not copy a browser's agent, a bare "Mozilla/5.0", and an
 * empty agent.  The agent is the client's to choose, so this is a hint
 * for the people reading the log, not a security decision.
 */
static const char *const browser_tokens[] = {
	"Chrome", "CriOS", "Chromium", "Safari", "Firefox", "FxiOS",
	"Edge/", "Edg/", "EdgA/", "EdgiOS/", "Trident/", "MSIE",
	"Opera", "OPR/", "OPiOS", "SamsungBrowser", "UCBrowser", "YaBrowser",
	"Vivaldi", "Brave", "S40OviBrowser", "PhantomJS", "BlackBerry",
	"BB10", "Otter/", "FBAV", "FBAN", "Instagram", "Snapchat",
	"__weibo__", "QQ/", "QQBrowser", "AlipayClient", "Electron",
	"MicroMessenger",
	NULL
};

int
activity_known_browser(const char *ua)
{
	size_t	i;

	if (ua == NULL || *ua == '\0')
		return 0;
	for (i = 0; browser_tokens[i] != NULL; i++)
		if (strstr(ua, browser_tokens[i]) != NULL)
			return 1;
	return strstr(ua, "AppleWebKit") != NULL &&
	    (strstr(ua, "iPhone") != NULL || strstr(ua, "iPad") != NULL ||
	    strstr(ua, "iPod") != NULL);
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n\f\v")] == '\0';
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t		len, i;
	unsigned	cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * The agent as stored: invalid UTF-8 bytes become '?', which PostgreSQL
 * would otherwise refuse (failing the whole login), and the text is cut
 * after AGENT_MAX_CHARS characters.
 */
static const char *
clean_agent(struct arena *a, const char *ua)
{
	const unsigned char	*s = (const unsigned char *)ua;
	size_t			 n = strlen(ua), i = 0, o = 0, k, chars = 0;
	char			*out = arena_alloc(a, n + 1);

	while (i < n && chars < AGENT_MAX_CHARS) {
		if ((k = utf8_seq(s + i, n - i)) == 0) {
			out[o++] = '?';
			i++;
		} else {
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
		}
		chars++;
	}
	out[o] = '\0';
	return out;
}

static int
insert(struct req *r, long long user_id, const char *target_uid,
    const char *category, const char *topic, const char *action,
    const char *result, json_object *data)
{
	const char	*ip = clientip_get(r), *ua = http_header(r, "User-Agent");
	const char	*p[10];

	if (blank(ua) || blank(ip))
		return 0;	/* Barong's validations drop the row */
	if (!activity_known_browser(ua)) {
		if (data == NULL)
			data = json_adopt(r->a, json_object_new_object());
		if (json_object_is_type(data, json_type_object))
			json_object_object_add(data, "note",
			    json_object_new_string(suspicious));
	}
	p[0] = arena_printf(r->a, "%lld", user_id);
	p[1] = target_uid;
	p[2] = category;
	p[3] = ip;
	p[4] = geoip_country_name(r->a, ip);
	p[5] = clean_agent(r->a, ua);
	p[6] = topic;
	p[7] = action;
	p[8] = result;
	p[9] = data != NULL ? json_dump(r->a, data, NULL) : NULL;
	return db_exec(r->a, &st_insert, p) == NULL ? -1 : 0;
}

int
activity_record(struct req *r, long long user_id, const char *topic,
    const char *action, const char *result, const char *reason)
{
	json_object	*data = NULL;

	if (reason != NULL) {
		data = json_adopt(r->a, json_object_new_object());
		json_object_object_add(data, "reason",
		    json_object_new_string(reason));
	}
	return insert(r, user_id, NULL, "user", topic, action, result, data);
}

int
activity_record_admin(struct req *r, long long user_id,
    const char *target_uid, const char *topic, const char *action,
    const char *result, json_object *data)
{
	json_object	*copy = NULL;

	/* Work on a copy: the note must not leak into the caller's object. */
	if (data != NULL && json_object_deep_copy(data, &copy, NULL) != 0) {
		log_err("could not copy activity data");
		return -1;
	}
	if (copy != NULL)
		json_adopt(r->a, copy);
	return insert(r, user_id, target_uid != NULL ? target_uid : "",
	    "admin", topic, action, result, copy);
}
