/*
 * eval.c - the registry of eval: checks and of the SpamAssassin plugins we
 * count as loaded; SpamAssassin's argument syntax (see eval.h).
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "mem.h"

/* Every module's table of checks: one line each. */
static const sc_eval_table *const tables[] = {
	&sc_msg_eval_table,
	&sc_auth_eval_table,
	&sc_identity_eval_table,
	&sc_links_eval_table,
	&sc_anchors_eval_table,
	&sc_lists_eval_table,
	&sc_text_eval_table,
	&sc_money_eval_table,
	&sc_attach_eval_table,
	&sc_obfus_eval_table,
	&sc_brand_eval_table,
	&sc_lookalike_eval_table,
};

/*
 * The SpamAssassin plugins we count as loaded, for "ifplugin" and "if
 * plugin(...)": exactly those Debian's SpamAssassin 4.0 loads by default
 * (the loadplugin lines of /etc/spamassassin/v*.pre). A plugin is ours when
 * we run its rule types or evals; for the others of this list we do not
 * have every eval yet, and still take their blocks: that way the block's
 * plain regex rules, tflags, scores and metas run as they do in
 * SpamAssassin, and each of its evals we lack is a lint warning and reads
 * 0 -- what the SpamAssassin check gives when it finds nothing (network
 * tests are off in the set we match). Skipping such blocks instead would
 * drop those regex rules and change the metas built on them. Plugins that
 * SpamAssassin does not load by default (ASN, AWL, TxRep, TextCat,
 * Shortcircuit, PDFInfo, FromNameSpoof, Phishing, DecodeShortURLs, ...)
 * are not listed: their blocks are skipped, as SpamAssassin skips them.
 *
 * Also left out, although SpamAssassin loads them: the plugins whose own
 * rule directives we do not run -- MIMEHeader (mimeheader), URIDetail
 * (uri_detail), AskDNS (askdns), URIDNSBL (uridnsbl, urirhssub...),
 * HashBL (hashbl_*) and FreeMail (freemail_domains, which its evals need).
 * Taking their blocks would define metas over sub-rules that can never be
 * computed (e.g. MIME_NO_TEXT over the mimeheader __ANY_TEXT_ATTACH would
 * hit every multipart message), while the stock files' own fallbacks for
 * a missing plugin ("if !plugin(...)": meta __X 0) keep those metas sane;
 * the network ones give nothing under SpamAssassin -L either.
 */
static const char *const loaded_plugins[] = {
	"Check",
	"HTTPSMismatch",
	"Bayes",
	"BodyEval",
	"DNSEval",
	"HTMLEval",
	"HeaderEval",
	"MIMEEval",
	"RelayEval",
	"URIEval",
	"WLBLEval",
	"VBounce",
	"ImageInfo",
	"DMARC",
	"ReplaceTags",
	"DKIM",
	"AutoLearnThreshold",
	"WelcomeListSubject",
	"SPF",
	"Rule2XSBody",
	"Pyzor",
	"Razor2",
	"SpamCop",
};

/* The has_* capability methods SpamAssassin 4.0's plugins have, for
 * "if can(Mail::SpamAssassin::Plugin::P::has_x)": true when P is in the
 * list above, so the guarded block is taken as for any other block of a
 * loaded plugin. */
static const char *const plugin_methods[] = {
	"AskDNS::has_tag_header",
	"BodyEval::has_check_body_length",
	"BodyEval::has_plaintext_body_sig_ratio",
	"DKIM::has_arc",
	"DNSEval::has_tflags_domains_only",
	"DNSEval::has_tflags_ips_only",
	"HashBL::has_hashbl_bodyre",
	"HashBL::has_hashbl_emails",
	"HashBL::has_hashbl_uris",
	"MIMEEval::has_check_for_ascii_text_illegal",
	"MIMEEval::has_check_abundant_unicode_ratio",
	"MIMEEval::has_check_qp_ratio",
	"MIMEHeader::has_all_header",
	"MIMEHeader::has_tflags_range",
	"MIMEHeader::has_tflags_concat",
	"MIMEHeader::has_tflags_multiple",
	"SPF::has_check_for_spf_errors",
	"SPF::has_check_spf_skipped_noenvfrom",
	"URIDNSBL::has_tflags_domains_only",
	"URIDNSBL::has_subtest_for_ranges",
	"URIDNSBL::has_uridnsbl_for_a",
	"URIDNSBL::has_uridnsbl_a_ns",
	"URIDNSBL::has_tflags_notrim",
	"URIDNSBL::has_uridnsbl_skip_mailto",
	"URIDetail::has_host_key",
	NULL,
};

/*
 * Mail::SpamAssassin::Conf methods for "if can(...)" that we pass: the
 * feature_* flags of SpamAssassin 4.0 whose syntax or behaviour rule files
 * may rely on and that we have (or that change nothing for the rules we
 * run), and perl_min_version_5010000 (true for any Perl SA 4 runs on).
 * Left out, so their blocks are skipped: feature_capture_rules (%{NAME}
 * captures), feature_dns_block_rule (the dns_block_rule directive),
 * feature_geodb, feature_meta_rules_matching (rules_matching() in metas),
 * feature_local_tests_only ("if (local_tests_only)").
 */
