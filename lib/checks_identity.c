/*
 * checks_identity.c - eval: checks on who a message claims to be from and
 * where replies go (issue 6, identity): the first of them, on the domain
 * lists of lists.h.
 *
 *   check_replyto_freemail()  a Reply-To address at a free webmail
 *                             provider (the "freemail" list) that is not
 *                             the From address: replies leave the sender's
 *                             domain for a mailbox anyone can open. A
 *                             mailing list's DMARC rewrite (From = the list,
 *                             Reply-To = the poster) is not a hit.
 *   check_from_freemail()     the From address is at a free webmail
 *                             provider (an input for metas; weak alone).
 *   check_from_name_other_domain()
 *                             the From display name shows an e-mail address
 *                             or a domain on another registrable domain
 *                             than the From address's ("service@bank.com"
 *                             <x@elsewhere.example>). A brand's other
 *                             country domains (same first label) and a
 *                             mailing list's rewrite are not hits.
 *   check_replyto_domain_differs()
 *                             the Reply-To's registrable domain is not the
 *                             From's (nor the same brand's); exempt: a
 *                             mailing list's rewrite, a Reply-To at the
 *                             list (List-Id/List-Post) or at the Sender's
 *                             domain. A meta input: ESPs and CRMs do it too.
 *   check_envelope_from_mismatch()
 *                             the envelope sender (MAIL FROM, only when
 *                             the MTA told us) is on another registrable
 *                             domain than From (a meta input: ESP bounce
 *                             domains make it common).
 *   check_reply_without_reference()
 *                             the Subject starts like a reply or forward
 *                             ("Re:", "Fwd:", "AW:", "WG:", "TR:", "Res:",
 *                             "Enc:"...) but neither In-Reply-To nor
 *                             References is present, and the body quotes
 *                             nothing (no "> " line, <blockquote>,
 *                             "... wrote:" or a forward's "From: ...
 *                             Sent: ..." block): a faked thread. Old
 *                             clients sent real replies, and Outlook
 *                             sends forwards, without the headers, but
 *                             with the quote.
 *   check_from_name_offer(WORD...)
 *                             the From display name holds one of the
 *                             words (whole words, any case: "perks",
 *                             "rewards", "giveaway") and none of its other
 *                             words of three letters or more is part of
 *                             the From domain: "TSC Member Perks"
 *                             <tsc@dizzycubelh.name> is a hit, "Acme
 *                             Rewards" <news@acme.com> is not. The name of
 *                             a prize, not of a sender.
 *   check_from_local_is_name()
 *                             the From local part is the display name
 *                             squashed ("Welcome To Blue Cross"
 *                             <welcometobluecross@...>): letters and digits
 *                             alike, any case, the name of two words or
 *                             more. Bulk tools make the address from the
 *                             name; people's own addresses usually are
 *                             too (john.smith, johnsmith), so it is an
 *                             input for metas only.
 *   check_sender_random_domain()
 *                             a domain the sending side names - of the
 *                             From, Reply-To, Sender or Return-Path
 *                             address, the Message-ID, a List-Unsubscribe
 *                             link or address - has a registrable label a
 *                             program made: eight characters or more with
 *                             letters and digits alternating four times
 *                             or more ("mgq3z0h5os.com",
 *                             "T9BDOEPSB3OPO9JALE1NQ3RCZ5PC.com"), or
 *                             seven consonants in a row ("lflwfzlvwz.com";
 *                             y counts as a vowel). Campaigns register such
 *                             domains by the thousand; people and brands
 *                             pick names. Only domains under a known
 *                             public suffix count (a Message-ID's
 *                             "uuid.mail" is no domain), and none on the
 *                             "freehost" list (a platform names those).
 *   check_from_outside_recipients()
 *                             the From address is on another registrable
 *                             domain than every recipient: the envelope's
 *                             (when the MTA told us) or else the To and Cc
 *                             addresses. No recipient with a domain, no
 *                             hit; only the first 100 recipients are
 *                             compared. An input for metas: most mail
 *                             comes from outside; "your mail
 *                             administrator" does not.
 *   check_to_self()           the To header names the From address and
 *                             nothing else, and there is no Cc: the real
 *                             readers were Bcc'd, as bulk senders from a
 *                             mailbox do. When the MTA gave the envelope,
 *                             a message to the sender's own address is
 *                             no hit (a note to oneself). An input for
 *                             metas: small groups send newsletters so.
 *   check_client_internal()   the MTA says the message came from one of
 *                             ours: a SASL login, or a client address in
 *                             the config's trusted_networks. Offline scans
 *                             without an envelope never hit. Lets metas
 *                             spare the site's own notices (the IT
 *                             department's "your mailbox is almost full")
 *                             what they hold against the same words from
 *                             outside.
 *
 * The freemail checks need the "freemail" list; without it they never hit.
 * Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks_util.h"
#include "cidr.h"
#include "config.h"
#include "eval.h"
#include "lists.h"
#include "url.h"

/* same_site - host is on the registrable domain site (from
 * sc_url_registrable_domain; NULL: none, then the hosts are compared) */
