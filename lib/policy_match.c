/*
 * policy_match.c - the decisions made with a policy: block and allow lists
 * against the envelope and the verdict, and each recipient's action (see
 * policy.h).
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy.h"
#include "policy_int.h"
#include "scan.h"

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
		if (sc_cidr_match(&p->block_client[i], ip)) {
			add_policy_hit(v, SC_HIT_BLOCK_CLIENT, "client address is on a block list",
				       ip, p->block_client[i].text);
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
