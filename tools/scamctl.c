/*
 * scamctl.c - the admin's tool: option handling and subcommand dispatch.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "scamctl.h"

#ifndef SC_SYSCONFDIR
#define SC_SYSCONFDIR "/usr/local/etc"
#endif
#define DEFAULT_CONFIG SC_SYSCONFDIR "/scam-milter/scam-milter.conf"

/* usage - the top-level help */
static void usage(FILE *fp)
{
	(void) fprintf(fp,
		       "usage: scamctl [-c CONFIG] [--rules DIR] COMMAND [ARGS]\n"
		       "\n"
		       "commands:\n"
		       "  scan [--json | --dump] [-v] [--client-ip IP] [--helo NAME]\n"
		       "       [--mail-from ADDR] [--rcpt ADDR]... FILE|DIR|-...\n"
		       "                                        score messages and explain why;\n"
		       "                                        --dump: show what the filter sees\n"
		       "  eval --scam PATH... --ham PATH... [--aux PATH...] [--json]\n"
		       "       [-j N]                           how well the rules separate\n"
		       "                                        scam from ham\n"
		       "  lint                                  check the config and the rules\n"
		       "  quarantine list|show|release|delete|purge|fsck ...\n"
		       "                                        review the quarantine\n"
		       "\n"
		       "options:\n"
		       "  -c, --config FILE  config file (default %s if it exists,\n"
		       "                     else built-in defaults)\n"
		       "  --rules DIR        rules directory instead of the config's rules_dir\n"
		       "  -h, --help         this help; `scamctl COMMAND --help` for a command\n"
		       "  -V, --version      print the version\n",
		       DEFAULT_CONFIG);
}

/* scamctl_config_path - -c, else the default file if present, else NULL */
const char *scamctl_config_path(const scamctl_opts *o)
{
	if (o->config_path != NULL)
		return o->config_path;
	if (access(DEFAULT_CONFIG, F_OK) == 0)
		return DEFAULT_CONFIG;
	return NULL;
}

/* scamctl_load_engine - config plus rules, diagnostics to stderr */
sc_engine *scamctl_load_engine(const scamctl_opts *o)
{
	sc_engine *e;
	sc_diags d;

	sc_diags_init(&d);
	e = sc_engine_load(scamctl_config_path(o), o->rules_dir, &d);
	sc_diags_print(&d, stderr);
	sc_diags_free(&d);
	return e;
}

/* scamctl_read_message - see scamctl.h */
int scamctl_read_message(FILE *fp, sc_buf *b, size_t max, int *truncated)
{
	char chunk[65536];
	size_t n;

	*truncated = 0;
	sc_buf_init(b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (sc_buf_append_upto(b, chunk, n) < n)
			*truncated = 1; /* keep reading: stdin must be drained */
	return ferror(fp) ? -1 : 0;
}

/* scamctl_parse_count - see scamctl.h */
long scamctl_parse_count(const char *s, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < min || n > max)
		return -1;
	return n;
}

/* scamctl_prefilter_line - the prefilter's state in one line */
void scamctl_prefilter_line(const sc_prefilter_info *info, char *buf, size_t size)
{
	char refused[64] = ""; /* known when compiled, not when read back */

	if (info->cached != 1)
		(void) snprintf(refused, sizeof(refused), " (%zu refused)", info->refused);
	switch (info->state) {
	case SC_PREFILTER_READY:
		(void) snprintf(buf, size,
				"prefilter: Hyperscan, %zu body, %zu rawbody, %zu uri, %zu header "
				"rules%s, %s in %.1fs%s%s",
				info->patterns[0], info->patterns[1], info->patterns[2],
				info->patterns[3], refused,
				info->cached == 1   ? "read from the cache"
				: info->cached == 2 ? "compiled and cached"
						    : "compiled",
				info->seconds, info->reason[0] != '\0' ? "; " : "", info->reason);
		break;
	case SC_PREFILTER_BUILDING:
		(void) snprintf(buf, size, "prefilter: being built");
		break;
	case SC_PREFILTER_FAILED:
		(void) snprintf(buf, size, "prefilter: failed: %s", info->reason);
		break;
	default:
		(void) snprintf(buf, size, "prefilter: off: %s", info->reason);
		break;
	}
}

/* main - global options, then the subcommand */
int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"rules", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	scamctl_opts o = {NULL, NULL};
	const char *cmd;
	int ch;

	sc_log_open("scamctl", 1);
	sc_log_set_level(SC_LOG_WARNING);
	while ((ch = getopt_long(argc, argv, "+c:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o.config_path = optarg;
			break;
		case 'r':
			o.rules_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return SCAMCTL_OK;
		case 'V':
			(void) printf("scamctl %s\n", PACKAGE_VERSION);
			return SCAMCTL_OK;
		default:
			usage(stderr);
			return SCAMCTL_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return SCAMCTL_USAGE;
	}
	cmd = argv[optind];
	/* The subcommand parses its own argv, starting at its name. */
	argc -= optind;
	argv += optind;
	optind = 0;
	if (strcmp(cmd, "scan") == 0)
		return cmd_scan(&o, argc, argv);
	if (strcmp(cmd, "eval") == 0)
		return cmd_eval(&o, argc, argv);
	if (strcmp(cmd, "lint") == 0)
		return cmd_lint(&o, argc, argv);
	if (strcmp(cmd, "quarantine") == 0)
		return cmd_quarantine(&o, argc, argv);
	(void) fprintf(stderr, "scamctl: unknown command \"%s\"\n", cmd);
	usage(stderr);
	return SCAMCTL_USAGE;
}