static int same_site(const char *host, const char *site, const char *own_host)
{
	char *r = sc_url_registrable_domain(host);
	int same = (r != NULL && site != NULL) ? strcmp(r, site) == 0
					       : strcasecmp(host, own_host) == 0;

	free(r);
	return same;
}

/* same_regdom - a and b (ASCII hosts) have the same registrable domain
 * (or are equal when one has none) */
static int same_regdom(const char *a, const char *b)
{
	char *rb = sc_url_registrable_domain(b);
	int same = same_site(a, rb, b);

	free(rb);
	return same;
}

/* list_host - the host part of a List-Id ("<users.lists.example.org>") or
 * List-Post ("<mailto:users@lists.example.org>") value, into out; 0 if none */
static int list_host(const char *v, char *out, size_t size)
{
	const char *lt = strrchr(v, '<'), *gt, *at, *h;
	size_t n;

	if (lt == NULL || (gt = strchr(lt, '>')) == NULL)
		return 0;
	at = memchr(lt, '@', (size_t) (gt - lt));
	h = at != NULL ? at + 1 : lt + 1;
	n = (size_t) (gt - h);
	if (n == 0 || n >= size)
		return 0;
	for (size_t i = 0; i < n; i++)
		out[i] = (char) (h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
	out[n] = '\0';
	return 1;
}

/* list_names - a List-Id or List-Post of m names a host on domain's
 * registrable domain: domain is the list's own */
static int list_names(const sc_msg *m, const char *domain)
{
	static const char *const fields[] = {"List-Id", "List-Post"};

	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
		long i = sc_msg_header_find(m, fields[k], 0);
		char host[256];

		if (i >= 0 && list_host(sc_msg_header_decoded(m, (size_t) i), host, sizeof(host)) &&
		    same_regdom(host, domain))
			return 1;
	}
	return 0;
}

/* list_rewrite - the From is a mailing list's own address standing in for
 * the poster's (the DMARC "via" rewrite): the display name ends in " via
 * NAME", or a List-Id or List-Post names the From domain's registrable
 * domain */
static int list_rewrite(const sc_msg *m, const sc_msg_addr *from)
{
	const char *via = strstr(from->name, " via ");

	return (via != NULL && via[5] != '\0') || list_names(m, from->domain);
}

/* check_replyto_freemail - see above */
static int check_replyto_freemail(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				  sc_buf *detail)
{
	const sc_domain_list *fm = sc_lists_get(ctx->lists, "freemail");
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);

	(void) args;
	(void) nargs;
	if (fm == NULL)
		return 0;
	for (size_t i = 0; i < sc_msg_addr_count(ctx->msg); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(ctx->msg, i);

		if (a->field != SC_ADDR_REPLY_TO || a->domain[0] == '\0' ||
		    !sc_domain_list_has(fm, a->domain))
			continue;
		if (from != NULL &&
		    (strcasecmp(from->addr, a->addr) == 0 || list_rewrite(ctx->msg, from)))
			return 0;
		(void) sc_buf_printf(detail,
				     "Reply-To %s is at a free webmail provider; From is %s",
				     a->addr, from != NULL ? from->addr : "missing");
		return 1;
	}
	return 0;
}

