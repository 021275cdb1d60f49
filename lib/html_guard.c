/*
 * html_guard.c - keeping gumbo bounded in time and memory on hostile HTML.
 *
 * gumbo 0.10 is quadratic in the depth of the tree: each start tag checks
 * "has an element in scope" by walking the stack of open elements, so 512
 * KiB of "<div>" takes half a minute. Browsers cap the depth (Chromium at
 * 512); gumbo has no such option. So before parsing, a linear pass over the
 * input counts the elements each start tag would leave open (void elements,
 * those whose end tag is optional, and raw text such as script are not
 * counted) and drops the start tags past the limit, keeping their text. The
 * count only approximates the tree builder, which is all a bound needs.
 *
 * The other blow-up is memory: formatting elements closed by a block are
 * re-opened ("reconstructed") before every later text run, so a few
 * hundred unclosed <b> with distinct attributes multiply the node count by
 * the number of paragraphs. gumbo takes an allocator, so every allocation
 * is counted against a budget; past it the allocator longjmps out of gumbo
 * and frees everything gumbo had allocated (each block is on a list). The
 * caller then parses less. Nothing here is global: the state lives in the
 * caller's sc_html_budget, so parses in different threads are independent.
 */
#include "autoconfig.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html_int.h"
#include "mem.h"

#define GUARD_NAME_MAX   16   /* bytes of a tag name compared */
#define GUARD_END_SEARCH 64   /* open elements an end tag looks through */
#define GUARD_MAX_OPEN   4096 /* hard cap on the open-element count, whatever the caller asks */

/* One gumbo allocation: the header keeps the payload maximally aligned. */
typedef union block_header {
	struct {
		union block_header *prev, *next;
		size_t size;
	} h;
	max_align_t align;
} block_header;

