/*
 * relays.c - the X-Spam-Relays-* pseudo-headers from the Received headers,
 * re-expressing SpamAssassin 4.0's Metadata/Received.pm in C. The MTA
 * formats are a table of PCRE2 patterns tried in SpamAssassin's order, each
 * saying which capture holds the HELO, rDNS, IP, "by" host or ident.
 */
#include "autoconfig.h"

#include "relays.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "log.h"
#include "mem.h"

/* An IPv4 or IPv6 address as Received headers write it (IP_ADDRESS, simplified). */
#define IP                                                                                         \
	"(?:\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|(?:IPv6:)?[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:]*"    \
	"(?:\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|[0-9A-Fa-f]{1,4}))"
#define LOCALHOST "(?:localhost(?:\\.localdomain)?|\\b(?<!:)127\\.0\\.0\\.1\\b|::1)"

enum {
	F_DNS = 1 << 0,      /* the MTA looked up the rDNS */
	F_SKIP = 1 << 1,     /* a handover SpamAssassin ignores: return 0 */
	F_UNKNOWN = 1 << 2,  /* rdns "unknown" means none, else the MTA looked it up */
	F_IDENT = 1 << 3,    /* an "IDENT:x@" or "x@" prefix of the rDNS is the ident */
	F_NOID = 1 << 4,     /* the id is not kept */
	F_SOFTDNS = 1 << 5,  /* rdns "softdnserr" means no lookup */
	F_IDENT_AT = 1 << 6, /* the ident capture ends in "@": drop it */
	F_NOTQMAIL = 1 << 7, /* not when "by X (qmail-...) with" */
	F_FETCH = 1 << 8     /* a POP3/IMAP fetcher: the trusted relays start over */
};

/* One format: when guard (if any) matched the line, pattern gives the fields;
 * roles[k] is what capture k+1 holds: h helo, r rdns, R rdns and helo, i ip,
 * b by, d ident, s an Exim "helo=... ident=..." part, - nothing. */
typedef struct fmt {
	int chain; /* >0: one of the exclusive MTA families (first guard matching wins) */
	const char *guard;
	const char *pattern;
	const char *roles;
	unsigned flags;
} fmt;