/* check_from_freemail - see above */
static int check_from_freemail(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			       sc_buf *detail)
{
	const sc_domain_list *fm = sc_lists_get(ctx->lists, "freemail");
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);

	(void) args;
	(void) nargs;
	if (fm == NULL || from == NULL || !sc_domain_list_has(fm, from->domain))
		return 0;
	(void) sc_buf_printf(detail, "From %s is at a free webmail provider", from->addr);
	return 1;
}

/* check_from_name_other_domain - see above */
static int check_from_name_other_domain(const sc_run_ctx *ctx, const char *const *args,
					size_t nargs, sc_buf *detail)
{
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);
	sc_url_set *s;
	char *own;
	int hit = 0;

	(void) args;
	(void) nargs;
	if (from == NULL || from->name[0] == '\0' || list_rewrite(ctx->msg, from))
		return 0;
	s = sc_url_set_new(16);
	sc_url_set_add_text(s, from->name, strlen(from->name), SC_URL_SRC_TEXT);
	own = sc_chk_site_of(from->domain);
	for (size_t i = 0; i < sc_url_set_count(s) && !hit; i++) {
		const sc_url *u = sc_url_set_at(s, i);
		char *shown;

		if (u->host_ascii == NULL || u->host_ascii[0] == '\0' ||
		    (u->flags & SC_URL_IP_HOST))
			continue;
		shown = sc_chk_site_of(u->host_ascii);
		if (strcspn(shown, ".") < 2) { /* "Craig R.Hughes": an initial, not a site */
			free(shown);
			continue;
		}
		if (!sc_chk_same_brand(shown, own)) {
			(void) sc_buf_printf(detail,
					     "From name \"%.80s\" shows %s; the address is at %s",
					     from->name, shown, from->domain);
			hit = 1;
		}
		free(shown);
	}
	free(own);
	sc_url_set_free(s);
	return hit;
}

/* check_replyto_domain_differs - see above */
static int check_replyto_domain_differs(const sc_run_ctx *ctx, const char *const *args,
					size_t nargs, sc_buf *detail)
{
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);
	const sc_msg_addr *rt = sc_chk_first_addr(ctx->msg, SC_ADDR_REPLY_TO);
	const sc_msg_addr *sender = sc_chk_first_addr(ctx->msg, SC_ADDR_SENDER);
	char *fs, *rs;
	int same;

	(void) args;
	(void) nargs;
	if (from == NULL || rt == NULL || list_rewrite(ctx->msg, from) ||
	    list_names(ctx->msg, rt->domain) ||
	    (sender != NULL && same_regdom(sender->domain, rt->domain)))
		return 0;
	fs = sc_chk_site_of(from->domain);
	rs = sc_chk_site_of(rt->domain);
	same = sc_chk_same_brand(fs, rs);
	free(fs);
	free(rs);
	if (same)
		return 0;
	(void) sc_buf_printf(detail, "Reply-To %s is on another domain than From %s", rt->addr,
			     from->addr);
	return 1;
}

/* check_envelope_from_mismatch - see above */
static int check_envelope_from_mismatch(const sc_run_ctx *ctx, const char *const *args,
					size_t nargs, sc_buf *detail)
{
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);
	const char *at;

	(void) args;
	(void) nargs;
	if (ctx->env == NULL || ctx->env->mail_from == NULL || from == NULL ||
	    (at = strrchr(ctx->env->mail_from, '@')) == NULL || at[1] == '\0' ||
	    same_regdom(at + 1, from->domain))
		return 0;
	(void) sc_buf_printf(detail, "MAIL FROM %.120s is on another domain than From %s",
			     ctx->env->mail_from, from->addr);
	return 1;
}

/* reply_prefix - the length of a reply or forward prefix ("Re:", "FWD :",
 * "AW:", "Re[2]:"...) at the start of s, or 0 */
static size_t reply_prefix(const char *s)
{
	static const char *const words[] = {"re", "fwd", "fw", "aw", "wg", "tr", "res", "enc"};

	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
		size_t n = strlen(words[k]);
		const char *p = s + n;

		if (strncasecmp(s, words[k], n) != 0)
			continue;
		if (*p == '[') { /* Re[2]: */
			while (*++p >= '0' && *p <= '9')
				;
			if (*p++ != ']')
				continue;
		}
		while (*p == ' ')
			p++;
		if (*p == ':')
			return (size_t) (p + 1 - s);
	}
	return 0;
}

