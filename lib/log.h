/*
 * One line per event on stderr (the web server's error log), with the
 * program name, pid and the current request id.  Control characters in the
 * message are escaped so a client cannot forge log lines.  Never pass a
 * password, token, OTP or JWT here: log the user's uid instead.
 */
#ifndef BARONG_LOG_H
#define BARONG_LOG_H

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERR };

void	log_init(const char *prog);
/* Command-line tools: "prog: message" without time, pid or level. */
void	log_set_plain(int);
void	log_set_level(enum log_level);
void	log_set_request(const char *id);
void	log_msg(enum log_level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)

#endif