static const fmt fmts[] = {
	/* Microsoft SMTPSVC */
	{1, " SMTPSVC", "^(\\S*) \\(\\[(" IP ")\\][^\\)]{0,40}\\) by (\\S+) with Microsoft SMTPSVC",
	 "hib", 0},
	{1, " SMTPSVC", "^mail pickup service by (\\S+) with Microsoft SMTPSVC$", "-", F_SKIP},
	/* Exchange */
	{2,
	 " with (?:Microsoft SMTP Server|mapi id) (?:\\([^\\)]+\\) "
	 ")?\\d+\\.\\d+\\.\\d+\\.\\d+(?:$| )",
	 "^(\\S+) \\(\\[?(" IP ")(?:%[A-Z0-9._~-]*)?\\]?\\) by (\\S+) ", "hib", F_NOID},
	/* ecelerity */
	{3, "\\(ecelerity\\b", "^\\(\\[(" IP "):\\d+\\] helo=(\\S+)\\) by (\\S+) ", "ihb", 0},
	{3, "\\(ecelerity\\b", "^\\S+ \\(\\[(" IP "):\\d+\\]\\) by (\\S+) ", "ib", 0},
	/* Exim */
	{4, "Exim", "\\bwith local(?:-\\S+)? ", "", F_SKIP},
	{4, "Exim", "^\\[(" IP ")\\] \\((.*?)\\) by (\\S+) ", "isb", 0},
	{4, "Exim", "^(\\S+) \\(\\[(" IP ")\\](.*?)\\) by (\\S+) ", "Risb", 0},
	{4, "Exim", "^(\\S+) \\[(" IP ")\\](:\\d+)? by (\\S+) ", "Ri-b", 0},
	{4, "Exim",
	 "^(\\S+) (?:.* )?\\((\\S+)\\) (?:.* )?\\[(" IP ")(?:\\.\\d+)?\\] (?:.* )?by (\\S+) ",
	 "rhib", 0},
	/* Postfix */
	{5, " \\(Postfix\\) with", "^(\\S+) \\((\\S+) \\[(" IP ")\\]\\) by (\\S+) ", "hrib",
	 F_DNS | F_UNKNOWN},
	{5, " \\(Postfix\\) with", "^(\\S+) \\((\\S+)\\[(" IP ")\\]\\) by (\\S+) ", "hrib",
	 F_DNS | F_UNKNOWN},
	/* Lotus Domino */
	{6, " \\(Lotus Domino ", "^(\\S+) \\(\\[(" IP ")\\]\\) by (\\S+) \\(Lotus", "hib", 0},
	/* generic formats, in SpamAssassin's order */
	{0, "\\bwith HTTP\\b", "^(" IP ") \\(\\[" IP "\\]\\) by (\\S+)", "ib", 0},
	{0, NULL, "^(\\S+) \\((\\S+) \\[(" IP ")\\].*\\) by (\\S+) \\(", "hrib",
	 F_DNS | F_IDENT | F_NOTQMAIL},
	{0, NULL, "^(\\S+) \\((\\S+) \\[(" IP ")\\]\\) by (\\S+) with \\S+ \\(", "hrib", F_DNS},
	{0, NULL, "^(\\S+) \\(\\[(" IP ")\\] helo=(\\S+)\\) by (\\S+) with ", "rihb", 0},
	{0, NULL, "^(\\S+) \\(<unknown\\S*>\\[(" IP ")\\]\\) by (\\S+) ", "hib", 0},
	{0, NULL, "^(\\S+) \\((\\S+\\.\\S+)\\[(" IP ")\\]\\) by (\\S+) ", "hrib", F_DNS},
	{0, NULL, "^(\\S+) \\((\\S*)\\@\\[(" IP ")\\].*\\) by (\\S+) \\(", "hdib", F_DNS},
	{0, NULL, "by (\\S+\\.hotmail\\.msn\\.com) ", "b", 0}, /* ip: see hotmail_ip */
	{0, NULL,
	 "^(\\S+) \\((?:HELO|EHLO) (\\S*)\\) \\((" IP ")\\) by (\\S+) \\(qpsmtpd/\\S+\\) with "
	 "(?:ESMTP|SMTP)",
	 "rhib", 0},
	{0, NULL, "^(\\S+) \\(LHLO (\\S*)\\) \\((" IP ")\\) by (\\S+) with LMTP", "rhib", 0},
	{0, NULL,
	 "^(\\S+) \\((?:HELO|EHLO) (\\S*)\\) \\[(" IP
	 ")\\] by (\\S+) \\([^\\)]+\\) with (?:ESMTP|SMTP)",
	 "rhib", 0},
	{0, NULL, "^(\\S+) \\(\\[(" IP ")\\]\\) by (\\S+) via smtpd \\(for \\S+\\) with SMTP\\(",
	 "hib", 0},
	/* qmail: four shapes under one guard */
	{0,
	 "^\\S+( \\((?:HELO|EHLO) \\S*\\))? \\((\\S+\\@)?\\[?" IP "\\]?\\)( \\(envelope-sender "
	 "<\\S+>\\))? by \\S+( \\(.+\\))* with (.* )?(SMTP|QMQP)(?! id )",
	 "^(\\S+) \\((?:HELO|EHLO) ([^ \\(\\)]*)\\) \\((\\S*)\\@\\[?(" IP
	 ")\\]?\\)( \\(envelope-sender "
	 "<\\S+>\\))? by (\\S+)",
	 "rhdi-b", F_UNKNOWN},
	{-1, NULL,
	 "^(\\S+) \\((?:HELO|EHLO) ([^ \\(\\)]*)\\) \\(\\[?(" IP
	 ")\\]?\\)( \\(envelope-sender <\\S+>\\))? "
	 "by (\\S+)",
	 "rhi-b", F_UNKNOWN},
	{-1, NULL,
	 "^(\\S+) \\((\\S*)\\@\\[?(" IP ")\\]?\\)( \\(envelope-sender <\\S+>\\))? by (\\S+)",
	 "Rdi-b", F_UNKNOWN},
	{-1, NULL, "^(\\S+) \\(\\[?(" IP ")\\]?\\)( \\(envelope-sender <\\S+>\\))? by (\\S+)",
	 "Ri-b", F_UNKNOWN},
	{-2, NULL, "", "", F_UNKNOWN}, /* the qmail guard matched: enough, whatever was found */
	{0, " via HTTP$", "^\\[(" IP ")\\] by (\\S+) via HTTP$", "ib", 0},
	{0, NULL, "^(\\S+) \\( \\[(" IP ")\\]\\).*? by (\\S+) ", "-ib", 0},
	{0, NULL, "^\\((\\S+) \\[(" IP ")\\]\\) by (\\S+) ", "hib", 0},
	{0, NULL, "^\\[(" IP ")\\] by (\\S+) ", "ib", 0},
	{0, NULL, "^\\(\\[?(" IP ")\\]?\\) by (\\S+) ", "ib", 0},
	{0, NULL, "^(\\S+) \\[(" IP ")\\] by (\\S+) \\[" IP "\\] with ", "hib", F_DNS},
	{0, NULL, "^(\\S+) \\[\\((" IP ")\\)\\] by (\\S+) \\(" IP "\\) ", "hib", 0},
	{0, NULL, "^(\\S+) \\(\\[(" IP ")\\]\\) by (\\S+) \\(", "hib", F_DNS},
	{0, NULL, "^(\\S+) \\((\\S+) \\[(" IP ")\\]\\).*? by (\\S+)\\b", "hrib", F_DNS | F_SOFTDNS},
	{0, NULL, "^(\\S+) \\(\\[(" IP ")(?:[.:]\\d+)?\\]\\).*? by (\\S+) ", "hib", F_DNS},
	{0, NULL,
	 "^(\\S+) \\((\\S+) \\[(" IP ")\\]\\)(?: \\(authenticated bits=\\d+\\))? by (\\S+) \\(",
	 "hrib", F_DNS},
	{0, NULL, "with (?:POP3|IMAP)", "", F_SKIP | F_FETCH},
	{0, NULL,
	 "^(\\S+) \\((?:HELO|EHLO) ([^\\)]*)\\) \\((\\S*@)?\\[?(" IP ")\\]?\\).* by (\\S+) ",
	 "rhdib", F_DNS | F_IDENT_AT},
	{0, NULL, "^(\\S+) \\((\\S*@)?\\[?(" IP ")\\]?\\).* by (\\S+) ", "Rdib",
	 F_DNS | F_IDENT_AT},
	{0, NULL, "^\\[(" IP ")\\] by (\\S+) with http for ", "ib", 0},
	{0, NULL, "^(\\S+)\\((" IP ")\\) by (\\S+) via smap ", "rib", F_DNS},
	{0, NULL, "^(\\S+)\\((" IP "), (?:HELO|EHLO) (\\S*)\\) by (\\S+) via smap ", "rihb", F_DNS},
	{0, NULL, "^\\[(" IP ")\\] by (\\S+) \\(Post", "ib", 0},
	{0, NULL, "^\\[(" IP ")\\] by (\\S+) \\(ArGoSoft", "ib", 0},
	{0, NULL, "^(" IP ") by (\\S+) \\((?:SMTPL|InterScan)\\b", "ib", 0},
	{0, NULL, "^\\S+ by \\S+ with BSMTP", "", F_SKIP},
	{0, NULL, "^(\\S+) \\((\\S+) \\[(" IP ")\\]\\) by (\\S+) with ", "hrib", F_DNS},
	{0, NULL,
	 "^(\\S+) \\((?:HELO|EHLO) (\\S*)\\) \\((?:(\\S+)\\@)?(" IP ").*?\\) by (\\S+) with ",
	 "rhdib", F_DNS},
	{0, NULL, "^\\[(" IP ")\\] \\((?:account \\S+ )?(?:HELO|EHLO) (\\S*)\\) by (\\S+) \\(",
	 "ihb", 0},
	{0, NULL, "^(\\S+) \\(\\[(" IP ")\\] verified\\) by (\\S+) \\((?=.*CommuniGate Pro)", "Rib",
	 F_DNS},
	{0, NULL, "^\\(\\[(" IP ")\\]\\) by (\\S+) with ", "ib", 0},
	{0, NULL, "^([^\\d]\\S+) \\((" IP ")\\) by (\\S+) ", "hib", 0},
	{0, NULL, "^\\S+ \\(\\S+\\) by \\S+ \\(Content Technologies ", "", F_SKIP},
	{0, NULL, "^(\\S+) \\(\\[(" IP ")\\] \\[(\\S+)\\]\\) by (\\S+) with ", "hi-b", 0},
	{0, NULL, "^(" IP ") by (\\S+) with ", "ib", 0},
	{0, NULL, "^(\\S+) \\((\\S+)\\[(" IP ")\\]\\) by (\\S+) ", "hrib", F_DNS},
	{0, NULL, "^\\[(" IP ")\\]\\S+ \\((?:HELO|EHLO) (\\S*)\\) by (\\S+) ", "ihb", 0},
	{0, NULL, "^(" IP ") \\((?:HELO|EHLO) (\\S*)\\) by (\\S+) ", "ihb", 0},
	{0, NULL, "^(\\S+) \\[(" IP ")\\] by (\\S+) ", "hib", 0},
	{0, NULL, "^(\\S+)\\((" IP ")\\) by (\\S+) ", "rib", 0},
	{0, NULL, "^\\[(" IP ")\\] by (\\S+) \\(MailGate ", "ib", 0},
	{0, NULL, "^(\\S+) \\(unverified \\[(" IP ")\\]\\) by (\\S+) ", "hib", 0},
	{0, NULL, "^(" IP ") \\([A-Za-z][^\\)]+\\) by (\\S+) with ", "ib", 0},
	{0, NULL, "^\\[(" IP ")\\] \\(([^\\)]+)\\) by (\\S+) ", "isb", 0},
	{0, NULL, "^(\\S+) \\((?:\\S+\\@)?(" IP ")\\) by (\\S+) with ", "rib", 0},
	{0, NULL, "^(\\S+) \\((\\S+)@(" IP ") with login\\) by (\\S+\\.yahoo\\.com) with SMTP",
	 "h-ib", 0},
	{0, NULL, "^X-Originating-IP: (" IP ")$", "i", 0}, /* from originating_ip_headers */
	/* handovers that are not TCP/IP relays */
	{0, NULL, "^\\S+ \\([^\\s\\@]+\\@" LOCALHOST "\\) by \\S+ \\(", "", F_SKIP},
	{0, NULL, "^\\S+ \\S+ by \\S+ with local-e?smtp ", "", F_SKIP},
	{0, NULL, "^127\\.0\\.0\\.1 \\(AVG SMTP \\S+ \\[\\S+\\]\\)", "", F_SKIP},
	{0, NULL, "^\\S+\\@\\S+ by \\S+ ", "", F_SKIP},
	{0, NULL, "^Unknown/Local \\(", "", F_SKIP},
	{0, NULL, "^" LOCALHOST " \\((?:\\S+\\@)?" LOCALHOST "[\\)\\[]", "", F_SKIP},
	{0, NULL, "^\\S+ \\((?:\\S+\\@)?" LOCALHOST "\\) ", "", F_SKIP},
	{0, NULL, "^\\S+ \\(\\S+\\@\\S+ \\[" LOCALHOST "\\]\\) ", "", F_SKIP},
	{0, NULL, "^\\(AUTH: \\S+\\) by \\S+ with ", "", F_SKIP},
	{0, NULL, "^localhost \\(localhost \\[\\[UNIX: localhost\\]\\]\\) by ", "", F_SKIP},
	{0, NULL, "^\\S+\\.amazon\\.com by \\S+\\.amazon\\.com with ESMTP \\(peer crosscheck: ", "",
	 F_SKIP},
	{0, NULL, "^[^\\.]+ by \\S+ with Novell_GroupWise", "", F_SKIP},
	{0, NULL, "^no\\.name\\.available by \\S+ via smtpd \\(for ", "", F_SKIP},
	{0, NULL, "^\\S+ by \\S+ \\(.{0,100}\\) with qmail-scanner", "", F_SKIP},
	{0, NULL, "^\\S+ by \\S+ with local", "", F_SKIP},
	{0, NULL,
	 "^\\S+ \\(\\[unix socket\\]\\) by \\S+ \\(Cyrus v[0-9]*?\\.[0-9]*?\\.[0-9]*?\\) with "
	 "LMTPA",
	 "", F_SKIP},
	{0, NULL, "^\\S+ by \\S+ (?:with|via|for|\\()", "", F_SKIP},
	{0, NULL, "^\\S+ (?:(?:with|via|for) \\S+|\\(unverified\\)) by\\b", "", F_SKIP},
	{0, NULL, "^\\S+ \\(unknown\\) by \\S+ \\(SG\\) with \\b", "", F_SKIP},
	{0, NULL, "^\\S+ \\(\\S+ \\[local\\]\\) by \\S+ \\(OpenSMTPD\\) with \\b", "", F_SKIP},
	{0, NULL, "\\(LSMTP for", "", F_SKIP},
	{0, NULL, "^\\S+ id \\S+$", "", F_SKIP},
	{0, NULL, "^\\[<.*? \\(Jetsend", "", F_SKIP},
};
#define NFMTS (sizeof(fmts) / sizeof(fmts[0]))