/* in_list - whether the lower-case name is one of a NULL-terminated list */
static int in_list(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

/* not_counted - elements that never stay open around others */
static int not_counted(const char *name)
{
	static const char *const names[] = {
		/* void */
		"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link",
		"meta", "param", "source", "track", "wbr", "basefont", "bgsound", "frame", "image",
		/* end tag optional: the next sibling closes them */
		"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead",
		"tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp",
		/* one of each per document */
		"html", "head", "body", NULL};

	return in_list(name, names);
}

/* is_raw_text - elements whose content is text up to their end tag */
static int is_raw_text(const char *name)
{
	static const char *const names[] = {"script",   "style",    "xmp",      "iframe", "noembed",
					    "noframes", "noscript", "textarea", "title",  NULL};

	return in_list(name, names);
}

/* is_alpha - ASCII letter */
static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* read_name - a tag name at i, lower-cased into name (cut at GUARD_NAME_MAX - 1) */
static size_t read_name(const char *in, size_t len, size_t i, char name[GUARD_NAME_MAX])
{
	size_t k = 0;

	while (i < len && !strchr(" \t\n\r\f/>", in[i]) && in[i] != '\0') {
		if (k < GUARD_NAME_MAX - 1)
			name[k++] =
				(char) (in[i] >= 'A' && in[i] <= 'Z' ? in[i] - 'A' + 'a' : in[i]);
		i++;
	}
	name[k] = '\0';
	return i;
}

/* tag_end - just after the '>' that ends a tag whose attributes start at i
 * (quoted attribute values may hold '>'), or len */
static size_t tag_end(const char *in, size_t len, size_t i)
{
	while (i < len && in[i] != '>') {
		if (in[i] == '=') {
			i++;
			while (i < len && strchr(" \t\n\r\f", in[i]) && in[i] != '\0')
				i++;
			if (i < len && (in[i] == '"' || in[i] == '\'')) {
				const char *q = memchr(in + i + 1, in[i], len - i - 1);

				if (q == NULL)
					return len;
				i = (size_t) (q - in) + 1;
			}
			continue;
		}
		i++;
	}
	return i < len ? i + 1 : len;
}

/* find_close - the first "</name" at or after i (any case), or len */
static size_t find_close(const char *in, size_t len, size_t i, const char *name)
{
	size_t n = strlen(name);

	while (i < len) {
		const char *lt = memchr(in + i, '<', len - i);

		if (lt == NULL)
			return len;
		i = (size_t) (lt - in);
		if (len - i >= n + 2 && lt[1] == '/' && strncasecmp(lt + 2, name, n) == 0)
			return i;
		i++;
	}
	return len;
}

/* skip_to - just after the first occurrence of the NUL-terminated pattern, or len */
static size_t skip_to(const char *in, size_t len, size_t i, const char *pat)
{
	const char *p = memmem(in + i, len - i, pat, strlen(pat));

	return p != NULL ? (size_t) (p - in) + strlen(pat) : len;
}

/* pop_to - an end tag closes the innermost open element of its name, if near the top */
static void pop_to(char (*open)[GUARD_NAME_MAX], size_t *depth, const char *name)
{
	for (size_t k = 0; k < *depth && k < GUARD_END_SEARCH; k++) {
		if (strcmp(open[*depth - 1 - k], name) == 0) {
			*depth -= k + 1;
			return;
		}
	}
}

/* sc_html_guard_nesting - copy the input, dropping start tags past max_open */
int sc_html_guard_nesting(const char *in, size_t len, size_t max_open, sc_buf *out)
{
	char name[GUARD_NAME_MAX], (*open)[GUARD_NAME_MAX];
	size_t i = 0, depth = 0, j;
	int dropped = 0;

	if (max_open > GUARD_MAX_OPEN)
		max_open = GUARD_MAX_OPEN;
	open = sc_calloc(max_open + 1, sizeof(*open));
	while (i < len) {
		const char *lt = memchr(in + i, '<', len - i);
		size_t start = lt != NULL ? (size_t) (lt - in) : len;

		(void) sc_buf_append_upto(out, in + i, start - i);
		i = start;
		if (i >= len)
			break;
		if (len - i >= 4 && memcmp(in + i, "<!--", 4) == 0) {
			j = skip_to(in, len, i + 4, "-->");
		} else if (len - i >= 2 && (in[i + 1] == '!' || in[i + 1] == '?')) {
			j = skip_to(in, len, i + 2, ">");
		} else if (len - i >= 3 && in[i + 1] == '/' && is_alpha(in[i + 2])) {
			j = tag_end(in, len, read_name(in, len, i + 2, name));
			pop_to(open, &depth, name);
		} else if (len - i >= 2 && is_alpha(in[i + 1])) {
			j = tag_end(in, len, read_name(in, len, i + 1, name));
			if (strcmp(name, "plaintext") == 0) {
				j = len;
			} else if (is_raw_text(name)) {
				j = find_close(in, len, j, name);
			} else if (!not_counted(name)) {
				if (depth >= max_open) {
					dropped = 1;
					i = j;
					continue;
				}
				memcpy(open[depth++], name, GUARD_NAME_MAX);
			}
		} else {
			j = i + 1;
		}
		(void) sc_buf_append_upto(out, in + i, j - i);
		i = j;
	}
	free(open);
	return dropped;
}

/* budget_alloc - gumbo's allocator: counted, listed, and bounded by the budget */
static void *budget_alloc(void *userdata, size_t size)
{
	sc_html_budget *b = userdata;
	block_header *blk;

	if (size > b->max || b->live > b->max - size)
		longjmp(b->abort, 1);
	blk = sc_malloc(sizeof(*blk) + size);
	blk->h.size = size;
	blk->h.prev = NULL;
	blk->h.next = b->blocks;
	if (b->blocks != NULL)
		((block_header *) b->blocks)->h.prev = blk;
	b->blocks = blk;
	b->live += size;
	return blk + 1;
}

/* budget_free - gumbo's deallocator: unlink and release */
static void budget_free(void *userdata, void *ptr)
{
	sc_html_budget *b = userdata;
	block_header *blk;

	if (ptr == NULL)
		return;
	blk = (block_header *) ptr - 1;
	if (blk->h.prev != NULL)
		blk->h.prev->h.next = blk->h.next;
	else
		b->blocks = blk->h.next;
	if (blk->h.next != NULL)
		blk->h.next->h.prev = blk->h.prev;
	b->live -= blk->h.size;
	free(blk);
}

/* budget_release_all - free every block gumbo still holds (after an abort) */
static void budget_release_all(sc_html_budget *b)
{
	block_header *blk = b->blocks;

	while (blk != NULL) {
		block_header *next = blk->h.next;

		free(blk);
		blk = next;
	}
	b->blocks = NULL;
	b->live = 0;
}

/* sc_html_gumbo_options - options that route gumbo's memory through the budget */
void sc_html_gumbo_options(sc_html_budget *b, size_t max, GumboOptions *opt)
{
	b->max = max;
	b->live = 0;
	b->blocks = NULL;
	*opt = kGumboDefaultOptions;
	opt->allocator = budget_alloc;
	opt->deallocator = budget_free;
	opt->userdata = b;
	opt->max_errors = 0; /* we never read gumbo's error list: do not build it */
}

/* sc_html_gumbo_parse - gumbo_parse_with_options, or NULL when the budget ran out */
GumboOutput *sc_html_gumbo_parse(sc_html_budget *b, const GumboOptions *opt, const char *in,
				 size_t len)
{
	if (setjmp(b->abort) != 0) {
		budget_release_all(b);
		return NULL;
	}
	return gumbo_parse_with_options(opt, in, len);
}
