/*
 * The authorize step's rules, permissions and restrictions in memory (see
 * policy.h).
 *
 * Each generation of tables lives in its own arena, so replacing one is a
 * pointer swap and one arena_free.  Permissions are grouped by role (rows
 * of one role keep their table order, which decides which AUDIT row's
 * topic is logged); restrictions are split by category and scope (each
 * list in table order), so a request looks only at the rows that can
 * apply to it.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "arena.h"
#include "cidr.h"
#include "conf.h"
#include "db.h"
#include "geoip.h"
#include "log.h"
#include "policy.h"
#include "shared.h"
#include "yamlfile.h"

/* ------------------------------------------------------------ rules */

struct rules {
	struct arena	 *a;
	const char	**pass;
	size_t		  npass;
	const char	**block;
	size_t		  nblock;
};

static struct rules	*rules;
static struct stat	 rules_st;	/* of the file loaded */
static char		*rules_path;	/* malloc'd */
static time_t		 rules_checked;

static void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	arena_free(r->a);
	free(r);
}

static struct rules *
rules_new(void)
{
	struct rules	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		abort();
	r->a = arena_new(4096);
	return r;
}

/* A YAML list of prefixes into *out; -1 if it is not a list of strings. */
static int
rules_list(struct rules *r, json_object *o, const char *name,
    const char ***out, size_t *n, char *err, size_t errlen)
{
	json_object	*l, *v;
	size_t		 i, len;

	*out = NULL;
	*n = 0;
	if (!json_object_object_get_ex(o, name, &l) || l == NULL)
		return 0;
	if (!json_object_is_type(l, json_type_array)) {
		snprintf(err, errlen, "rules.%s is not a list", name);
		return -1;
	}
	len = json_object_array_length(l);
	*out = arena_alloc(r->a, (len + 1) * sizeof(**out));
	for (i = 0; i < len; i++) {
		v = json_object_array_get_idx(l, i);
		if (!json_object_is_type(v, json_type_string)) {
			snprintf(err, errlen, "rules.%s[%zu] is not a string",
			    name, i);
			return -1;
		}
		(*out)[i] = arena_strdup(r->a, json_object_get_string(v));
		if (*(*out)[i] == '\0')
			log_warn("rules.%s[%zu] is empty: it matches every "
			    "path", name, i);
	}
	(*out)[len] = NULL;
	*n = len;
	return 0;
}

int
policy_rules_load(const char *path, char *err, size_t errlen)
{
	json_object	*doc, *o;
	struct rules	*r;
	struct stat	 st;
	char		*copy;

	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "%s: cannot stat", path);
		return -1;
	}
	if ((doc = yaml_load_file(path, err, errlen)) == NULL)
		return -1;
	r = rules_new();
	if (!json_object_is_type(doc, json_type_object) ||
	    !json_object_object_get_ex(doc, "rules", &o) ||
	    !json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "%s: no \"rules\" mapping", path);
		goto fail;
	}
	if (rules_list(r, o, "pass", &r->pass, &r->npass, err, errlen) == -1 ||
	    rules_list(r, o, "block", &r->block, &r->nblock, err,
	    errlen) == -1)
		goto fail;
	json_object_put(doc);
	if (rules_path == NULL || strcmp(rules_path, path) != 0) {
		if ((copy = strdup(path)) == NULL)
			abort();
		free(rules_path);
		rules_path = copy;
	}
	rules_free(rules);
	rules = r;
	rules_st = st;
	rules_checked = time(NULL);
	return 0;
fail:
	json_object_put(doc);
	rules_free(r);
	return -1;
}

void
policy_rules_set(const char *const *pass, const char *const *block)
{
	struct rules	*r = rules_new();
	size_t		 i;

	for (i = 0; pass != NULL && pass[i] != NULL; i++)
		continue;
	r->npass = i;
	r->pass = arena_alloc(r->a, (i + 1) * sizeof(*r->pass));
	for (i = 0; i < r->npass; i++)
		r->pass[i] = arena_strdup(r->a, pass[i]);
	for (i = 0; block != NULL && block[i] != NULL; i++)
		continue;
	r->nblock = i;
	r->block = arena_alloc(r->a, (i + 1) * sizeof(*r->block));
	for (i = 0; i < r->nblock; i++)
		r->block[i] = arena_strdup(r->a, block[i]);
	rules_free(rules);
	rules = r;
	free(rules_path);
	rules_path = NULL;	/* not from a file: never re-read */
}