/* Fixed patterns used around the table. */
enum {
	P_DATE,
	P_ID,
	P_HELO_EQ,
	P_HELO_CMD,
	P_BY,
	P_AUTH_WITH,
	P_AUTH_SENDMAIL,
	P_AUTH_POSTFIX,
	P_AUTH_VIA_HTTP,
	P_AUTH_AUTHCMD,
	P_ENVFROM,
	P_FROM_BY_NOIP,
	P_HELO_FALLBACK,
	P_IP_ANY,
	P_PRIVATE,
	P_HOTMAIL_IP,
	P_QMAIL_BY,
	P_IP_BARE,
	P_COUNT
};
static const char *const fixed_text[P_COUNT] = {
	[P_DATE] = "[\\s;]+(?:(?:Mon|T(?:ue|hu)|Wed|Fri|S(?:at|un)), )?\\d+ "
		   "(?:J(?:an|u[nl])|Feb|Ma[ry]|A(?:pr|ug)|Sep|Oct|Nov|Dec) \\d+ "
		   "\\d+:\\d+(?::\\d+)? \\S+$",
	[P_ID] = " id <?([^\\s<>;]{3,})",
	[P_HELO_EQ] = "\\bhelo=([-A-Za-z0-9\\.\\^+_&:=?!@%*\\$\\\\/"
		      "]+)(?:[^-A-Za-z0-9\\.\\^+_&:=?!@%*\\$\\\\/]|$)",
	[P_HELO_CMD] = "\\b(?:HELO|EHLO) "
		       "([-A-Za-z0-9\\.\\^+_&:=?!@%*\\$\\\\/"
		       "]+)(?:[^-A-Za-z0-9\\.\\^+_&:=?!@%*\\$\\\\/]|$)",
	[P_BY] = " by (\\S+)(?:[^-A-Za-z0-9\\;\\.]|$)",
	[P_AUTH_WITH] = " by .* with ((?:ES|L|UTF8S|UTF8L)MTPS?A|ASMTP|HTTP[SU]?)(?: |;|$)|"
			" with ((?:ES|L|UTF8S|UTF8L)MTPS?A|ASMTP|HTTP[SU]?)(?: |;|$).* by ",
	[P_AUTH_SENDMAIL] =
		"^from .*?(?:\\](?: \\([^)]*\\))?\\)|\\)\\]) .*?\\(.*?authenticated.*?\\).*? by",
	[P_AUTH_POSTFIX] = "\\) \\(Authenticated sender: \\S+\\) by \\S+ \\(([^\\)]+)\\) with ",
	[P_AUTH_VIA_HTTP] = " by .* \\(via (HTTP.?)\\)(?: |;|$)|\\(via (HTTP.?)\\)(?: |;|$).* by ",
	[P_AUTH_AUTHCMD] = "^from .*?(?:\\]\\)|\\)\\]) \\(AUTH: (LOGIN|PLAIN|DIGEST-MD5|CRAM-MD5) "
			   "\\S+(?:, .*?)?\\) by ",
	[P_ENVFROM] = "(?:return-path:? |envelope-(?:sender|from)[ =])(\\S+)\\b",
	[P_FROM_BY_NOIP] = "^from (\\S+) by [^\\s;]+ ?;",
	[P_HELO_FALLBACK] = "^(\\S+)[^-A-Za-z0-9\\.]",
	[P_IP_ANY] = "\\[(" IP ")\\]",
	[P_PRIVATE] =
		"^(?:(?:10|127|169\\.254|172\\.(?:1[6-9]|2[0-9]|3[01])|192\\.168|"
		"100\\.(?:6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7]))\\..*|::1$|f[cd][0-9a-f]{2}:.*|"
		"fe[89ab][0-9a-f]:.*)",
	[P_HOTMAIL_IP] = "^(" IP ") ",
	[P_QMAIL_BY] = " by \\S+ \\(qmail-\\S+\\) with ",
	[P_IP_BARE] = "(" IP ")",
};
/* caseless ones (Perl /i) */
static const unsigned fixed_caseless = (1u << P_ENVFROM) | (1u << P_AUTH_WITH) |
				       (1u << P_AUTH_VIA_HTTP) | (1u << P_FROM_BY_NOIP) |
				       (1u << P_PRIVATE);