/* starts_with_any - line l begins (case aside) with one of the labels */
static int starts_with_any(const char *l, const char *const *labels, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (strncasecmp(l, labels[k], strlen(labels[k])) == 0)
			return 1;
	return 0;
}

/* outlook_header_block - text holds the header block Outlook and webmail
 * clients put above a forwarded or quoted message: a "From:" line and,
 * within the next two lines, a "Sent:" line, in the client's language
 * ("De: ... Enviado:", "Von: ... Gesendet:") */
static int outlook_header_block(const char *text)
{
	static const char *const from[] = {"From:", "De:", "Von:", "Da:", "Van:", "Od:", "Från:"};
	static const char *const sent[] = {
		"Sent:",      "Date:",    "Enviado:", "Enviada em:", "Gesendet:",
		"Datum:",     "Envoyé :", "Envoyé:",  "Inviato:",    "Data:",
		"Verzonden:", "Wysłano:", "Fecha:",   "Skickat:"};
	int since_from = -1;

	for (const char *l = text; l != NULL; l = strchr(l, '\n')) {
		l += *l == '\n';
		while (*l == ' ' || *l == '\t' || *l == '*')
			l++;
		if (since_from >= 0 && since_from < 3 &&
		    starts_with_any(l, sent, sizeof(sent) / sizeof(sent[0])))
			return 1;
		if (starts_with_any(l, from, sizeof(from) / sizeof(from[0])))
			since_from = 0;
		else if (since_from >= 0)
			since_from++;
	}
	return 0;
}

/* quotes_earlier - a text part of m quotes an earlier message: a line
 * starting with ">", an HTML <blockquote>, a client's attribution
 * ("wrote:", "-----Original Message-----", "schrieb", "a écrit"...), or
 * the header block of a forwarded message ("From: ... Sent: ...") */
static int quotes_earlier(const sc_msg *m)
{
	static const char *const marks[] = {"wrote:",
					    "writes:",
					    "original message",
					    "forwarded message",
					    "<blockquote",
					    "schrieb:",
					    "a écrit",
					    "escreveu:",
					    "escribió:",
					    "ha scritto:",
					    "skrev:",
					    "schreef:",
					    "napisał:",
					    "ursprüngliche nachricht",
					    "mensagem original",
					    "message d'origine",
					    "mensaje original",
					    "messaggio originale",
					    "oorspronkelijk bericht"};

	for (size_t i = 0; i < sc_msg_part_count(m); i++) {
		const sc_msg_part *p = sc_msg_part_at(m, i);

		if (p->text == NULL || p->attachment >= 0)
			continue;
		for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
			if (strcasestr(p->text, marks[k]) != NULL)
				return 1;
		if (outlook_header_block(p->text))
			return 1;
		for (const char *l = p->text; l != NULL; l = strchr(l, '\n')) {
			l += *l == '\n';
			if (*l == '>')
				return 1;
		}
	}
	return 0;
}

/* check_reply_without_reference - see above */
static int check_reply_without_reference(const sc_run_ctx *ctx, const char *const *args,
					 size_t nargs, sc_buf *detail)
{
	long i = sc_msg_header_find(ctx->msg, "Subject", 0);
	const char *s;
	size_t n;

	(void) args;
	(void) nargs;
	if (i < 0 || sc_msg_header_find(ctx->msg, "In-Reply-To", 0) >= 0 ||
	    sc_msg_header_find(ctx->msg, "References", 0) >= 0)
		return 0;
	for (s = sc_msg_header_decoded(ctx->msg, (size_t) i); *s == ' ' || *s == '\t'; s++)
		;
	if ((n = reply_prefix(s)) == 0 || quotes_earlier(ctx->msg))
		return 0;
	(void) sc_buf_printf(detail,
			     "Subject starts with \"%.*s\" but neither In-Reply-To nor "
			     "References names a message",
			     (int) n, s);
	return 1;
}

/* clang-format off */
/* next_word - the next run of ASCII letters of s at or after *i,
 * lower-cased into w (size bytes, longer runs cut); its length, 0 at the
 * end */