/* Re-read the rules file if it changed; looked at once a second. */
static void
rules_maybe_reload(time_t now)
{
	struct stat	 st;
	char		 err[256];

	if (rules_path == NULL || now == rules_checked)
		return;
	rules_checked = now;
	if (stat(rules_path, &st) == -1)
		return;		/* being replaced; the old rules stay */
	if (st.st_mtim.tv_sec == rules_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == rules_st.st_mtim.tv_nsec &&
	    st.st_size == rules_st.st_size && st.st_ino == rules_st.st_ino)
		return;
	if (policy_rules_load(rules_path, err, sizeof(err)) == -1) {
		/* Keep the old rules; do not complain every second. */
		rules_st = st;
		log_err("could not reload authz rules: %s", err);
		return;
	}
	log_info("authz rules reloaded from %s", rules_path);
}

static int
has_prefix(const char *path, const char *const *list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strncmp(path, list[i], strlen(list[i])) == 0)
			return 1;
	return 0;
}

enum policy_rule
policy_rule(const char *path)
{
	if (rules == NULL)
		return POLICY_NONE;
	if (has_prefix(path, rules->block, rules->nblock))
		return POLICY_BLOCK;
	if (has_prefix(path, rules->pass, rules->npass))
		return POLICY_PASS;
	return POLICY_NONE;
}

/* ------------------------------------------------------------ tables */

enum action { ACT_ACCEPT, ACT_DROP, ACT_AUDIT };

enum category { CAT_WHITELIST, CAT_MAINTENANCE, CAT_BLACKLIST,
	CAT_BLOCKLOGIN, CAT__MAX };
enum scope { SC_ALL, SC_IP, SC_IP_SUBNET, SC_CONTINENT, SC_COUNTRY,
	SC__MAX };

static const char *const categories[CAT__MAX] = {
	"whitelist", "maintenance", "blacklist", "blocklogin"
};
static const char *const deny_codes[CAT__MAX] = {
	NULL, "authz.restrict.maintenance", "authz.restrict.blacklist",
	"authz.restrict.blocklogin"
};
/* In the order a category's rows are tried. */
static const char *const scopes[SC__MAX] = {
	"all", "ip", "ip_subnet", "continent", "country"
};
static const int scope_codes[SC__MAX] = { 401, 401, 403, 423, 423 };

#define MAINTENANCE_CODE	471
#define LOGIN_PATH		"api/v2/barong/identity/sessions"

struct perm {
	const char	*role;
	const char	*verb;
	const char	*path;
	size_t		 pathlen;
	enum action	 action;
	const char	*topic;
	size_t		 seq;
};

struct role {
	const char	*name;
	size_t		 first, n;	/* rows in perms[] */
};

struct restr {
	const char	*value;
	int		 code;
	int		 net_ok;
	struct cidr	 net;
};

struct rlist {
	struct restr	*v;
	size_t		 n, cap;
};

struct policy_tab {
	struct arena	*a;
	struct perm	*perms;
	size_t		 nperms, capperms;
	struct role	*roles;
	size_t		 nroles;
	int		 sorted;
	struct rlist	 restr[CAT__MAX][SC__MAX];
	size_t		 nrestr;
};

static struct policy_tab	*cur;
static int			 listening;
static int			 dirty;
static time_t			 loaded_at;
static time_t			 retry_at;
static unsigned long		 generation;
static uint64_t			 shared_seen;	/* SHARED_POLICY loaded */
static const char		*also_channel;
static void			(*also_fn)(void);

struct policy_tab *
policy_tab_new(void)
{
	struct policy_tab	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		abort();
	t->a = arena_new(16 * 1024);
	return t;
}

