/*
 * policy_file.c - the policy file: per-recipient thresholds, allow and block
 * lists, and the decisions made with them (see policy.h; the syntax is in
 * scam-milter.conf(5)).
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
#include "scan.h"

#define POLICY_MAX_LINE 1024 /* bytes in one policy file line */
#define POLICY_MAX_ARGS 8    /* words in one directive */

typedef struct rcpt_override {
	char *key; /* lower-case address or domain; owned */
	double tag, quarantine, reject;
	unsigned set; /* which of the three are set: bits 1, 2, 4 */
} rcpt_override;

typedef struct cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix; /* bits that must match */
} cidr;

typedef struct str_list {
	char **v; /* owned array of owned strings */
	size_t n;
} str_list;

struct sc_policy {
	rcpt_override *ov; /* owned array of nov */
	size_t nov;
	str_list allow_sender, block_sender, block_url;
	cidr *block_client; /* owned array of nblock_client */
	size_t nblock_client;
};

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

/* parse_cidr - "192.0.2.0/24", "2001:db8::/32" or a bare address; -1 if bad */
static int parse_cidr(const char *s, cidr *out)
{
	char addr[64], *slash, *end;
	unsigned long prefix;
	int n = snprintf(addr, sizeof(addr), "%s", s);

	if (n < 0 || (size_t) n >= sizeof(addr))
		return -1;
	slash = strchr(addr, '/');
	if (slash != NULL)
		*slash = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
	} else {
		return -1;
	}
	if (slash == NULL)
		return 0;
	if (!isdigit((unsigned char) slash[1]))
		return -1;
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || prefix > out->prefix)
		return -1;
	out->prefix = (unsigned) prefix;
	return 0;
}

/* cidr_match - does the textual address ip fall in c? */
static int cidr_match(const cidr *c, const char *ip)
{
	unsigned char a[16];
	unsigned full = c->prefix / 8, rest = c->prefix % 8;

	if (inet_pton(c->family, ip, a) != 1)
		return 0;
	if (memcmp(a, c->addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ c->addr[full]) & (0xFF << (8 - rest)) & 0xFF) == 0;
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
	cidr c;

	if (n < 2) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s: an argument is required", w[0]);
		return;
	}
	if (strcmp(w[0], "block_client") == 0) {
		if (n != 2 || parse_cidr(w[1], &c) != 0) {
			sc_diags_add(d, SC_DIAG_ERROR, file, line,
				     "block_client: \"%s\" is not an address or ADDRESS/PREFIX",
				     w[1]);
			return;
		}
		p->block_client = sc_reallocarray(p->block_client, p->nblock_client + 1, sizeof(c));
		p->block_client[p->nblock_client++] = c;
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
	else if (strcmp(w[0], "block_url_domain") == 0 && strchr(w[1], '@') == NULL)
		list_add(&p->block_url, w[1]);
	else
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "unknown directive \"%s\"", w[0]);
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

/* domain_of - the part after the last '@', or s itself */
static const char *domain_of(const char *s)
{
	const char *at = strrchr(s, '@');

	return at != NULL ? at + 1 : s;
}

/* domain_within - is host the domain dom or a subdomain of it (any case)? */
static int domain_within(const char *host, const char *dom)
{
	size_t hl = strlen(host), dl = strlen(dom);

	if (hl < dl || strcasecmp(host + hl - dl, dom) != 0)
		return 0;
	return hl == dl || host[hl - dl - 1] == '.';
}

/* entry_matches - an address entry matches addr whole, a domain entry its domain */
static int entry_matches(const char *entry, const char *addr)
{
	if (strchr(entry, '@') != NULL)
		return strcasecmp(entry, addr) == 0;
	return strchr(addr, '@') != NULL && domain_within(domain_of(addr), entry);
}

/* find_entry - the first entry of l matching addr, or NULL */
static const char *find_entry(const str_list *l, const char *addr)
{
	for (size_t i = 0; addr != NULL && i < l->n; i++)
		if (entry_matches(l->v[i], addr))
			return l->v[i];
	return NULL;
}