static size_t next_word(const char *s, size_t *i, char *w, size_t size)
{
	size_t n = 0;

	while (s[*i] != '\0' && !((s[*i] | 0x20) >= 'a' && (s[*i] | 0x20) <= 'z'))
		(*i)++;
	while ((s[*i] | 0x20) >= 'a' && (s[*i] | 0x20) <= 'z') {
		if (n + 1 < size)
			w[n++] = (char) (s[*i] | 0x20);
		(*i)++;
	}
	w[n] = '\0';
	return n;
}

/* is_arg - w is one of the arguments (any case) */
static int is_arg(const char *w, const char *const *args, size_t nargs)
{
	for (size_t k = 0; k < nargs; k++)
		if (strcasecmp(w, args[k]) == 0)
			return 1;
	return 0;
}

/* check_from_name_offer - see above */
static int check_from_name_offer(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				 sc_buf *detail)
{
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);
	char w[64], offer[64];
	size_t i = 0;

	offer[0] = '\0';
	if (from == NULL || from->name[0] == '\0' || from->domain[0] == '\0')
		return 0;
	while (next_word(from->name, &i, w, sizeof(w)) > 0) {
		if (is_arg(w, args, nargs)) {
			if (offer[0] == '\0')
				memcpy(offer, w, strlen(w) + 1);
		} else if (strlen(w) >= 3 && strcasestr(from->domain, w) != NULL) {
			return 0;
		}
	}
	if (offer[0] == '\0')
		return 0;
	(void) sc_buf_printf(detail,
			     "From \"%.60s\" <%.80s>: \"%s\", and no other word of the name is in the "
			     "domain",
			     from->name, from->addr, offer);
	return 1;
}

/* squash - the ASCII letters and digits of s, lower-cased, into out (size
 * bytes); any other byte is dropped. The number of words (runs of them)
 * into *words when not NULL. */
static size_t squash(const char *s, char *out, size_t size, size_t *words)
{
	size_t n = 0, w = 0;
	int in = 0;

	for (; *s != '\0'; s++) {
		char c = *s;
		int alnum = sc_chk_ascii_alnum(c);

		if (alnum && !in)
			w++;
		in = alnum;
		if (alnum && n + 1 < size)
			out[n++] = (char) (c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[n] = '\0';
	if (words != NULL)
		*words = w;
	return n;
}

/* check_from_local_is_name - see above */
static int check_from_local_is_name(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				    sc_buf *detail)
{
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);
	char name[128], local[128];
	size_t words = 0;

	(void) args;
	(void) nargs;
	if (from == NULL || from->name[0] == '\0')
		return 0;
	if (squash(from->name, name, sizeof(name), &words) < 6 || words < 2 ||
	    squash(from->local, local, sizeof(local), NULL) == 0 || strcmp(name, local) != 0)
		return 0;
	(void) sc_buf_printf(detail, "From \"%.60s\" <%.80s>: the local part is the name", from->name,
			     from->addr);
	return 1;
}

/* machine_label - the n bytes of label l read as made by a program (see
 * check_sender_random_domain above) */
static int machine_label(const char *l, size_t n)
{
	size_t flips = 0, digits = 0, run = 0, longest = 0;
	int prev = -1; /* class of the last letter or digit: 0 letter, 1 digit */

	if (n < 8)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int c = l[i] >= 'A' && l[i] <= 'Z' ? l[i] + 32 : l[i];
		int digit = c >= '0' && c <= '9';

		if (!sc_chk_ascii_alnum(c)) {
			run = 0;
			prev = -1;
			continue;
		}
		digits += (size_t) digit;
		if (prev >= 0 && prev != digit)
			flips++;
		prev = digit;
		if (!digit && strchr("aeiouy", c) == NULL) {
			if (++run > longest)
				longest = run;
		} else
			run = 0;
	}
	return (digits >= 3 && flips >= 4) || longest >= 7;
}

/* machine_domain - host (n bytes) is under a known public suffix and its
 * registrable label is machine_label; the registrable domain into out.
 * Hosts on the "freehost" list (Firebase's "app-1a2b3.firebaseapp.com"
 * projects are named by the platform) are SCAM_FREEHOST's, not ours. */
