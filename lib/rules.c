/*
 * rules.c - ruleset life cycle: load files, resolve names, share by refcount.
 *
 * Loading is in two passes: every line of every file is parsed (rules_parse.c),
 * then score and describe lines are applied by name in the order they were
 * read, so a later file overrides an earlier one as in SpamAssassin.
 */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "mem.h"
#include "rules_int.h"

#define RULES_MAX_FILE_SIZE     (64 * 1024 * 1024) /* bytes of one rule file */
#define RULES_MAX_INCLUDE_DEPTH 8                  /* files nested by include */

/* clamp_u32 - PCRE2 takes 32-bit limits; a larger one means "as large as possible" */
static uint32_t clamp_u32(unsigned long v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t) v;
}

/* ruleset_new - an empty ruleset with limits */
static sc_ruleset *ruleset_new(const sc_rule_limits *lim)
{
	sc_ruleset *rs = sc_calloc(1, sizeof(*rs));

	rs->lim.match_limit = lim != NULL ? lim->match_limit : SC_RULES_DEFAULT_MATCH_LIMIT;
	rs->lim.depth_limit = lim != NULL ? lim->depth_limit : SC_RULES_DEFAULT_DEPTH_LIMIT;
	rs->lim.score_set = lim != NULL ? lim->score_set : 0;
	rs->mctx = pcre2_match_context_create(NULL);
	if (rs->mctx == NULL)
		sc_panic("out of memory creating a PCRE2 match context");
	(void) pcre2_set_match_limit(rs->mctx, clamp_u32(rs->lim.match_limit));
	(void) pcre2_set_depth_limit(rs->mctx, clamp_u32(rs->lim.depth_limit));
	rs->refs = 1;
	return rs;
}

/* ruleset_free - release everything */
static void ruleset_free(sc_ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		rule *r = &rs->rules[i];

		free(r->name);
		free(r->sel.name);
		free(r->sel.text);
		sc_eval_args_free(r->args, r->nargs);
		free(r->if_unset);
		free(r->source);
		pcre2_code_free(r->re);
		pcre2_code_free(r->pre);
		free(r->lit);
		free(r->expanded);
		free(r->description);
		free(r->file);
		rules_meta_free(&r->meta);
	}
	for (size_t i = 0; i < rs->npend; i++) {
		free(rs->pend[i].name);
		free(rs->pend[i].text);
		free(rs->pend[i].file);
	}
	for (size_t i = 0; i < rs->nrepl; i++) {
		free(rs->repl[i].name);
		free(rs->repl[i].value);
	}
	free(rs->repl);
	for (size_t i = 0; i < rs->nrepl_rules; i++)
		free(rs->repl_rules[i]);
	free(rs->repl_rules);
	free(rs->repl_start);
	free(rs->repl_end);
	free(rs->rules);
	free(rs->pend);
	free(rs->meta_order);
	rules_hs_free(rs);
	pcre2_match_context_free(rs->mctx);
	free(rs);
}

/* sc_ruleset_ref - one more reference */
sc_ruleset *sc_ruleset_ref(sc_ruleset *rs)
{
	rs->refs++;
	return rs;
}

/* sc_ruleset_unref - one reference less; the last frees */
void sc_ruleset_unref(sc_ruleset *rs)
{
	if (rs != NULL && --rs->refs == 0)
		ruleset_free(rs);
}

/* strip_comment - SpamAssassin's rule: an unescaped '#' starts a comment,
 * and "\#" stands for a literal '#' */
static void strip_comment(char *line)
{
	char *w = line;

	for (char *p = line; *p != '\0'; p++) {
		if (*p == '#' && (p == line || p[-1] != '\\'))
			break;
		if (*p == '\\' && p[1] == '#')
			continue;
		*w++ = *p;
	}
	*w = '\0';
}

/* trim_end - drop trailing white space, which SpamAssassin ignores too */
static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* parse_text - feed every line of one file's text to the line parser */
static void parse_text(sc_ruleset *rs, const char *file, const char *text, size_t len,
		       const include_frame *frame, sc_diags *d)
{
	cond_state cs = {0, 0, frame};
	unsigned lineno = 0;
	size_t p = 0;
	sc_buf line;

	sc_buf_init(&line, SC_RULES_MAX_LINE);
	while (p < len) {
		const char *nl = memchr(text + p, '\n', len - p);
		size_t e = nl != NULL ? (size_t) (nl - text) : len;

		lineno++;
		sc_buf_reset(&line);
		if (sc_buf_append(&line, text + p, e - p) < 0) {
			sc_diags_add(d, SC_DIAG_ERROR, file, lineno, "line longer than %d bytes",
				     SC_RULES_MAX_LINE);
		} else if (memchr(line.data, '\0', line.len) != NULL) {
			sc_diags_add(d, SC_DIAG_ERROR, file, lineno, "NUL byte in line");
		} else {
			if (line.len > 0 && line.data[line.len - 1] == '\r')
				line.data[--line.len] = '\0';
			strip_comment(line.data);
			trim_end(line.data);
			rules_parse_line(rs, line.data, file, lineno, &cs, d);
		}
		p = e + 1;
	}
	if (cs.depth != 0)
		sc_diags_add(d, SC_DIAG_ERROR, file, lineno, "%u ifplugin/if without endif",
			     cs.depth);
	sc_buf_free(&line);
}

