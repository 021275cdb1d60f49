/*
 * log.c - syslog or stderr logging (see log.h).
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "log.h"

/* Set once before threads start, read-only afterwards (log.h). */
static int log_to_stderr = 1;
static const char *log_ident = "scam-milter";
static _Atomic int log_threshold = SC_LOG_INFO;

static const char *const level_names[] = {
	[SC_LOG_ERR] = "err",   [SC_LOG_WARNING] = "warning", [SC_LOG_NOTICE] = "notice",
	[SC_LOG_INFO] = "info", [SC_LOG_DEBUG] = "debug",
};

/* sc_log_open - choose the destination */
void sc_log_open(const char *ident, int to_stderr)
{
	log_ident = ident;
	log_to_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/* sc_log_set_level - set the verbosity threshold */
void sc_log_set_level(sc_log_level level)
{
	log_threshold = (int) level;
}

/* sc_log_level_parse - map a level name to its value */
int sc_log_level_parse(const char *name)
{
	for (int i = SC_LOG_ERR; i <= SC_LOG_DEBUG; i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

/* sc_log_level_name - map a level to its name */
const char *sc_log_level_name(sc_log_level level)
{
	if ((int) level < SC_LOG_ERR || (int) level > SC_LOG_DEBUG)
		return "unknown";
	return level_names[level];
}

/* sc_vlog - write one line at the given level */
void sc_vlog(sc_log_level level, const char *fmt, va_list ap)
{
	char line[2048];
	size_t len;
	int n;

	if ((int) level > log_threshold)
		return;
	if (!log_to_stderr) {
		vsyslog((int) level, fmt, ap);
		return;
	}
	n = snprintf(line, sizeof(line), "%s: %s: ", log_ident, sc_log_level_name(level));
	if (n < 0 || (size_t) n >= sizeof(line))
		return;
	/* A line longer than the buffer is cut: logs are for people, not archives. */
	(void) vsnprintf(line + n, sizeof(line) - (size_t) n - 1, fmt, ap);
	len = strlen(line); /* at most sizeof(line) - 2: one byte kept for the newline */
	line[len] = '\n';
	line[len + 1] = '\0';
	(void) fputs(line, stderr);
}

/* sc_log - write one line at the given level */
void sc_log(sc_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sc_vlog(level, fmt, ap);
	va_end(ap);
}
