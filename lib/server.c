/*
 * The main loop shared by every binary: command line, configuration,
 * privileges, then FastCGI (spawned or --listen with preforked workers) or
 * plain CGI.  Each request gets the worker's arena, reset afterwards.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "arena.h"
#include "conf.h"
#include "fcgiend.h"
#include "http.h"
#include "log.h"
#include "params.h"
#include "router.h"
#include "server.h"
#include "version.h"

extern char **environ;

static volatile sig_atomic_t	stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
usage(const struct app *app)
{
	fprintf(stderr, "usage: %s [-c config] [--check-config] "
	    "[--listen addr] [--workers n] [--user name] [--version]\n",
	    app->prog);
	exit(2);
}

/* Is this an allowed CORS origin?  Returns the value to send, or NULL. */
static const char *
cors_origin(struct req *r)
{
	const char	*origin = http_header(r, "Origin");
	const char	*list = cfg.api_cors_origins, *p, *e;
	size_t		 n;

	if (origin == NULL || *origin == '\0')
		return NULL;
	if (strcmp(list, "*") == 0)
		return "*";
	n = strlen(origin);
	for (p = list; *p != '\0'; p = *e ? e + 1 : e) {
		while (*p == ' ')
			p++;
		e = p + strcspn(p, ",");
		if ((size_t)(e - p) == n && strncmp(p, origin, n) == 0)
			return origin;
	}
	return NULL;
}

static void
cors_headers(struct req *r, const char *origin)
{
	http_add_header(r, "Access-Control-Allow-Origin", origin);
	if (strcmp(origin, "*") != 0)
		http_add_header(r, "Vary", "Origin");
	if (cfg.api_cors_allow_credentials)
		http_add_header(r, "Access-Control-Allow-Credentials", "true");
}

/* A CORS preflight is answered before any API logic, as rack-cors does. */
static int
cors_preflight(struct req *r, const char *origin)
{
	const char	*hdrs = http_header(r, "Access-Control-Request-Headers");

	cors_headers(r, origin);
	http_add_header(r, "Access-Control-Allow-Methods",
	    "GET, POST, DELETE, PUT, PATCH, OPTIONS, HEAD");
	if (hdrs != NULL)
		http_add_header(r, "Access-Control-Allow-Headers", hdrs);
	http_add_header(r, "Access-Control-Max-Age",
	    arena_printf(r->a, "%ld", cfg.api_cors_max_age));
	http_add_header(r, "Content-Type", "text/plain");
	return http_reply(r, 200, "", 0);
}

void
server_dispatch(const struct app *app, struct req *r)
{
	const struct route	*rt;
	const char		*origin;

	if (http_prepare(r) == -1) {
		http_reply_error(r);
		return;
	}
	origin = cors_origin(r);
	if (origin != NULL && strcmp(r->method, "OPTIONS") == 0 &&
	    http_header(r, "Access-Control-Request-Method") != NULL) {
		cors_preflight(r, origin);
		return;
	}
	if (origin != NULL)
		cors_headers(r, origin);
	if (app->dispatch != NULL) {
		app->dispatch(r);
		return;
	}
	if ((rt = router_match(app->routes, app->family, r)) == NULL) {
		http_reply_route_not_found(r);
		return;
	}
	r->route = rt;
	if ((app->authenticate != NULL && !(rt->flags & ROUTE_NOAUTH) &&
	    app->authenticate(r) == -1) ||
	    http_parse_params(r) == -1 ||
	    (router_bind_vars(rt, r), params_validate(r)) == -1 ||
	    rt->handler(r) == -1 || !r->replied) {
		if (!err_is_set(r))
			err_internal(r, "%s %s: no reply", rt->method,
			    rt->pattern);
		http_reply_error(r);
	}
}

/* Serialise the response in CGI form (also what FastCGI carries). */
static const char *
response_head(struct req *r, size_t *len)
{
	struct buf	b;
	const char	*h;

	buf_init(&b, r->a, 64 * 1024);
	buf_printf(&b, "Status: %d %s\r\n", r->status,
	    http_status_text(r->status));
	if ((h = buf_cstr(&r->headers)) != NULL)
		buf_puts(&b, h);
	buf_printf(&b, "X-Request-Id: %s\r\n", r->request_id ?
	    r->request_id : "-");
	if (r->status != 204)
		buf_printf(&b, "Content-Length: %zu\r\n", r->out_len);
	buf_puts(&b, "\r\n");
	h = buf_cstr(&b);
	*len = h ? b.len : 0;
	return h ? h : "";
}