/* cmp_rule_index - order rule indexes by name, then by position (qsort_r) */
static int cmp_rule_index(const void *a, const void *b, void *arg)
{
	const rule *rules = arg;
	size_t ia = *(const size_t *) a, ib = *(const size_t *) b;
	int c = strcmp(rules[ia].name, rules[ib].name);

	if (c != 0)
		return c;
	return ia < ib ? -1 : ia > ib;
}

/* rules_find - the live rule with this name via the sorted index, or NULL */
rule *rules_find(sc_ruleset *rs, const size_t *idx, const char *name)
{
	size_t lo = 0, hi = rs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rs->rules[idx[mid]].name, name);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < rs->n && strcmp(rs->rules[idx[lo]].name, name) == 0; lo++)
		if (!rs->rules[idx[lo]].dead)
			return &rs->rules[idx[lo]];
	return NULL;
}

/* resolve - mark redefinitions, then apply scores and descriptions by name.
 * Single-threaded: runs while the ruleset is still private to its loader. */
static void resolve(sc_ruleset *rs, sc_diags *d)
{
	size_t *idx = sc_reallocarray(NULL, rs->n, sizeof(*idx));

	for (size_t i = 0; i < rs->n; i++)
		idx[i] = i;
	qsort_r(idx, rs->n, sizeof(*idx), cmp_rule_index, rs->rules);
	for (size_t i = 0; i + 1 < rs->n; i++) {
		rule *a = &rs->rules[idx[i]], *b = &rs->rules[idx[i + 1]];

		if (strcmp(a->name, b->name) == 0) {
			a->dead = 1;
			sc_diags_add(d, SC_DIAG_WARNING, b->file, b->line,
				     "%s redefines the rule of %s:%u", b->name, a->file, a->line);
		}
	}
	for (size_t i = 0; i < rs->npend; i++) {
		pending *p = &rs->pend[i];
		rule *r = rules_find(rs, idx, p->name);

		if (r == NULL) {
			sc_diags_add(d, SC_DIAG_WARNING, p->file, p->line, "%s %s: no such rule",
				     p->what == PEND_DESCRIBE ? "describe"
				     : p->what == PEND_TFLAGS ? "tflags"
							      : "score",
				     p->name);
			continue;
		}
		if (p->what == PEND_DESCRIBE) {
			free(r->description);
			r->description = sc_strdup(p->text);
		} else if (p->what == PEND_TFLAGS) {
			r->tflags = p->tflags;
			r->maxhits = p->maxhits;
			/* SpamAssassin: without a score line a nice rule scores -1 (or
			 * -0.01 for T_) */
			if (!r->score_set)
				r->score =
					(p->tflags & TFLAG_NICE) ? -fabs(r->score) : fabs(r->score);
		} else {
			r->score = p->score;
			r->score_set = 1;
		}
	}
	rules_replace_tags(rs, idx, d);
	rules_fold_case(rs, d);
	rules_meta_order(rs, idx, d);
	rules_prefilter_build(rs);
	free(idx);
}

/* sc_ruleset_load_text - a ruleset from one in-memory file */
sc_ruleset *sc_ruleset_load_text(const char *name, const char *text, size_t len,
				 const sc_rule_limits *lim, sc_diags *d)
{
	sc_ruleset *rs = ruleset_new(lim);
	include_frame top = {NULL, NULL, 0};

	parse_text(rs, name, text, len, &top, d);
	resolve(rs, d);
	return rs;
}