static const char *const conf_methods[] = {
	"feature_originating_ip_headers",
	"feature_dns_local_ports_permit_avoid",
	"feature_bayes_auto_learn_on_error",
	"feature_uri_host_listed",
	"feature_yesno_takes_args",
	"feature_bug6558_free",
	"feature_edns",
	"feature_dns_query_restriction",
	"feature_registryboundaries",
	"feature_compile_regexp",
	"feature_subjprefix",
	"feature_bayes_stopwords",
	"feature_get_host",
	"feature_blocklist_welcomelist",
	"feature_welcomelist_blocklist",
	"feature_header_address_parser",
	"feature_header_first_last",
	"feature_header_match_many",
	"perl_min_version_5010000",
	NULL,
};

/* short_plugin_name - name without a Mail::SpamAssassin::Plugin:: prefix */
static const char *short_plugin_name(const char *name)
{
	static const char prefix[] = "Mail::SpamAssassin::Plugin::";

	if (strncmp(name, prefix, sizeof(prefix) - 1) == 0)
		return name + sizeof(prefix) - 1;
	return name;
}

/* sc_eval_find - look a check up by name over every table */
const sc_eval_def *sc_eval_find(const char *name)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (size_t i = 0; i < tables[t]->n; i++)
			if (strcmp(tables[t]->defs[i].name, name) == 0)
				return &tables[t]->defs[i];
	return NULL;
}

/* sc_eval_plugin_loaded - name is one of loaded_plugins */
int sc_eval_plugin_loaded(const char *name)
{
	const char *s = short_plugin_name(name);

	if (s == name && strchr(name, ':') != NULL)
		return 0; /* another namespace */
	for (size_t i = 0; i < sizeof(loaded_plugins) / sizeof(loaded_plugins[0]); i++)
		if (strcmp(loaded_plugins[i], s) == 0)
			return 1;
	return 0;
}

/* sc_eval_can - a Conf method we pass, a has_* method of a loaded
 * plugin, or a loaded plugin's method that is one of our checks */
int sc_eval_can(const char *name)
{
	static const char conf[] = "Mail::SpamAssassin::Conf::";
	static const char plugin[] = "Mail::SpamAssassin::Plugin::";
	const char *p, *method;
	size_t plen;
	int ok = 0;

	if (strncmp(name, conf, sizeof(conf) - 1) == 0) {
		for (size_t i = 0; conf_methods[i] != NULL; i++)
			if (strcmp(conf_methods[i], name + sizeof(conf) - 1) == 0)
				return 1;
		return 0;
	}
	if (strncmp(name, plugin, sizeof(plugin) - 1) != 0)
		return 0;
	p = name + sizeof(plugin) - 1;
	method = strstr(p, "::");
	if (method == NULL || strstr(method + 2, "::") != NULL)
		return 0;
	plen = (size_t) (method - p);
	for (size_t i = 0; i < sizeof(loaded_plugins) / sizeof(loaded_plugins[0]); i++)
		if (strlen(loaded_plugins[i]) == plen && strncmp(loaded_plugins[i], p, plen) == 0)
			ok = 1;
	if (!ok)
		return 0;
	for (size_t i = 0; plugin_methods[i] != NULL; i++)
		if (strcmp(plugin_methods[i], p) == 0)
			return 1;
	return sc_eval_find(method + 2) != NULL;
}

/* bare_char - a character of an unquoted argument ([\d.:A-Za-z-]) */
static int bare_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == ':' || c == '-';
}

/* is_space - Perl's \s */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* sc_eval_parse_args - Conf::Parser::pack_eval_args: quoted strings or
 * bare words, separated by commas */
int sc_eval_parse_args(const char *text, size_t len, char ***args, size_t *nargs)
{
	size_t p = 0, n = 0;
	char **v = NULL;

	*args = NULL;
	*nargs = 0;
	while (p < len) {
		size_t start, end, q;

		while (p < len && is_space(text[p]))
			p++;
		if (p >= len) {
			if (n == 0)
				break; /* only blanks: no arguments */
			goto bad;
		}
		if (text[p] == '\'' || text[p] == '"') {
			const char *close = memchr(text + p + 1, text[p], len - p - 1);

			if (close == NULL)
				goto bad;
			start = p + 1;
			end = (size_t) (close - text);
			q = end + 1;
		} else {
			start = p;
			for (q = p; q < len && bare_char(text[q]); q++)
				;
			end = q;
			if (end == start)
				goto bad;
		}
		while (q < len && is_space(text[q]))
			q++;
		if (q < len && text[q] != ',')
			goto bad;
		v = sc_reallocarray(v, n + 1, sizeof(*v));
		v[n++] = sc_strndup(text + start, end - start);
		if (q < len) {
			q++; /* the comma */
			while (q < len && is_space(text[q]))
				q++;
		}
		p = q;
	}
	*args = v;
	*nargs = n;
	return 0;
bad:
	sc_eval_args_free(v, n);
	return -1;
}

/* sc_eval_args_free - release parsed arguments */
void sc_eval_args_free(char **args, size_t nargs)
{
	for (size_t i = 0; i < nargs; i++)
		free(args[i]);
	free(args);
}