static int machine_domain(const sc_run_ctx *ctx, const char *host, size_t n, char *out,
			  size_t size)
{
	char h[256];
	char *reg;
	int hit = 0;

	if (n == 0 || n >= sizeof(h))
		return 0;
	for (size_t i = 0; i < n; i++)
		h[i] = (char) (host[i] >= 'A' && host[i] <= 'Z' ? host[i] + 32 : host[i]);
	h[n] = '\0';
	if (sc_domain_list_has(sc_lists_get(ctx->lists, "freehost"), h) ||
	    (reg = sc_url_registrable_domain(h)) == NULL)
		return 0;
	if (machine_label(reg, strcspn(reg, ".")) && strlen(reg) < size) {
		strcpy(out, reg);
		hit = 1;
	}
	free(reg);
	return hit;
}

/* host_after - the host that starts at p: up to the first byte that ends
 * one ('>', '/', '?', ':', blank, ...); its length */
static size_t host_after(const char *p)
{
	size_t n = 0;

	while (sc_chk_ascii_alnum((unsigned char) p[n]) || p[n] == '.' || p[n] == '-')
		n++;
	return n;
}

/* check_sender_random_domain - see above */
static int check_sender_random_domain(const sc_run_ctx *ctx, const char *const *args,
				      size_t nargs, sc_buf *detail)
{
	static const sc_addr_field fields[] = {SC_ADDR_FROM, SC_ADDR_REPLY_TO, SC_ADDR_SENDER,
					       SC_ADDR_RETURN_PATH};
	char dom[256];
	long i;

	(void) args;
	(void) nargs;
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
		for (size_t a = 0; a < sc_msg_addr_count(ctx->msg); a++) {
			const sc_msg_addr *x = sc_msg_addr_at(ctx->msg, a);

			if (x->field == fields[k] &&
			    machine_domain(ctx, x->domain, strlen(x->domain), dom, sizeof(dom))) {
				(void) sc_buf_printf(detail, "%s domain %s looks machine-made",
						     k == 0 ? "From" : k == 1 ? "Reply-To"
								: k == 2 ? "Sender" : "Return-Path",
						     dom);
				return 1;
			}
		}
	if ((i = sc_msg_header_find(ctx->msg, "Message-ID", 0)) >= 0) {
		const char *v = sc_msg_header_value(ctx->msg, (size_t) i), *at = strrchr(v, '@');

		if (at != NULL && machine_domain(ctx, at + 1, host_after(at + 1), dom, sizeof(dom))) {
			(void) sc_buf_printf(detail, "Message-ID domain %s looks machine-made", dom);
			return 1;
		}
	}
	if ((i = sc_msg_header_find(ctx->msg, "List-Unsubscribe", 0)) >= 0) {
		const char *v = sc_msg_header_decoded(ctx->msg, (size_t) i);

		for (const char *lt = strchr(v, '<'); lt != NULL; lt = strchr(lt + 1, '<')) {
			const char *h = NULL, *gt = strchr(lt, '>');

			if (strncasecmp(lt + 1, "http://", 7) == 0)
				h = lt + 8;
			else if (strncasecmp(lt + 1, "https://", 8) == 0)
				h = lt + 9;
			else if (strncasecmp(lt + 1, "mailto:", 7) == 0) {
				h = memchr(lt, '@', gt != NULL ? (size_t) (gt - lt) : strlen(lt));
				h = h != NULL ? h + 1 : NULL;
			}
			if (h != NULL && machine_domain(ctx, h, host_after(h), dom, sizeof(dom))) {
				(void) sc_buf_printf(
					detail, "List-Unsubscribe domain %s looks machine-made", dom);
				return 1;
			}
		}
	}
	return 0;
}

#define OUTSIDE_MAX_RCPTS 100 /* recipients compared; a huge list is a list */