static pcre2_code *re_fixed[P_COUNT], *re_guard[NFMTS], *re_pat[NFMTS];
static pthread_once_t re_once = PTHREAD_ONCE_INIT;

/* compile_one - compile a built-in pattern; a failure is a bug */
static pcre2_code *compile_one(const char *pat, uint32_t opts)
{
	PCRE2_SIZE off;
	int err;
	pcre2_code *re =
		pcre2_compile((PCRE2_SPTR) pat, PCRE2_ZERO_TERMINATED, opts, &err, &off, NULL);

	if (re == NULL)
		sc_panic("relays: built-in regex /%s/ does not compile at offset %zu (error %d)",
			 pat, (size_t) off, err);
	(void) pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* compile_all - every pattern, once per process */
static void compile_all(void)
{
	for (size_t k = 0; k < P_COUNT; k++)
		re_fixed[k] =
			compile_one(fixed_text[k], (fixed_caseless >> k) & 1u ? PCRE2_CASELESS : 0);
	for (size_t k = 0; k < NFMTS; k++) {
		if (fmts[k].guard != NULL)
			re_guard[k] = compile_one(fmts[k].guard, 0);
		if (fmts[k].chain != -2)
			re_pat[k] = compile_one(fmts[k].pattern, 0);
	}
}

/* match - run re over s; the match data on success, NULL otherwise (caller frees) */
static pcre2_match_data *match(pcre2_code *re, const char *s)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);

	if (pcre2_match(re, (PCRE2_SPTR) s, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) >= 0)
		return md;
	pcre2_match_data_free(md);
	return NULL;
}

