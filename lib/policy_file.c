/*
 * policy_file.c - reading the policy file: per-recipient thresholds, allow
 * and block lists (see policy.h; the syntax is in scam-milter.conf(5); the
 * decisions made with them are in policy_match.c).
 *
 * One directive per line, '#' starts a comment:
 *   recipient ADDR|DOMAIN [tag=N] [quarantine=N] [reject=N]   (N or "off")
 *   allow_sender ADDR|DOMAIN
 *   block_sender ADDR|DOMAIN
 *   block_client ADDR[/PREFIX]
 *   block_url_domain DOMAIN
 * An entry with '@' is an address, matched whole; any other is a domain,
 * matching itself and its subdomains (recipient domains match exactly).
 * Everything is compared in lower case.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "policy.h"
#include "policy_int.h"

#define POLICY_MAX_LINE 1024 /* bytes in one policy file line */
#define POLICY_MAX_ARGS 8    /* words in one directive */

/* lower_dup - a lower-case copy of s */
static char *lower_dup(const char *s)
{
	char *d = sc_strdup(s);

	for (char *p = d; *p != '\0'; p++)
		*p = (char) tolower((unsigned char) *p);
	return d;
}

/* list_add - append a lower-case copy of s */
static void list_add(str_list *l, const char *s)
{
	l->v = sc_reallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = lower_dup(s);
}

/* list_free - release a list's strings */
static void list_free(str_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* sc_policy_free - release a policy and all it owns */
void sc_policy_free(sc_policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nov; i++)
		free(p->ov[i].key);
	free(p->ov);
	list_free(&p->allow_sender);
	list_free(&p->block_sender);
	list_free(&p->block_url);
	free(p->block_client);
	free(p);
}

/* valid_entry - an address (one '@', text on both sides) or a domain: no blanks */
static int valid_entry(const char *s)
{
	const char *at = strchr(s, '@');

	if (s[0] == '\0' || strpbrk(s, " \t<>\"") != NULL)
		return 0;
	if (at == NULL)
		return s[0] != '.' && strchr(s, '.') != NULL;
	return at != s && at[1] != '\0' && strchr(at + 1, '@') == NULL;
}

/* parse_threshold - "N" or "off" (never) into *out; -1 if bad */
static int parse_threshold(const char *s, double *out)
{
	char *end;

	if (strcmp(s, "off") == 0) {
		*out = HUGE_VAL;
		return 0;
	}
	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && isfinite(*out) ? 0 : -1;
}

/* parse_override - "recipient KEY tag=N ..." into a new override; -1 if bad */
static int parse_override(sc_policy *p, char **arg, int narg, const char *file, unsigned line,
			  sc_diags *d)
{
	static const char *const names[] = {"tag", "quarantine", "reject"};
	rcpt_override ov = {NULL, 0, 0, 0, 0};
	double *slot[] = {&ov.tag, &ov.quarantine, &ov.reject};

	if (narg < 2) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "recipient: no thresholds given");
		return -1;
	}
	for (int i = 1; i < narg; i++) {
		char *eq = strchr(arg[i], '=');
		size_t k;

		for (k = 0; eq != NULL && k < 3; k++)
			if ((size_t) (eq - arg[i]) == strlen(names[k]) &&
			    strncmp(arg[i], names[k], strlen(names[k])) == 0)
				break;
		if (eq == NULL || k == 3 || parse_threshold(eq + 1, slot[k]) != 0) {
			sc_diags_add(d, SC_DIAG_ERROR, file, line,
				     "recipient: \"%s\" is not tag=N, quarantine=N or reject=N "
				     "(N a number or off)",
				     arg[i]);
			return -1;
		}
		ov.set |= 1u << k;
	}
	ov.key = lower_dup(arg[0]);
	p->ov = sc_reallocarray(p->ov, p->nov + 1, sizeof(*p->ov));
	p->ov[p->nov++] = ov;
	return 0;
}

/* parse_directive - one split line; errors go to d */
static void parse_directive(sc_policy *p, char **w, int n, const char *file, unsigned line,
			    sc_diags *d)
{
	sc_cidr c;

	if (n < 2) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s: an argument is required", w[0]);
		return;
	}
	if (strcmp(w[0], "block_client") == 0) {
		if (n != 2 || sc_cidr_parse(w[1], &c) != 0) {
			sc_diags_add(d, SC_DIAG_ERROR, file, line,
				     "block_client: \"%s\" is not an address or ADDRESS/PREFIX",
				     w[1]);
			return;
		}
		p->block_client = sc_reallocarray(p->block_client, p->nblock_client + 1, sizeof(c));
		p->block_client[p->nblock_client++] = c;
		return;
	}
	if (strcmp(w[0], "recipient") != 0 && strcmp(w[0], "allow_sender") != 0 &&
	    strcmp(w[0], "block_sender") != 0 && strcmp(w[0], "block_url_domain") != 0) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "unknown directive \"%s\"", w[0]);
		return;
	}
	if (!valid_entry(w[1])) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: \"%s\" is neither an address nor a domain", w[0], w[1]);
		return;
	}
	if (strcmp(w[0], "recipient") == 0) {
		(void) parse_override(p, w + 1, n - 1, file, line, d);
		return;
	}
	if (n != 2) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s: one argument expected", w[0]);
		return;
	}
	if (strcmp(w[0], "allow_sender") == 0)
		list_add(&p->allow_sender, w[1]);
	else if (strcmp(w[0], "block_sender") == 0)
		list_add(&p->block_sender, w[1]);
	else if (strchr(w[1], '@') == NULL)
		list_add(&p->block_url, w[1]);
	else
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "block_url_domain: \"%s\" is a domain, not an address", w[1]);
}

/* split_words - cut line into at most max blank-separated words; -1 if more */
static int split_words(char *line, char **w, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " \t\r\n", &save); t != NULL;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == max)
			return -1;
		w[n++] = t;
	}
	return n;
}

/* sc_policy_load - read and check a whole policy file */
sc_policy *sc_policy_load(const char *path, sc_diags *d)
{
	size_t errors_before = d->errors;
	char line[POLICY_MAX_LINE + 2], *w[POLICY_MAX_ARGS];
	unsigned lineno = 0;
	sc_policy *p;
	FILE *fp = fopen(path, "r");

	if (fp == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	p = sc_calloc(1, sizeof(*p));
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *hash = strchr(line, '#');
		int n;

		lineno++;
		if (strlen(line) > POLICY_MAX_LINE && strchr(line, '\n') == NULL) {
			sc_diags_add(d, SC_DIAG_ERROR, path, lineno, "line longer than %d bytes",
				     POLICY_MAX_LINE);
			break;
		}
		if (hash != NULL)
			*hash = '\0';
		n = split_words(line, w, POLICY_MAX_ARGS);
		if (n < 0)
			sc_diags_add(d, SC_DIAG_ERROR, path, lineno, "too many words");
		else if (n > 0)
			parse_directive(p, w, n, path, lineno, d);
	}
	if (ferror(fp))
		sc_diags_add(d, SC_DIAG_ERROR, path, 0, "read error: %s", strerror(errno));
	(void) fclose(fp);
	if (d->errors != errors_before) {
		sc_policy_free(p);
		return NULL;
	}
	return p;
}