static int
body_length(struct req *r, size_t *len)
{
	const char	*cl = http_env(r, "CONTENT_LENGTH");
	char		*end;
	unsigned long long n;

	*len = 0;
	if (cl == NULL || *cl == '\0')
		return 0;
	errno = 0;
	n = strtoull(cl, &end, 10);
	if (errno != 0 || *end != '\0' || *cl == '-')
		return -1;
	if (n > (unsigned long long)cfg.body_limit) {
		r->body_too_large = 1;
		return 0;
	}
	*len = (size_t)n;
	return 0;
}

/* Serve one request; returns whether its input was read whole. */
static int
serve_fcgi_request(const struct app *app, FCGX_Request *fr, struct arena *a)
{
	struct req	 r;
	const char	**env, *head;
	size_t		 n = 0, i, len, want, got = 0;
	char		*body;
	int		 k;

	http_init(&r, a);
	while (fr->envp[n] != NULL)
		n++;
	env = arena_alloc(a, (n + 1) * sizeof(*env));
	for (i = 0; i < n; i++)
		env[i] = arena_strdup(a, fr->envp[i]);
	r.env = env;
	head = http_env(&r, "FCGI_ROLE");
	r.role = head != NULL && strcmp(head, "AUTHORIZER") == 0 ?
	    ROLE_AUTHORIZER : ROLE_RESPONDER;
	if (body_length(&r, &want) == -1)
		r.body_too_large = 1;
	if (want > 0) {
		body = arena_alloc(a, want + 1);
		while (got < want) {
			k = FCGX_GetStr(body + got, (int)(want - got), fr->in);
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		r.body = body;
		r.body_len = got;
	}
	server_dispatch(app, &r);
	head = response_head(&r, &len);
	FCGX_PutStr(head, (int)len, fr->out);
	if (r.out_len > 0 && strcmp(r.method, "HEAD") != 0)
		FCGX_PutStr(r.out, (int)r.out_len, fr->out);
	/* An authorizer is sent no body; a responder's was read up to len. */
	return r.role == ROLE_AUTHORIZER || (!r.body_too_large && got == want);
}

static void
serve_socket(const struct app *app, int sock)
{
	FCGX_Request	 fr;
	struct arena	*a;

	a = arena_new(64 * 1024);
	if (FCGX_InitRequest(&fr, sock, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_err("could not initialise FastCGI request");
		exit(1);
	}
	while (!stopping && FCGX_Accept_r(&fr) >= 0) {
		fcgi_end(&fr, serve_fcgi_request(app, &fr, a));
		arena_reset(a);
		log_set_request(NULL);
	}
	FCGX_Free(&fr, 1);
	arena_free(a);
}

/* Plain CGI: one request from the environment and stdin. */
static int
serve_cgi(const struct app *app)
{
	struct arena	*a = arena_new(64 * 1024);
	struct req	 r;
	const char	*head;
	size_t		 len, got = 0;
	char		*body;

	http_init(&r, a);
	r.env = (const char **)environ;
	if (body_length(&r, &len) == -1)
		r.body_too_large = 1;
	if (len > 0) {
		body = arena_alloc(a, len + 1);
		got = fread(body, 1, len, stdin);
		r.body = body;
		r.body_len = got;
	}
	server_dispatch(app, &r);
	head = response_head(&r, &len);
	fwrite(head, 1, len, stdout);
	if (r.out_len > 0 && strcmp(r.method, "HEAD") != 0)
		fwrite(r.out, 1, r.out_len, stdout);
	fflush(stdout);
	arena_free(a);
	return 0;
}

static void
drop_privileges(const char *user)
{
	struct passwd	*pw;

	if (geteuid() != 0) {
		if (user != NULL)
			log_warn("--user ignored: not running as root");
		return;
	}
	if (user == NULL) {
		fprintf(stderr, "refusing to run as root: use --user NAME\n");
		exit(1);
	}
	if ((pw = getpwnam(user)) == NULL || pw->pw_uid == 0) {
		fprintf(stderr, "unknown or privileged user: %s\n", user);
		exit(1);
	}
	if (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		fprintf(stderr, "could not drop privileges: %s\n",
		    strerror(errno));
		exit(1);
	}
}

static void
set_signals(void (*fn)(int))
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: accept() must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);	/* mod_fcgid's graceful stop */
	signal(SIGPIPE, SIG_IGN);
}

