/*
 * log.h - logging to syslog or stderr.
 *
 * One process-wide destination, chosen once at start-up (sc_log_open) before
 * any thread starts; after that sc_log() is thread-safe (syslog(3) is, and
 * stderr lines are written with one fputs under the stdio lock).
 */
#ifndef SC_LOG_H
#define SC_LOG_H

#include <stdarg.h>

/* Severities, in syslog's order: a message is written when level <= the threshold. */
typedef enum sc_log_level {
	SC_LOG_ERR = 3,
	SC_LOG_WARNING = 4,
	SC_LOG_NOTICE = 5,
	SC_LOG_INFO = 6,
	SC_LOG_DEBUG = 7
} sc_log_level;

/* sc_log_open - log as ident to syslog (to_stderr == 0) or to stderr. */
void sc_log_open(const char *ident, int to_stderr);
/* sc_log_set_level - the most verbose level written; default SC_LOG_INFO. */
void sc_log_set_level(sc_log_level level);
/* sc_log_level_parse - "err", "warning", "notice", "info", "debug"; -1 if unknown. */
int sc_log_level_parse(const char *name);
/* sc_log_level_name - inverse of sc_log_level_parse. */
const char *sc_log_level_name(sc_log_level level);

void sc_log(sc_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sc_vlog(sc_log_level level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