/* matches - whether re matches s */
static int matches(pcre2_code *re, const char *s)
{
	pcre2_match_data *md = match(re, s);

	pcre2_match_data_free(md);
	return md != NULL;
}

/* group - capture k of md over s, as a new string ("" when unset) */
static char *group(pcre2_match_data *md, const char *s, int k)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

	if ((uint32_t) k >= pcre2_get_ovector_count(md) || ov[2 * k] == PCRE2_UNSET)
		return sc_strdup("");
	return sc_strndup(s + ov[2 * k], ov[2 * k + 1] - ov[2 * k]);
}

/* first_group - the first set capture among 1 and 2 (alternations), or NULL */
static char *first_group(pcre2_code *re, const char *s)
{
	pcre2_match_data *md = match(re, s);
	char *v = NULL;

	if (md == NULL)
		return NULL;
	for (int k = 1; k <= 2 && v == NULL; k++) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

		if ((uint32_t) k < pcre2_get_ovector_count(md) && ov[2 * k] != PCRE2_UNSET)
			v = group(md, s, k);
	}
	pcre2_match_data_free(md);
	return v;
}

/* The fields of one relay while it is parsed. */
typedef struct relay {
	char *ip, *rdns, *helo, *by, *ident, *envfrom, *id, *auth;
	int dns;
} relay;

/* set - replace *field by v (owned) */
static void set(char **field, char *v)
{
	free(*field);
	*field = v;
}

/* relay_free - release the fields */
static void relay_free(relay *r)
{
	free(r->ip);
	free(r->rdns);
	free(r->helo);
	free(r->by);
	free(r->ident);
	free(r->envfrom);
	free(r->id);
	free(r->auth);
}

/* exim_sub - take helo= and ident= from Exim's "(...)" part */
static void exim_sub(relay *r, const char *sub)
{
	const char *p = strstr(sub, "helo=");

	if (p != NULL) {
		p += 5;
		set(&r->helo, sc_strndup(p, strcspn(p, " \t")));
	}
	p = strstr(sub, "ident=");
	if (p != NULL) {
		p += 6;
		set(&r->ident, sc_strndup(p, strcspn(p, " \t")));
	}
}