/* check_from_outside_recipients - see above */
static int check_from_outside_recipients(const sc_run_ctx *ctx, const char *const *args,
					 size_t nargs, sc_buf *detail)
{
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);
	const char *first = NULL;
	size_t seen = 0;
	char *site;
	int inside = 0;

	(void) args;
	(void) nargs;
	if (from == NULL)
		return 0;
	site = sc_url_registrable_domain(from->domain);
	if (ctx->env != NULL && ctx->env->nrcpts > 0) {
		for (size_t i = 0; i < ctx->env->nrcpts && seen < OUTSIDE_MAX_RCPTS && !inside; i++) {
			const char *at = strrchr(ctx->env->rcpts[i], '@');

			if (at == NULL || at[1] == '\0')
				continue;
			seen++;
			inside = same_site(at + 1, site, from->domain);
			if (first == NULL)
				first = ctx->env->rcpts[i];
		}
	} else {
		for (size_t i = 0; i < sc_msg_addr_count(ctx->msg) && seen < OUTSIDE_MAX_RCPTS && !inside;
		     i++) {
			const sc_msg_addr *a = sc_msg_addr_at(ctx->msg, i);

			if ((a->field != SC_ADDR_TO && a->field != SC_ADDR_CC) || a->domain[0] == '\0')
				continue;
			seen++;
			inside = same_site(a->domain, site, from->domain);
			if (first == NULL)
				first = a->addr;
		}
	}
	free(site);
	if (inside || first == NULL)
		return 0;
	(void) sc_buf_printf(detail, "From %s is on another domain than the recipients (%.120s)",
			     from->addr, first);
	return 1;
}

/* check_client_internal - see above */
static int check_client_internal(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				 sc_buf *detail)
{
	const sc_envelope *env = ctx->env;

	(void) args;
	(void) nargs;
	if (env == NULL)
		return 0;
	if (env->auth_user != NULL && env->auth_user[0] != '\0') {
		(void) sc_buf_printf(detail, "SASL login %.80s", env->auth_user);
		return 1;
	}
	for (size_t i = 0; ctx->config != NULL && env->client_addr != NULL &&
			   i < ctx->config->ntrusted_networks;
	     i++)
		if (sc_cidr_match(&ctx->config->trusted_networks[i], env->client_addr)) {
			(void) sc_buf_printf(detail, "client %.60s is in trusted_networks",
					     env->client_addr);
			return 1;
		}
	return 0;
}

/* check_to_self - see above */
static int check_to_self(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			 sc_buf *detail)
{
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);
	size_t to = 0;

	(void) args;
	(void) nargs;
	if (from == NULL)
		return 0;
	for (size_t i = 0; i < sc_msg_addr_count(ctx->msg); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(ctx->msg, i);

		if (a->field == SC_ADDR_CC)
			return 0;
		if (a->field != SC_ADDR_TO)
			continue;
		if (strcasecmp(a->addr, from->addr) != 0)
			return 0;
		to++;
	}
	if (to == 0)
		return 0;
	for (size_t i = 0; ctx->env != NULL && i < ctx->env->nrcpts; i++)
		if (strcasecmp(ctx->env->rcpts[i], from->addr) == 0)
			return 0;
	(void) sc_buf_printf(detail, "To is the sender's own address %.120s", from->addr);
	return 1;
}

static const sc_eval_def identity_defs[] = {
	{ "check_replyto_freemail", check_replyto_freemail, 0, 0 },
	{ "check_from_freemail",    check_from_freemail,    0, 0 },
	{ "check_from_name_other_domain",  check_from_name_other_domain,  0, 0 },
	{ "check_replyto_domain_differs",  check_replyto_domain_differs,  0, 0 },
	{ "check_envelope_from_mismatch",  check_envelope_from_mismatch,  0, 0 },
	{ "check_reply_without_reference", check_reply_without_reference, 0, 0 },
	{ "check_from_name_offer",         check_from_name_offer,         1, 32 },
	{ "check_from_local_is_name",      check_from_local_is_name,      0, 0 },
	{ "check_sender_random_domain",    check_sender_random_domain,    0, 0 },
	{ "check_from_outside_recipients", check_from_outside_recipients, 0, 0 },
	{ "check_to_self",                 check_to_self,                 0, 0 },
	{ "check_client_internal",         check_client_internal,         0, 0 },
};
/* clang-format on */

const sc_eval_table sc_identity_eval_table = {identity_defs,
					      sizeof(identity_defs) / sizeof(identity_defs[0])};