/* blocked_url_host - the first URL host within a block_url_domain entry */
static int blocked_url_host(const sc_policy *p, const sc_verdict *v, const char **host,
			    const char **entry)
{
	for (size_t i = 0; i < v->nurl_hosts; i++) {
		for (size_t j = 0; j < p->block_url.n; j++) {
			if (domain_within(v->url_hosts[i], p->block_url.v[j])) {
				*host = v->url_hosts[i];
				*entry = p->block_url.v[j];
				return 1;
			}
		}
	}
	return 0;
}

/* add_policy_hit - a POLICY_* hit with the entry that matched */
static void add_policy_hit(sc_verdict *v, const char *name, const char *desc, const char *what,
			   const char *entry)
{
	char detail[512];
	int n = snprintf(detail, sizeof(detail), "%s matched policy entry %s", what, entry);

	if (n < 0 || (size_t) n >= sizeof(detail))
		(void) snprintf(detail, sizeof(detail), "matched policy entry %.64s", entry);
	sc_verdict_add_hit(v, name, desc, detail, 0.0);
}

/* sc_policy_check - block lists first; an allow entry only with sender authentication */
void sc_policy_check(const sc_policy *p, const sc_envelope *env, sc_verdict *v)
{
	const char *from = env != NULL ? env->mail_from : NULL;
	const char *ip = env != NULL ? env->client_addr : NULL;
	const char *e, *host;

	if (p == NULL)
		return;
	if ((e = find_entry(&p->block_sender, from)) != NULL) {
		add_policy_hit(v, SC_HIT_BLOCK_SENDER, "envelope sender is on a block list", from,
			       e);
		v->blocked = 1;
	}
	for (size_t i = 0; ip != NULL && i < p->nblock_client; i++) {
		if (cidr_match(&p->block_client[i], ip)) {
			add_policy_hit(v, SC_HIT_BLOCK_CLIENT, "client address is on a block list",
				       ip, "block_client");
			v->blocked = 1;
			break;
		}
	}
	if (blocked_url_host(p, v, &host, &e)) {
		add_policy_hit(v, SC_HIT_BLOCK_URL_DOMAIN, "a link points at a blocked domain",
			       host, e);
		v->blocked = 1;
	}
	/* Only a sender authenticated for the entry's domain rides an allow entry. */
	e = find_entry(&p->allow_sender, from);
	if (!v->blocked && e != NULL && v->auth_domain != NULL &&
	    strcasecmp(domain_of(from), v->auth_domain) == 0) {
		add_policy_hit(v, SC_HIT_ALLOW_SENDER, "authenticated sender on an allow list",
			       from, e);
		v->allowed = 1;
	}
}

/* find_override - the recipient's address entry, else its domain's, else NULL */
static const rcpt_override *find_override(const sc_policy *p, const char *rcpt)
{
	const rcpt_override *dom = NULL;

	for (size_t i = 0; p != NULL && rcpt != NULL && i < p->nov; i++) {
		if (strcasecmp(p->ov[i].key, rcpt) == 0)
			return &p->ov[i];
		if (dom == NULL && strchr(p->ov[i].key, '@') == NULL &&
		    strcasecmp(p->ov[i].key, domain_of(rcpt)) == 0)
			dom = &p->ov[i];
	}
	return dom;
}

/* sc_policy_rcpt_action - blocked, allowed, else the recipient's thresholds */
sc_action sc_policy_rcpt_action(const sc_config *c, const sc_policy *p, const sc_verdict *v,
				const char *rcpt)
{
	const rcpt_override *ov = find_override(p, rcpt);
	double tag = c->tag_threshold, quar = c->quarantine_threshold, rej = c->reject_threshold;

	if (v->blocked)
		return SC_ACTION_REJECT;
	if (v->allowed)
		return SC_ACTION_ACCEPT;
	if (ov != NULL) {
		tag = ov->set & 1 ? ov->tag : tag;
		quar = ov->set & 2 ? ov->quarantine : quar;
		rej = ov->set & 4 ? ov->reject : rej;
	}
	if (v->score >= rej)
		return SC_ACTION_REJECT;
	if (v->score >= quar)
		return SC_ACTION_QUARANTINE;
	if (v->score >= tag)
		return SC_ACTION_TAG;
	return SC_ACTION_ACCEPT;
}
