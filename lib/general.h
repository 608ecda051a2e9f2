/*
 * The general endpoints that both the public and the identity family serve
 * (user-api.md §3.1, §3.2, §4): ping, time, version, configs and
 * password/validate.  Each binary lists them in its own route table with
 * its own error prefix ("public.general", "identity.general").
 */
#ifndef BARONG_GENERAL_H
#define BARONG_GENERAL_H

#include "params.h"

struct req;

extern const struct param general_password_params[];

int	general_start(void);
int	general_ping(struct req *);
int	general_time(struct req *);
int	general_version(struct req *);
int	general_configs(struct req *);
int	general_password_validate(struct req *);

#endif