/* read_file - the whole file into b; -1 with a diagnostic on failure */
static int read_file(const char *path, sc_buf *b, sc_diags *d)
{
	char chunk[65536];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (fp == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (sc_buf_append(b, chunk, n) < 0) {
			sc_diags_add(d, SC_DIAG_ERROR, path, 0, "larger than %d bytes",
				     RULES_MAX_FILE_SIZE);
			(void) fclose(fp);
			return -1;
		}
	if (ferror(fp)) {
		sc_diags_add(d, SC_DIAG_ERROR, path, 0, "read error: %s", strerror(errno));
		(void) fclose(fp);
		return -1;
	}
	(void) fclose(fp);
	return 0;
}

/* rules_include - one include line: the file relative to the including
 * file's directory, with depth and cycle checks */
void rules_include(sc_ruleset *rs, const char *target, const char *file, unsigned line,
		   const include_frame *frame, sc_diags *d)
{
	const char *slash = strrchr(file, '/');
	include_frame inner;
	sc_buf path, text;
	char *real;

	if (*target == '\0' || strpbrk(target, " \t") != NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "include: expected one file name");
		return;
	}
	if (frame->depth + 1 > RULES_MAX_INCLUDE_DEPTH) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "include %s: nested deeper than %d files; skipped", target,
			     RULES_MAX_INCLUDE_DEPTH);
		return;
	}
	sc_buf_init(&path, PATH_MAX);
	if (target[0] != '/' && slash != NULL)
		(void) sc_buf_append(&path, file, (size_t) (slash - file + 1));
	if (sc_buf_puts(&path, target) < 0) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "include %s: path too long", target);
		sc_buf_free(&path);
		return;
	}
	real = realpath(path.data, NULL);
	if (real == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "include %s: cannot open: %s", target,
			     strerror(errno));
		sc_buf_free(&path);
		return;
	}
	for (const include_frame *f = frame; f != NULL; f = f->up)
		if (f->real != NULL && strcmp(f->real, real) == 0) {
			sc_diags_add(d, SC_DIAG_ERROR, file, line,
				     "include %s: includes itself (a cycle); skipped", target);
			free(real);
			sc_buf_free(&path);
			return;
		}
	sc_buf_init(&text, RULES_MAX_FILE_SIZE);
	if (read_file(path.data, &text, d) == 0) {
		inner.real = real;
		inner.up = frame;
		inner.depth = frame->depth + 1;
		parse_text(rs, path.data, text.data ? text.data : "", text.len, &inner, d);
	}
	free(real);
	sc_buf_free(&text);
	sc_buf_free(&path);
}

/* cmp_str - qsort on C strings, C locale order */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* list_cf_files - the *.cf names in dir, sorted; NULL with a diagnostic on failure */
static char **list_cf_files(const char *dir, size_t *count, sc_diags *d)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dp = opendir(dir);

	if (dp == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, dir, 0, "cannot read rules directory: %s",
			     strerror(errno));
		return NULL;
	}
	while ((de = readdir(dp)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 4 || strcmp(de->d_name + len - 3, ".cf") != 0 || de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = sc_reallocarray(names, cap, sizeof(*names));
		}
		names[n++] = sc_strdup(de->d_name);
	}
	(void) closedir(dp);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_str);
	*count = n;
	return names != NULL ? names : sc_calloc(1, sizeof(*names));
}

/* sc_ruleset_load_dir - every *.cf file of dir, in lexical order */
sc_ruleset *sc_ruleset_load_dir(const char *dir, const sc_rule_limits *lim, sc_diags *d)
{
	size_t count = 0;
	char **names = list_cf_files(dir, &count, d);
	sc_ruleset *rs;
	int failed = 0;
	sc_buf text, path;

	if (names == NULL)
		return NULL;
	if (count == 0)
		sc_diags_add(d, SC_DIAG_WARNING, dir, 0, "no *.cf rule files");
	rs = ruleset_new(lim);
	sc_buf_init(&text, RULES_MAX_FILE_SIZE);
	sc_buf_init(&path, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < count; i++) {
		struct stat st;

		sc_buf_reset(&path);
		(void) sc_buf_printf(&path, "%s/%s", dir, names[i]);
		if (stat(path.data, &st) == 0 && !S_ISREG(st.st_mode))
			continue;
		sc_buf_reset(&text);
		if (read_file(path.data, &text, d) < 0) {
			failed = 1;
		} else {
			include_frame top = {realpath(path.data, NULL), NULL, 0};

			parse_text(rs, path.data, text.data ? text.data : "", text.len, &top, d);
			free((char *) top.real);
		}
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	sc_buf_free(&text);
	sc_buf_free(&path);
	if (failed) {
		ruleset_free(rs);
		return NULL;
	}
	resolve(rs, d);
	return rs;
}

/* sc_ruleset_count - live rules, sub-rules included */
size_t sc_ruleset_count(const sc_ruleset *rs)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++)
		n += !rs->rules[i].dead;
	return n;
}

/* sc_ruleset_slots - see rules.h */
size_t sc_ruleset_slots(const sc_ruleset *rs)
{
	return rs->n;
}

/* sc_ruleset_slot_name - see rules.h */
const char *sc_ruleset_slot_name(const sc_ruleset *rs, size_t i)
{
	return i < rs->n && !rs->rules[i].dead ? rs->rules[i].name : NULL;
}

/* sc_ruleset_stats - counts by kind */
void sc_ruleset_stats(const sc_ruleset *rs, sc_rule_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < rs->n; i++) {
		const rule *r = &rs->rules[i];

		if (r->dead)
			continue;
		st->total++;
		st->never += r->never != 0;
		switch (r->kind) {
		case RULE_HEADER:
		case RULE_HEADER_EXISTS:
			st->header++;
			break;
		case RULE_BODY:
			st->body++;
			break;
		case RULE_RAWBODY:
			st->rawbody++;
			break;
		case RULE_FULL:
			st->full++;
			break;
		case RULE_URI:
			st->uri++;
			break;
		case RULE_EVAL:
			st->eval++;
			st->unknown_evals += r->eval == NULL;
			break;
		case RULE_META:
			st->meta++;
			break;
		}
	}
	st->skipped_directives = rs->skipped_directives;
}
