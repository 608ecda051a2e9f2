#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prefork.h"

static volatile sig_atomic_t	stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

void
prefork(int n)
{
	struct sigaction	 sa;
	pid_t			 pids[64];
	int			 i, k = 0;

	if (n > 64)
		n = 64;
	/* No SA_RESTART: SIGTERM must interrupt wait(). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	for (i = 0; i < n; i++) {
		if ((pids[k] = fork()) == 0) {
			signal(SIGTERM, SIG_DFL);
			return;
		}
		if (pids[k] > 0)
			k++;
	}
	if (!stop)
		(void)wait(NULL);
	for (i = 0; i < k; i++)
		kill(pids[i], SIGTERM);
	while (wait(NULL) > 0)
		;
	exit(0);
}
