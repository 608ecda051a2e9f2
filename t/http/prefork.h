/*
 * The prefork loop of the project's trivial FastCGI test programs
 * (t/http/upstream, bench/floor), which link libfcgi only.
 */
#ifndef BARONG_PREFORK_H
#define BARONG_PREFORK_H

/*
 * Fork n children (at most 64) that return to serve; the parent waits
 * until SIGTERM or until a child dies, ends the others and exits.
 */
void	prefork(int n);

#endif