void
policy_tab_free(struct policy_tab *t)
{
	size_t	c, s;

	if (t == NULL)
		return;
	for (c = 0; c < CAT__MAX; c++)
		for (s = 0; s < SC__MAX; s++)
			free(t->restr[c][s].v);
	free(t->perms);
	free(t->roles);
	arena_free(t->a);
	free(t);
}

static void *
grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t	ncap;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 16;
	if ((v = realloc(v, ncap * size)) == NULL)
		abort();
	*cap = ncap;
	return v;
}

int
policy_tab_add_permission(struct policy_tab *t, const char *role,
    const char *verb, const char *path, const char *action, const char *topic)
{
	struct perm	*p;
	enum action	 act;

	if (strcmp(action, "ACCEPT") == 0)
		act = ACT_ACCEPT;
	else if (strcmp(action, "DROP") == 0)
		act = ACT_DROP;
	else if (strcmp(action, "AUDIT") == 0)
		act = ACT_AUDIT;
	else
		return -1;
	t->perms = grow(t->perms, &t->capperms, t->nperms, sizeof(*t->perms));
	p = &t->perms[t->nperms];
	p->role = arena_strdup(t->a, role);
	p->verb = arena_strdup(t->a, verb);
	p->path = arena_strdup(t->a, path);
	p->pathlen = strlen(path);
	p->action = act;
	p->topic = topic != NULL ? arena_strdup(t->a, topic) : NULL;
	p->seq = t->nperms++;
	t->sorted = 0;
	return 0;
}