static pid_t
spawn_worker(const struct app *app, int sock)
{
	pid_t	pid = fork();

	if (pid == 0) {
		serve_socket(app, sock);
		_exit(0);
	}
	if (pid == -1)
		log_err("could not fork worker: %s", strerror(errno));
	return pid;
}

/* Prefork: keep n workers accepting on sock until told to stop. */
static int
run_workers(const struct app *app, int sock, int n)
{
	pid_t	*pids, pid;
	int	 i, st;
	time_t	 last_respawn = 0;

	if ((pids = calloc((size_t)n, sizeof(*pids))) == NULL)
		return 1;
	for (i = 0; i < n; i++)
		pids[i] = spawn_worker(app, sock);
	while (!stopping) {
		pid = wait(&st);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			if (pids[i] != pid)
				continue;
			if (WIFSIGNALED(st) || (WIFEXITED(st) &&
			    WEXITSTATUS(st) != 0))
				log_warn("worker %ld ended with status %d",
				    (long)pid, st);
			if (stopping)
				break;
			/* Do not spin if a worker dies at once. */
			if (time(NULL) == last_respawn)
				sleep(1);
			last_respawn = time(NULL);
			pids[i] = spawn_worker(app, sock);
		}
	}
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	free(pids);
	return 0;
}

static const char *
default_config(const struct app *app)
{
	static char	path[512];

	snprintf(path, sizeof(path), "%s/barong/%s.conf", SYSCONFDIR,
	    app->family);
	return access(path, R_OK) == 0 ? path : NULL;
}

int
server_main(const struct app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "listen", required_argument, NULL, 'l' },
		{ "workers", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*config = getenv("BARONG_CONFIG"), *listen_addr = NULL;
	const char	*user = NULL;
	char		 err[512];
	int		 ch, check = 0, workers = 1, sock;

	log_init(app->prog);
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'C':
			check = 1;
			break;
		case 'l':
			listen_addr = optarg;
			break;
		case 'w':
			workers = atoi(optarg);
			if (workers < 1 || workers > 256)
				usage(app);
			break;
		case 'u':
			user = optarg;
			break;
		case 'V':
			printf("%s %s (Barong API %s)\n", app->prog,
			    PACKAGE_VERSION, BARONG_API_VERSION);
			return 0;
		default:
			usage(app);
		}
	}
	if (optind != argc)
		usage(app);
	if (config == NULL || *config == '\0')
		config = default_config(app);
	conf_defaults();
	if (config != NULL && conf_load(config, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", app->prog, err);
		return 1;
	}
	log_set_level(strcmp(cfg.log_level, "debug") == 0 ? LOG_LVL_DEBUG :
	    strcmp(cfg.log_level, "warn") == 0 ? LOG_LVL_WARN :
	    strcmp(cfg.log_level, "error") == 0 ? LOG_LVL_ERR : LOG_LVL_INFO);
	if (app->start != NULL && app->start() == -1)
		return 1;
	if (check) {
		printf("%s: configuration %s OK\n", app->prog,
		    config ? config : "(defaults)");
		return 0;
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "%s: could not initialise libfcgi\n",
		    app->prog);
		return 1;
	}
	set_signals(on_stop);
	if (listen_addr != NULL) {
		if (strncmp(listen_addr, "unix:", 5) == 0)
			listen_addr += 5;
		umask(007);
		if (listen_addr[0] == '/')
			unlink(listen_addr);
		if ((sock = FCGX_OpenSocket(listen_addr, 128)) < 0) {
			fprintf(stderr, "%s: could not listen on %s\n",
			    app->prog, listen_addr);
			return 1;
		}
		drop_privileges(user);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		log_info("listening on %s with %d worker%s", listen_addr,
		    workers, workers == 1 ? "" : "s");
		return run_workers(app, sock, workers);
	}
	drop_privileges(user);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (FCGX_IsCGI())
		return serve_cgi(app);
	serve_socket(app, 0);
	return 0;
}

int
server_main_parts(struct app *app, const struct route_part *const *parts,
    size_t nparts, int argc, char **argv)
{
	if ((app->routes = router_join(parts, nparts)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", app->prog);
		return 1;
	}
	return server_main(app, argc, argv);
}