/* apply - store the captures of format f in r; 1 if it was a relay, 0 to skip */
static int apply(const fmt *f, pcre2_match_data *md, const char *s, relay *r)
{
	if (f->flags & F_SKIP)
		return (f->flags & F_FETCH) ? 2 : 0;
	for (int k = 0; f->roles[k] != '\0'; k++) {
		char *v = group(md, s, k + 1);

		switch (f->roles[k]) {
		case 'h':
			set(&r->helo, v);
			break;
		case 'r':
			set(&r->rdns, v);
			break;
		case 'R':
			set(&r->helo, sc_strdup(v));
			set(&r->rdns, v);
			break;
		case 'i':
			set(&r->ip, v);
			break;
		case 'b':
			set(&r->by, v);
			break;
		case 'd':
			set(&r->ident, v);
			break;
		case 's':
			exim_sub(r, v);
			free(v);
			break;
		default:
			free(v);
			break;
		}
	}
	if (f->flags & F_DNS)
		r->dns = 1;
	if (f->flags & F_UNKNOWN) {
		if (strcmp(r->rdns, "unknown") == 0)
			set(&r->rdns, sc_strdup(""));
		else
			r->dns = 1;
	}
	if ((f->flags & F_SOFTDNS) && strcmp(r->rdns, "softdnserr") == 0) {
		r->dns = 0;
		set(&r->rdns, sc_strdup(""));
	}
	if (f->flags & F_IDENT) {
		const char *at = strchr(r->rdns, '@');

		if (at != NULL) {
			const char *from =
				strncmp(r->rdns, "IDENT:", 6) == 0 ? r->rdns + 6 : r->rdns;

			set(&r->ident, sc_strndup(from, (size_t) (at - from)));
			set(&r->rdns, sc_strdup(at + 1));
		}
	}
	if ((f->flags & F_IDENT_AT) && r->ident[0] != '\0' && r->ident[strlen(r->ident) - 1] == '@')
		r->ident[strlen(r->ident) - 1] = '\0';
	if (f->flags & F_NOID)
		set(&r->id, sc_strdup(""));
	return 1;
}

/* strip_chars - SpamAssassin's clean-up: white space, NUL, #[]()<>| become '!' */
static void strip_chars(char *s)
{
	for (; *s != '\0'; s++)
		if (strchr(" \t\r\n#[]()<>|", *s) != NULL)
			*s = '!';
}

/* finish - the clean-up after a format matched ("enough:"), then the text */
static char *finish(relay *r, int *priv)
{
	size_t n = strlen(r->rdns);
	char *ip = r->ip;
	sc_buf b;

	while (n > 0 && r->rdns[n - 1] == '.')
		r->rdns[--n] = '\0';
	if (strcasecmp(r->rdns, "unknown") == 0 || r->rdns[0] == '[')
		r->rdns[0] = '\0';
	if (strncasecmp(ip, "ipv6:", 5) == 0)
		memmove(ip, ip + 5, strlen(ip + 5) + 1);
	if (ip[0] == '[')
		memmove(ip, ip + 1, strlen(ip));
	n = strlen(ip);
	if (n > 0 && ip[n - 1] == ']')
		ip[--n] = '\0';
	if (strchr(ip, '%') != NULL)
		*strchr(ip, '%') = '\0';
	if (strncasecmp(ip, "::ffff:", 7) == 0 && strchr(ip + 7, ':') == NULL &&
	    strchr(ip + 7, '.') != NULL)
		memmove(ip, ip + 7, strlen(ip + 7) + 1);
	n = strlen(r->by);
	if (n > 0 && r->by[n - 1] == ';')
		r->by[n - 1] = '\0';
	strip_chars(ip);
	strip_chars(r->rdns);
	strip_chars(r->helo);
	strip_chars(r->by);
	strip_chars(r->ident);
	if (r->envfrom != NULL) {
		char *e = r->envfrom;
		size_t m;

		e += strspn(e, " \t");
		e += strspn(e, "<");
		memmove(r->envfrom, e, strlen(e) + 1);
		m = strlen(r->envfrom);
		while (m > 0 && strchr("> \t", r->envfrom[m - 1]) != NULL)
			r->envfrom[--m] = '\0';
		strip_chars(r->envfrom);
	}
	*priv = matches(re_fixed[P_PRIVATE], ip);
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(
		&b,
		"[ ip=%s rdns=%s helo=%s by=%s ident=%s envfrom=%s intl=0 id=%s auth=%s "
		"msa=0 ]",
		ip, r->rdns, r->helo, r->by, r->ident, r->envfrom != NULL ? r->envfrom : "", r->id,
		r->auth);
	return sc_buf_steal(&b);
}

/* detect_auth - SpamAssassin's signs of an authenticated submission */
static char *detect_auth(const char *s)
{
	char *v;

	if (strstr(s, " by ") != NULL && (v = first_group(re_fixed[P_AUTH_WITH], s)) != NULL)
		return v;
	if ((v = first_group(re_fixed[P_AUTH_AUTHCMD], s)) != NULL)
		return v;
	if (strstr(s, "authenticated") != NULL && matches(re_fixed[P_AUTH_SENDMAIL], s))
		return sc_strdup("Sendmail");
	if ((v = first_group(re_fixed[P_AUTH_POSTFIX], s)) != NULL) {
		char *w;
		sc_buf b;

		if (strcmp(v, "Postfix") == 0)
			return v;
		sc_buf_init(&b, SC_BUF_UNLIMITED);
		(void) sc_buf_printf(&b, "Postfix (%s)", v);
		free(v);
		w = sc_buf_steal(&b);
		return w;
	}
	if (strstr(s, " with Microsoft Exchange Server HTTP-DAV") != NULL)
		return sc_strdup("HTTP-DAV");
	if ((v = first_group(re_fixed[P_AUTH_VIA_HTTP], s)) != NULL)
		return v;
	return sc_strdup("");
}

