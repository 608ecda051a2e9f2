/*
 * barongctl user: the operators' user commands (tools/barongctl_user.c).
 */
#ifndef BARONGCTL_USER_H
#define BARONGCTL_USER_H

/*
 * Run "user create ..." or "user set ..." (argv[0] is "user"); open_db
 * connects once the arguments are known good.  Returns the exit status:
 * 0 done, 1 failed, 2 usage error.
 */
int	barongctl_user(int argc, char **argv, int (*open_db)(void));

#endif
