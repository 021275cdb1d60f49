/*
 * scamctl.h - what the scamctl subcommands share.
 */
#ifndef SC_SCAMCTL_H
#define SC_SCAMCTL_H

#include <stdio.h>

#include "buf.h"
#include "diag.h"
#include "engine.h"

/* Exit statuses common to the subcommands (scamctl(1)). */
#define SCAMCTL_OK          0
#define SCAMCTL_SOME_FAILED 1
#define SCAMCTL_USAGE       2

/* Options every subcommand takes, before or after its name. */
typedef struct scamctl_opts {
	const char *config_path; /* -c; NULL: the default path if it exists */
	const char *rules_dir;   /* --rules; NULL: the config's rules_dir */
} scamctl_opts;

/* scamctl_config_path - the config file to read, or NULL for built-in defaults. */
const char *scamctl_config_path(const scamctl_opts *o);

/* scamctl_load_engine - load config and rules, printing every diagnostic
 * to stderr; NULL when anything is in error. */
sc_engine *scamctl_load_engine(const scamctl_opts *o);

/* scamctl_read_message - up to max bytes of fp into b (initialised here;
 * the caller frees it), *truncated if more was there (read to the end all
 * the same: stdin must be drained); 0, or -1 on a read error. */
int scamctl_read_message(FILE *fp, sc_buf *b, size_t max, int *truncated);

/* scamctl_parse_count - s as a whole decimal number from min to max, or -1
 * when it is not one (for -j and --profile values) */
long scamctl_parse_count(const char *s, long min, long max);

/* scamctl_prefilter_line - "prefilter: ..." (no newline) describing info
 * into buf (size bytes). */
void scamctl_prefilter_line(const sc_prefilter_info *info, char *buf, size_t size);

int cmd_scan(scamctl_opts *o, int argc, char **argv);
/* scamctl_dump - parse len bytes of raw message with cfg's MIME limits and
 * print the message model on stdout (scan --dump). */
void scamctl_dump(const char *name, const char *raw, size_t len, const sc_config *cfg);
int cmd_eval(scamctl_opts *o, int argc, char **argv);
int cmd_lint(scamctl_opts *o, int argc, char **argv);
int cmd_quarantine(scamctl_opts *o, int argc, char **argv);

#endif