static int
lookup(const char *const *names, int n, const char *s)
{
	int	i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int
policy_tab_add_restriction(struct policy_tab *t, const char *category,
    const char *scope, const char *value, int code)
{
	struct rlist	*l;
	struct restr	*x;
	int		 c, s;

	if ((c = lookup(categories, CAT__MAX, category)) == -1 ||
	    (s = lookup(scopes, SC__MAX, scope)) == -1)
		return -1;
	l = &t->restr[c][s];
	l->v = grow(l->v, &l->cap, l->n, sizeof(*l->v));
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	x->value = arena_strdup(t->a, value != NULL ? value : "");
	if (code > 0)
		x->code = code;
	else
		x->code = c == CAT_MAINTENANCE ? MAINTENANCE_CODE :
		    scope_codes[s];
	if (s == SC_IP_SUBNET) {
		/* Barong's IPAddr takes IPv4 networks here; so do we. */
		x->net_ok = cidr_parse(x->value, &x->net) == 0;
		if (!x->net_ok)
			log_warn("restriction %s/ip_subnet \"%s\" is not a "
			    "network: it never matches", category, x->value);
	}
	t->nrestr++;
	return 0;
}

static int
perm_cmp(const void *a, const void *b)
{
	const struct perm	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->role, y->role)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Group rows by role, keeping table order inside each role. */
static void
tab_index(struct policy_tab *t)
{
	size_t	i;

	if (t->sorted)
		return;
	if (t->nperms > 0)
		qsort(t->perms, t->nperms, sizeof(*t->perms), perm_cmp);
	free(t->roles);
	t->roles = NULL;
	t->nroles = 0;
	if (t->nperms > 0 && (t->roles = calloc(t->nperms,
	    sizeof(*t->roles))) == NULL)
		abort();
	for (i = 0; i < t->nperms; i++) {
		if (t->nroles == 0 || strcmp(t->roles[t->nroles - 1].name,
		    t->perms[i].role) != 0) {
			t->roles[t->nroles].name = t->perms[i].role;
			t->roles[t->nroles].first = i;
			t->roles[t->nroles].n = 0;
			t->nroles++;
		}
		t->roles[t->nroles - 1].n++;
	}
	t->sorted = 1;
}

void
policy_install(struct policy_tab *t)
{
	tab_index(t);
	policy_tab_free(cur);
	cur = t;
}

/* ------------------------------------------------------------ loading */

static const struct db_stmt st_snapshot = { "authz_policy_snapshot",
	"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0 };
static const struct db_stmt st_permissions = { "authz_policy_permissions",
	"SELECT role, verb, path, action, topic FROM permissions ORDER BY id",
	0 };
static const struct db_stmt st_restrictions = { "authz_policy_restrictions",
	"SELECT category, scope, value, code FROM restrictions"
	" WHERE state = 'enabled' ORDER BY id", 0 };

int
policy_load(void)
{
	struct arena		*a = arena_new(16 * 1024);
	struct policy_tab	*t = NULL;
	PGresult		*perms, *restr;
	int			 i, code;

	if (db_begin() == -1)
		goto fail;
	if (db_exec(a, &st_snapshot, NULL) == NULL ||
	    (perms = db_exec(a, &st_permissions, NULL)) == NULL ||
	    (restr = db_exec(a, &st_restrictions, NULL)) == NULL) {
		db_rollback();
		goto fail;
	}
	if (db_commit() == -1)
		goto fail;
	t = policy_tab_new();
	for (i = 0; i < PQntuples(perms); i++)
		if (policy_tab_add_permission(t, PQgetvalue(perms, i, 0),
		    PQgetvalue(perms, i, 1), PQgetvalue(perms, i, 2),
		    PQgetvalue(perms, i, 3), PQgetisnull(perms, i, 4) ? NULL :
		    PQgetvalue(perms, i, 4)) == -1)
			log_warn("permission with action \"%.32s\" ignored",
			    PQgetvalue(perms, i, 3));
	for (i = 0; i < PQntuples(restr); i++) {
		code = PQgetisnull(restr, i, 3) ? 0 :
		    atoi(PQgetvalue(restr, i, 3));
		if (policy_tab_add_restriction(t, PQgetvalue(restr, i, 0),
		    PQgetvalue(restr, i, 1), PQgetvalue(restr, i, 2),
		    code) == -1)
			log_warn("restriction %.32s/%.32s ignored",
			    PQgetvalue(restr, i, 0), PQgetvalue(restr, i, 1));
	}
	policy_install(t);
	generation++;
	log_debug("authz policy loaded: %d permissions, %d restrictions",
	    PQntuples(perms), PQntuples(restr));
	arena_free(a);
	return 0;
fail:
	arena_free(a);
	log_err("could not load the authz policy from the database");
	return -1;
}

static void
on_notify(const char *channel, const char *payload, void *arg)
{
	(void)payload;
	(void)arg;
	if (strcmp(channel, POLICY_CHANNEL) == 0)
		dirty = 1;
	else if (also_channel != NULL && strcmp(channel, also_channel) == 0)
		also_fn();
}

void
policy_also_listen(const char *channel, void (*fn)(void))
{
	also_channel = channel;
	also_fn = fn;
}

int
policy_refresh(void)
{
	time_t		now = time(NULL);
	uint64_t	seen;

	rules_maybe_reload(now);
	/* Read before the load: a change committed meanwhile reloads again. */
	seen = shared_counter(SHARED_POLICY);
	if (seen != shared_seen)
		dirty = 1;
	if (!listening) {
		if (now < retry_at)
			return cur != NULL ? 0 : -1;
		if (db_listen(POLICY_CHANNEL) == 0 && (also_channel == NULL ||
		    db_listen(also_channel) == 0)) {
			listening = 1;
			dirty = 1;
			if (also_fn != NULL)
				also_fn();
		} else {
			retry_at = now + 1;
			return cur != NULL ? 0 : -1;
		}
	} else
		(void)db_notifications(on_notify, NULL);
	if ((cur == NULL || dirty || now - loaded_at >=
	    cfg.authz_reload_interval) && now >= retry_at) {
		/* A notification during the load marks it dirty again. */
		dirty = 0;
		if (policy_load() == 0) {
			loaded_at = now;
			shared_seen = seen;
		} else {
			dirty = 1;
			retry_at = now + 1;
		}
	}
	return cur != NULL ? 0 : -1;
}

void
policy_reset(void)
{
	policy_tab_free(cur);
	cur = NULL;
	listening = dirty = 0;
	loaded_at = retry_at = 0;
	shared_seen = 0;
}

unsigned long
policy_generation(void)
{
	return generation;
}

/* --------------------------------------------------------- decisions */

struct geo {
	struct arena	*a;
	const char	*ip;
	int		 looked;
	const char	*country, *continent;
};

static void
geo_lookup(struct geo *g)
{
	if (g->looked)
		return;
	g->looked = 1;
	if (*g->ip == '\0')
		return;
	g->country = geoip_country_name(g->a, g->ip);
	g->continent = geoip_continent_name(g->a, g->ip);
}

/* The first restriction of a category that matches, or NULL. */
static const struct restr *
first_match(struct rlist *l, const char *ip, const struct cidr *addr,
    struct geo *g)
{
	size_t	i;

	if (l[SC_ALL].n > 0)
		return &l[SC_ALL].v[0];
	for (i = 0; i < l[SC_IP].n; i++)
		if (strcmp(l[SC_IP].v[i].value, ip) == 0)
			return &l[SC_IP].v[i];
	for (i = 0; addr != NULL && i < l[SC_IP_SUBNET].n; i++)
		if (l[SC_IP_SUBNET].v[i].net_ok &&
		    cidr_contains(&l[SC_IP_SUBNET].v[i].net, addr))
			return &l[SC_IP_SUBNET].v[i];
	if (l[SC_CONTINENT].n > 0 || l[SC_COUNTRY].n > 0)
		geo_lookup(g);
	for (i = 0; g->continent != NULL && i < l[SC_CONTINENT].n; i++)
		if (strcasecmp(l[SC_CONTINENT].v[i].value, g->continent) == 0)
			return &l[SC_CONTINENT].v[i];
	for (i = 0; g->country != NULL && i < l[SC_COUNTRY].n; i++)
		if (strcasecmp(l[SC_COUNTRY].v[i].value, g->country) == 0)
			return &l[SC_COUNTRY].v[i];
	return NULL;
}

int
policy_restrict(struct arena *a, const char *path, const char *ip,
    int *status, const char **code)
{
	const struct restr	*m;
	struct cidr		 addr;
	struct geo		 g;
	int			 c, have_addr;

	if (cur == NULL || cur->nrestr == 0)
		return 0;
	if (ip == NULL)
		ip = "";
	have_addr = *ip != '\0' && cidr_parse_addr(ip, &addr) == 0;
	memset(&g, 0, sizeof(g));
	g.a = a;
	g.ip = ip;
	for (c = 0; c < CAT__MAX; c++) {
		m = first_match(cur->restr[c], ip, have_addr ? &addr : NULL,
		    &g);
		if (m == NULL)
			continue;
		if (c == CAT_WHITELIST)
			return 0;
		if (c == CAT_BLOCKLOGIN && strcmp(path, LOGIN_PATH) != 0)
			continue;
		*status = m->code;
		*code = deny_codes[c];
		return 1;
	}
	return 0;
}

int
policy_rbac(const char *role, const char *method, const char *path,
    int *audit, const char **audit_topic)
{
	const struct role	*ro = NULL;
	const struct perm	*p;
	size_t			 i;
	int			 matched = 0, accept = 0, drop = 0;

	*audit = 0;
	*audit_topic = NULL;
	if (cur == NULL || role == NULL)
		return 0;
	for (i = 0; i < cur->nroles; i++)
		if (strcmp(cur->roles[i].name, role) == 0) {
			ro = &cur->roles[i];
			break;
		}
	if (ro == NULL)
		return 0;
	for (i = 0; i < ro->n; i++) {
		p = &cur->perms[ro->first + i];
		if (strcmp(p->verb, method) != 0 && strcmp(p->verb, "ALL") != 0)
			continue;
		if (strncmp(path, p->path, p->pathlen) != 0)
			continue;
		matched = 1;
		switch (p->action) {
		case ACT_ACCEPT:
			accept = 1;
			break;
		case ACT_DROP:
			drop = 1;
			break;
		case ACT_AUDIT:
			if (!*audit) {
				*audit = 1;
				*audit_topic = p->topic;
			}
			break;
		}
	}
	return matched && accept && !drop;
}
