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

static int
insert(struct req *r, long long user_id, const char *target_uid,
    const char *category, const char *topic, const char *action,
    const char *result, json_object *data)
{
	const char	*ip = clientip_get(r), *p[10];
	const char	*ua = http_user_agent(r);

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
	p[5] = ua;
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