/* normalise - white space runs to one space, trimmed, trailing ";"s removed,
 * ")by " spaced: the line as the formats expect it (the date goes later) */
static char *normalise(const char *line)
{
	sc_buf b;
	char *s;
	size_t n;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	for (const char *p = line; *p != '\0'; p++) {
		if (strchr(" \t\r\n\f\v", *p) != NULL) {
			while (p[1] != '\0' && strchr(" \t\r\n\f\v", p[1]) != NULL)
				p++;
			(void) sc_buf_putc(&b, ' ');
		} else
			(void) sc_buf_putc(&b, *p);
	}
	s = sc_buf_steal(&b);
	if (s[0] == ' ')
		memmove(s, s + 1, strlen(s));
	n = strlen(s);
	if (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	while (n > 0 && s[n - 1] == ';') {
		s[--n] = '\0';
		if (n > 0 && strchr(" \t", s[n - 1]) != NULL)
			s[--n] = '\0';
	}
	for (char *p = strstr(s, ")by "); p != NULL; p = strstr(p + 1, ")by ")) {
		size_t len = strlen(s);
		size_t at = (size_t) (p - s) + 1;

		s = sc_reallocarray(s, len + 2, 1);
		memmove(s + at + 1, s + at, len - at + 1);
		s[at] = ' ';
		p = s + at;
	}
	return s;
}

/* qmail_done - the qmail formats' rule for the rDNS, then enough */
static int qmail_done(relay *r)
{
	if (strcmp(r->rdns, "unknown") == 0)
		set(&r->rdns, sc_strdup(""));
	else
		r->dns = 1;
	return 1;
}

/* parse_rest - after "from ": the formats, in order; 1 relay, 0 skip, -1 unparsed */
static int parse_rest(const char *s, relay *r)
{
	int family = 0, qmail = 0;

	/* the MTA families are exclusive: only the first whose guard matches is tried */
	for (size_t k = 0; k < NFMTS && family == 0; k++)
		if (fmts[k].chain > 0 && matches(re_guard[k], s))
			family = fmts[k].chain;
	for (size_t k = 0; k < NFMTS; k++) {
		const fmt *f = &fmts[k];
		pcre2_match_data *md;
		int rc;

		if (f->chain > 0 && f->chain != family)
			continue;
		if (f->chain == -1 || f->chain == -2) {
			if (!qmail)
				continue;
			if (f->chain == -2)
				return qmail_done(r);
		} else if (f->chain == 0 && f->guard != NULL) {
			if (!matches(re_guard[k], s))
				continue;
			qmail = k + 1 < NFMTS && fmts[k + 1].chain == -1;
		}
		if ((f->flags & F_NOTQMAIL) && strstr(s, "(qmail-") != NULL &&
		    matches(re_fixed[P_QMAIL_BY], s))
			continue;
		md = match(re_pat[k], s);
		if (md == NULL)
			continue;
		rc = apply(f, md, s, r);
		pcre2_match_data_free(md);
		if (qmail)
			return qmail_done(r);
		if (rc == 1 && strstr(f->pattern, "hotmail") != NULL) {
			md = match(re_fixed[P_HOTMAIL_IP], s);
			if (md != NULL) {
				set(&r->ip, group(md, s, 1));
				pcre2_match_data_free(md);
			}
		}
		return rc;
	}
	return -1;
}

int sc_relays_parse_line(const char *line, char **out, int *priv, int *auth)
{
	relay r = {0};
	char *s, *rest;
	pcre2_match_data *md;
	int rc;

	pthread_once(&re_once, compile_all);
	*out = NULL;
	*priv = *auth = 0;
	s = normalise(line);
	if (strncasecmp(s, "from ", 5) != 0 && strncasecmp(s, "(from ", 6) != 0) {
		free(s);
		return 0;
	}
	if (strstr(s, "with local for") != NULL) {
		free(s);
		return 0;
	}
	md = match(re_fixed[P_FROM_BY_NOIP], s);
	if (md != NULL) {
		char *h = group(md, s, 1);
		int ip_lit = h[0] == '[' && strspn(h + 1, "0123456789.") == strlen(h) - 2 &&
			     h[strlen(h) - 1] == ']';

		free(h);
		pcre2_match_data_free(md);
		if (!ip_lit) {
			free(s);
			return 0;
		}
	}
	md = match(re_fixed[P_DATE], s);
	if (md != NULL) {
		s[pcre2_get_ovector_pointer(md)[0]] = '\0';
		pcre2_match_data_free(md);
	}
	r.ip = sc_strdup("");
	r.rdns = sc_strdup("");
	r.helo = sc_strdup("");
	r.by = sc_strdup("");
	r.ident = sc_strdup("");
	r.id = sc_strdup("");
	md = match(re_fixed[P_ID], s);
	if (md != NULL) {
		set(&r.id, group(md, s, 1));
		pcre2_match_data_free(md);
	}
	if ((md = match(re_fixed[P_HELO_EQ], s)) != NULL ||
	    (md = match(re_fixed[P_HELO_CMD], s)) != NULL) {
		set(&r.helo, group(md, s, 1));
		pcre2_match_data_free(md);
	}
	md = match(re_fixed[P_BY], s);
	if (md != NULL) {
		set(&r.by, group(md, s, 1));
		pcre2_match_data_free(md);
	}
	r.auth = detect_auth(s);
	if (strncmp(s, "from ", 5) == 0) {
		rest = s + 5;
		md = match(re_fixed[P_ENVFROM], rest);
		if (md != NULL) {
			r.envfrom = group(md, rest, 1);
			pcre2_match_data_free(md);
		}
		rc = parse_rest(rest, &r);
		if (rc == -1 && r.helo[0] == '\0') {
			md = match(re_fixed[P_HELO_FALLBACK], rest);
			if (md != NULL) {
				set(&r.helo, group(md, rest, 1));
				pcre2_match_data_free(md);
			}
		}
	} else {
		rest = s;
		rc = -1;
	}
	if (rc == -1) {
		if (r.ip[0] == '\0' && (md = match(re_fixed[P_IP_ANY], rest)) != NULL) {
			set(&r.ip, group(md, rest, 1));
			pcre2_match_data_free(md);
		}
		if (r.ip[0] != '\0' && r.by[0] != '\0')
			rc = 1;
	}
	if (rc == 1) {
		*out = finish(&r, priv);
		*auth = r.auth[0] != '\0';
	}
	relay_free(&r);
	free(s);
	return rc;
}

int sc_relays_kind_of(const char *name)
{
	static const char *const names[] = {"X-Spam-Relays-Trusted", "X-Spam-Relays-Untrusted",
					    "X-Spam-Relays-Internal", "X-Spam-Relays-External"};

	for (int k = 0; k < 4; k++)
		if (strcasecmp(name, names[k]) == 0)
			return k;
	return -1;
}

/* Stock originating_ip_headers (10_default_prefs.cf): their first address is
 * one more relay, below the Received ones. */
static const char *const originating[] = {"X-Yahoo-Post-IP", "X-Originating-IP",
					  "X-Apparently-From"};

void sc_relays_get_both(const sc_msg *m, char **trusted_out, char **untrusted_out)
{
	size_t nrcvd = 0, nlines = 0;
	char **lines;
	int trusted = 1;
	sc_buf b[2];

	pthread_once(&re_once, compile_all);
	for (long i = sc_msg_header_find(m, "Received", 0); i >= 0;
	     i = sc_msg_header_find(m, "Received", (size_t) i + 1))
		nrcvd++;
	lines = sc_calloc(nrcvd + 3, sizeof(*lines));
	for (long i = sc_msg_header_find(m, "Received", 0); i >= 0;
	     i = sc_msg_header_find(m, "Received", (size_t) i + 1))
		lines[nlines++] = sc_strdup(sc_msg_header_value(m, (size_t) i));
	for (size_t k = 0; k < sizeof(originating) / sizeof(originating[0]); k++) {
		long i = sc_msg_header_find(m, originating[k], 0);
		pcre2_match_data *md;

		if (i < 0)
			continue;
		md = match(re_fixed[P_IP_BARE], sc_msg_header_value(m, (size_t) i));
		if (md != NULL) {
			char *ip = group(md, sc_msg_header_value(m, (size_t) i), 1);
			sc_buf l;

			sc_buf_init(&l, SC_BUF_UNLIMITED);
			(void) sc_buf_printf(&l, "from X-Originating-IP: %s", ip);
			lines[nlines++] = sc_buf_steal(&l);
			free(ip);
			pcre2_match_data_free(md);
		}
	}
	sc_buf_init(&b[0], SC_BUF_UNLIMITED);
	sc_buf_init(&b[1], SC_BUF_UNLIMITED);
	for (size_t k = 0; k < nlines; k++) {
		char *str;
		int priv, auth, rc = sc_relays_parse_line(lines[k], &str, &priv, &auth);

		free(lines[k]);
		/* a mail fetcher's hand-over while still trusted: what came before was
		 * the local delivery of fetched mail, so the trusted relays start over */
		if (rc == 2 && trusted)
			sc_buf_reset(&b[0]);
		if (rc != 1)
			continue;
		/* no trusted_networks: trust lasts while relays are private or authenticated */
		if (trusted && !priv && !auth)
			trusted = 0;
		if (trusted)
			memcpy(strstr(str, " intl=0 ") + 6, "1", 1);
		(void) sc_buf_puts(&b[!trusted], b[!trusted].len > 0 ? " " : "");
		(void) sc_buf_puts(&b[!trusted], str);
		free(str);
	}
	free(lines);
	*trusted_out = sc_buf_steal(&b[0]);
	*untrusted_out = sc_buf_steal(&b[1]);
}

/* sc_relays_get - one of the pseudo-headers */
char *sc_relays_get(const sc_msg *m, sc_relays_kind kind)
{
	char *v[2];

	sc_relays_get_both(m, &v[0], &v[1]);
	/* without configured networks, internal_networks follow the trusted ones */
	if (kind == SC_RELAYS_UNTRUSTED || kind == SC_RELAYS_EXTERNAL) {
		free(v[0]);
		return v[1];
	}
	free(v[1]);
	return v[0];
}
