/*
 * lists.c - domain lists (lists.h): exact and ".parent" entries in one
 * open-addressing hash set each, patterns in an array matched one by one
 * (a handful per list).
 */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "confusable.h"
#include "lists.h"
#include "mem.h"
#include "url.h"

#define DOMAIN_MAX 253 /* bytes of a domain name in its A-label form */
#define LABEL_MAX  63

/* A set of strings: open addressing, power-of-two capacity. */
typedef struct str_set {
	char **slot; /* owned strings, NULL for empty slots */
	size_t cap, n;
} str_set;

struct sc_domain_list {
	str_set exact;  /* "example.com" */
	str_set parent; /* ".example.com", stored without the dot */
	char **pat;     /* owned patterns */
	size_t npat;
	size_t count;
};

struct sc_lists {
	char **names; /* owned, sorted */
	sc_domain_list **lists;
	size_t n;
	sc_brand_map *brands; /* every *.map file, or NULL */
};

/* One brand: pub's arrays are the owned ones below. */
typedef struct brand_entry {
	sc_brand pub;
	char **names, **name_keys, **domains, **keys, **key_skels;
	unsigned char *name_exact;
} brand_entry;

struct sc_brand_map {
	brand_entry **v;
	size_t n;
};

/* hash - FNV-1a of s */
static size_t hash(const char *s)
{
	size_t h = (size_t) 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char) *s;
		h *= (size_t) 1099511628211ULL;
	}
	return h;
}

/* set_find - the slot of s in set (where it is, or where it would go) */
static size_t set_find(const str_set *set, const char *s)
{
	size_t i = hash(s) & (set->cap - 1);

	while (set->slot[i] != NULL && strcmp(set->slot[i], s) != 0)
		i = (i + 1) & (set->cap - 1);
	return i;
}

/* set_has - s is in set */
static int set_has(const str_set *set, const char *s)
{
	return set->cap > 0 && set->slot[set_find(set, s)] != NULL;
}

/* set_add - add a copy of s; 0 if it was new, 1 if already there */
static int set_add(str_set *set, const char *s)
{
	size_t i;

	if ((set->n + 1) * 2 > set->cap) {
		str_set bigger = {NULL, set->cap ? set->cap * 2 : 64, 0};

		bigger.slot = sc_calloc(bigger.cap, sizeof(*bigger.slot));
		for (size_t k = 0; k < set->cap; k++)
			if (set->slot[k] != NULL) {
				bigger.slot[set_find(&bigger, set->slot[k])] = set->slot[k];
				bigger.n++;
			}
		free(set->slot);
		*set = bigger;
	}
	i = set_find(set, s);
	if (set->slot[i] != NULL)
		return 1;
	set->slot[i] = sc_strdup(s);
	set->n++;
	return 0;
}

/* set_free - release set's strings */
static void set_free(str_set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
}

/* normalise - s as an entry or query: lower-case, no trailing ".", an
 * A-label form for non-ASCII; into out (DOMAIN_MAX + 1 bytes); NULL, or
 * why it is not a domain. Pattern characters pass when patterns. */
static const char *normalise(const char *s, size_t n, int patterns, char *out)
{
	char buf[4 * DOMAIN_MAX + 1];
	int ascii = 1;
	size_t label = 0;

	while (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0)
		return "an empty domain";
	if (n >= sizeof(buf))
		return "too long for a domain";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char) s[i];

		if (c >= 0x80)
			ascii = 0;
		else if (c <= ' ' || c == 0x7f || strchr("\"#%/:;<>@[\\]^`{|}", c) != NULL ||
			 (!patterns && (c == '*' || c == '?')))
			return "not a domain (a character no domain has)";
		buf[i] = (char) (c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	buf[n] = '\0';
	if (!ascii) {
		char *a = NULL;

		if (idn2_to_ascii_8z(buf, &a, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK) {
			idn2_free(a);
			return "an international domain libidn2 cannot convert";
		}
		n = strlen(a);
		if (n > DOMAIN_MAX) {
			idn2_free(a);
			return "too long for a domain";
		}
		memcpy(buf, a, n + 1);
		idn2_free(a);
	}
	if (n > DOMAIN_MAX)
		return "too long for a domain";
	for (size_t i = 0; i <= n; i++) {
		if (buf[i] == '.' || buf[i] == '\0') {
			if (label == 0 && !(i == 0 && buf[0] == '.'))
				return "an empty label";
			if (label > LABEL_MAX)
				return "a label over 63 bytes";
			label = 0;
		} else {
			label++;
		}
	}
	memcpy(out, buf, n + 1);
	return NULL;
}

/* glob - pattern p matches all of s: "*" any run within a label, "?" any
 * one character */
static int glob(const char *p, const char *s)
{
	for (; *p != '\0'; p++, s++) {
		if (*p == '*') {
			for (const char *t = s;; t++) {
				if (glob(p + 1, t))
					return 1;
				if (*t == '\0' || *t == '.')
					return 0;
			}
		}
		if (*s == '\0' || (*p != '?' && *p != *s))
			return 0;
	}
	return *s == '\0';
}

/* add_entry - one entry (normalised) */
static void add_entry(sc_domain_list *l, const char *e)
{
	int dup;

	if (strpbrk(e, "*?") != NULL) {
		for (size_t i = 0; i < l->npat; i++)
			if (strcmp(l->pat[i], e) == 0)
				return;
		l->pat = sc_reallocarray(l->pat, l->npat + 1, sizeof(*l->pat));
		l->pat[l->npat++] = sc_strdup(e);
		l->count++;
		return;
	}
	dup = e[0] == '.' ? set_add(&l->parent, e + 1) : set_add(&l->exact, e);
	if (!dup)
		l->count++;
}

/* next_line - the next line of text at *p (before end), past it: its
 * entry, with a "#" comment and surrounding blanks cut, in [*b, *e) (empty
 * for a blank or comment line); 0 when no line is left */
static int next_line(const char **p, const char *end, const char **b, const char **e)
{
	const char *nl, *hash_at;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', (size_t) (end - *p));
	*b = *p;
	*e = nl != NULL ? nl : end;
	*p = nl != NULL ? nl + 1 : end;
	hash_at = memchr(*b, '#', (size_t) (*e - *b));
	if (hash_at != NULL)
		*e = hash_at;
	while (*b < *e && (**b == ' ' || **b == '\t'))
		(*b)++;
	while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
	return 1;
}
/* sc_domain_list_load_text - see lists.h */
sc_domain_list *sc_domain_list_load_text(const char *name, const char *text, size_t len,
					 sc_diags *d)
{
	sc_domain_list *l = sc_calloc(1, sizeof(*l));
	const char *p = text, *end = text + len;
	unsigned lineno = 0;

	const char *b, *e;

	while (next_line(&p, end, &b, &e)) {
		char norm[DOMAIN_MAX + 1];
		const char *why;

		lineno++;
		if (b == e)
			continue;
		why = normalise(b, (size_t) (e - b), 1, norm);
		if (why == NULL && norm[0] == '.' && norm[1] == '\0')
			why = "an empty domain";
		if (why != NULL) {
			sc_diags_add(d, SC_DIAG_ERROR, name, lineno, "\"%.*s\": %s; entry left out",
				     (int) (e - b > 80 ? 80 : e - b), b, why);
			continue;
		}
		add_entry(l, norm);
	}
	return l;
}

/* sc_domain_list_has - see lists.h */
int sc_domain_list_has(const sc_domain_list *l, const char *domain)
{
	char norm[DOMAIN_MAX + 1];

	if (l == NULL || domain == NULL || normalise(domain, strlen(domain), 0, norm) != NULL)
		return 0;
	if (set_has(&l->exact, norm))
		return 1;
	for (const char *s = norm; s != NULL; s = strchr(s, '.'), s = s != NULL ? s + 1 : NULL)
		if (set_has(&l->parent, s))
			return 1;
	for (size_t i = 0; i < l->npat; i++)
		if (glob(l->pat[i], norm))
			return 1;
	return 0;
}

/* sc_domain_list_count - entries loaded */
size_t sc_domain_list_count(const sc_domain_list *l)
{
	return l->count;
}

/* sc_domain_list_free - release l */
void sc_domain_list_free(sc_domain_list *l)
{
	if (l == NULL)
		return;
	set_free(&l->exact);
	set_free(&l->parent);
	for (size_t i = 0; i < l->npat; i++)
		free(l->pat[i]);
	free(l->pat);
	free(l);
}

/* strv_add - append an owned copy of s (n bytes) to *v (*n entries) */
static void strv_add(char ***v, size_t *n, const char *s, size_t len)
{
	*v = sc_reallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = sc_strndup(s, len);
}

/* strv_free - release n owned strings and the array */
static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* sc_brand_map_new - an empty map */
sc_brand_map *sc_brand_map_new(void)
{
	return sc_calloc(1, sizeof(sc_brand_map));
}

/* brand_free - release one brand */
static void brand_free(brand_entry *b)
{
	strv_free(b->names, b->pub.nnames);
	strv_free(b->name_keys, b->pub.nnames);
	free(b->name_exact);
	strv_free(b->domains, b->pub.ndomains);
	strv_free(b->keys, b->pub.nkeys);
	strv_free(b->key_skels, b->pub.nkeys);
	free(b);
}

/* family_pattern - norm is a family of domains as brand maps write it:
 * one "*", in a first label with three or more other characters that does
 * not start "xn--" (every IDN would be one), and a suffix with no "*" or
 * "?" after it ("sparkasse-*.de", "*-sparkasse.de"; not "*.de") */
static int family_pattern(const char *norm)
{
	const char *star = strchr(norm, '*'), *dot = strchr(norm, '.');

	return star != NULL && dot != NULL && star < dot && dot - norm >= 4 &&
	       strncmp(norm, "xn--", 4) != 0 && strchr(star + 1, '*') == NULL &&
	       strchr(norm, '?') == NULL && dot[1] != '\0';
}

/* brand_add_name - one name (trimmed; a leading "=" makes it exact) and
 * its key */
static void brand_add_name(brand_entry *b, const char *s, size_t n)
{
	size_t k = b->pub.nnames;
	unsigned char exact = 0;
	char *key;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n > 0 && *s == '=')
		for (exact = 1, s++, n--; n > 0 && (*s == ' ' || *s == '\t');)
			s++, n--;
	if (n == 0 || (key = sc_confusable_key(s, n)) == NULL)
		return;
	strv_add(&b->names, &b->pub.nnames, s, n);
	b->name_keys = sc_reallocarray(b->name_keys, k + 1, sizeof(*b->name_keys));
	b->name_keys[k] = key;
	b->name_exact = sc_reallocarray(b->name_exact, k + 1, sizeof(*b->name_exact));
	b->name_exact[k] = exact;
}

/* brand_add_key - the look-alike key of domain d (its label below the
 * public suffix), once */
static void brand_add_key(brand_entry *b, const char *d)
{
	char *reg = sc_url_registrable_domain(d);
	const char *dot;
	size_t n;
	char *skel;

	if (reg == NULL)
		return;
	dot = strchr(reg, '.');
	n = dot != NULL ? (size_t) (dot - reg) : strlen(reg);
	for (size_t i = 0; i < b->pub.nkeys; i++)
		if (strlen(b->keys[i]) == n && memcmp(b->keys[i], reg, n) == 0)
			n = 0;
	if (n > 0 && (skel = sc_confusable_key(reg, n)) != NULL) {
		size_t k = b->pub.nkeys;

		strv_add(&b->keys, &b->pub.nkeys, reg, n);
		b->key_skels = sc_reallocarray(b->key_skels, k + 1, sizeof(*b->key_skels));
		b->key_skels[k] = skel;
	}
	free(reg);
}

/* brand_line - parse one line (b..e, comment and blanks trimmed) into a
 * brand; NULL, with an error, when it is not one */
static brand_entry *brand_line(const char *name, unsigned lineno, const char *b, const char *e,
			       sc_diags *d)
{
	const char *colon = memchr(b, ':', (size_t) (e - b)), *p;
	brand_entry *br;

	if (colon == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, name, lineno,
			     "\"%.*s\": not \"names: domains\"; line left out",
			     (int) (e - b > 80 ? 80 : e - b), b);
		return NULL;
	}
	br = sc_calloc(1, sizeof(*br));
	for (p = b; p < colon;) {
		const char *comma = memchr(p, ',', (size_t) (colon - p));
		const char *end = comma != NULL ? comma : colon;

		brand_add_name(br, p, (size_t) (end - p));
		p = end + 1;
	}
	for (p = colon + 1; p < e;) {
		const char *w;
		char norm[DOMAIN_MAX + 1];
		const char *why;
		int key = 1;

		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p == e)
			break;
		for (w = p; w < e && *w != ' ' && *w != '\t'; w++)
			;
		if (*p == '~')
			key = 0, p++;
		if (memchr(p, '*', (size_t) (w - p)) != NULL) {
			key = 0; /* "sparkasse-*.de": a family of domains, no key */
			why = normalise(p, (size_t) (w - p), 1, norm);
			if (why == NULL && !family_pattern(norm))
				why = "a \"*\" only once, in a first label of three or more other "
				      "characters (not xn--), with a suffix after it";
		} else
			why = p < w ? normalise(p, (size_t) (w - p), 0, norm) : "an empty domain";
		if (why == NULL && norm[0] == '.' && strchr(norm + 1, '.') == NULL)
			key = -1; /* ".apple": the brand's own top-level domain */
		else if (why == NULL && (norm[0] == '.' || strchr(norm, '.') == NULL))
			why = "not a domain with a dot";
		if (why != NULL) {
			sc_diags_add(d, SC_DIAG_ERROR, name, lineno, "\"%.*s\": %s; left out",
				     (int) (w - p > 80 ? 80 : w - p), p, why);
		} else {
			const char *dom = key < 0 ? norm + 1 : norm;

			strv_add(&br->domains, &br->pub.ndomains, dom, strlen(dom));
			if (key > 0)
				brand_add_key(br, norm);
		}
		p = w;
	}
	if (br->pub.nnames == 0 || br->pub.ndomains == 0) {
		sc_diags_add(d, SC_DIAG_ERROR, name, lineno,
			     "a brand needs a name and a domain; "
			     "line left out");
		brand_free(br);
		return NULL;
	}
	br->pub.names = (const char *const *) br->names;
	br->pub.name_keys = (const char *const *) br->name_keys;
	br->pub.name_exact = br->name_exact;
	br->pub.domains = (const char *const *) br->domains;
	br->pub.keys = (const char *const *) br->keys;
	br->pub.key_skels = (const char *const *) br->key_skels;
	return br;
}

/* sc_brand_map_load_text - see lists.h */
void sc_brand_map_load_text(sc_brand_map *bm, const char *name, const char *text, size_t len,
			    sc_diags *d)
{
	const char *p = text, *end = text + len;
	unsigned lineno = 0;

	const char *b, *e;

	while (next_line(&p, end, &b, &e)) {
		brand_entry *br;

		lineno++;
		if (b == e || (br = brand_line(name, lineno, b, e, d)) == NULL)
			continue;
		bm->v = sc_reallocarray(bm->v, bm->n + 1, sizeof(*bm->v));
		bm->v[bm->n++] = br;
	}
}

size_t sc_brand_map_count(const sc_brand_map *bm)
{
	return bm != NULL ? bm->n : 0;
}

const sc_brand *sc_brand_map_at(const sc_brand_map *bm, size_t i)
{
	return &bm->v[i]->pub;
}

/* family_match - the normalised domain norm or a parent of it is of the
 * family pat ("sparkasse-*.de": a first label that starts and ends as the
 * pattern's, with at least one character for the "*", then exactly the
 * pattern's suffix) */
static int family_match(const char *pat, const char *norm)
{
	const char *star = strchr(pat, '*'), *dot = strchr(pat, '.');
	size_t na = (size_t) (star - pat), nb = (size_t) (dot - star - 1);

	for (const char *q = norm; q != NULL;) {
		const char *qd = strchr(q, '.');
		size_t ln;

		if (qd == NULL)
			break;
		ln = (size_t) (qd - q);
		if (strcmp(qd + 1, dot + 1) == 0 && ln > na + nb && strncmp(q, pat, na) == 0 &&
		    strncmp(qd - nb, star + 1, nb) == 0)
			return 1;
		q = qd + 1;
	}
	return 0;
}

/* sc_brand_owns - domain is one of b's domains or a subdomain of one */
/* owns_norm - b owns the normalised domain norm (n bytes) or a parent of it */
static int owns_norm(const sc_brand *b, const char *norm, size_t n)
{
	for (size_t i = 0; i < b->ndomains; i++) {
		size_t k = strlen(b->domains[i]);

		if (strchr(b->domains[i], '*') != NULL) {
			if (family_match(b->domains[i], norm))
				return 1;
			continue;
		}
		if (n == k ? strcmp(norm, b->domains[i]) == 0
			   : n > k && norm[n - k - 1] == '.' &&
				     strcmp(norm + n - k, b->domains[i]) == 0)
			return 1;
	}
	return 0;
}

int sc_brand_owns(const sc_brand *b, const char *domain)
{
	char norm[DOMAIN_MAX + 1];

	if (b == NULL || domain == NULL || normalise(domain, strlen(domain), 0, norm) != NULL)
		return 0;
	return owns_norm(b, norm, strlen(norm));
}

/* sc_brand_map_owner - the first brand owning domain, or NULL: the domain
 * is normalised once, not once per brand */
const sc_brand *sc_brand_map_owner(const sc_brand_map *bm, const char *domain)
{
	char norm[DOMAIN_MAX + 1];
	size_t n;

	if (domain == NULL || normalise(domain, strlen(domain), 0, norm) != NULL)
		return NULL;
	n = strlen(norm);
	for (size_t i = 0; i < sc_brand_map_count(bm); i++)
		if (owns_norm(&bm->v[i]->pub, norm, n))
			return &bm->v[i]->pub;
	return NULL;
}

/* sc_brand_map_free - release bm */
void sc_brand_map_free(sc_brand_map *bm)
{
	if (bm == NULL)
		return;
	for (size_t i = 0; i < bm->n; i++)
		brand_free(bm->v[i]);
	free(bm->v);
	free(bm);
}

/* by_name - qsort order of names */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* read_file - all of path into b; -1 with errno set */
static int read_file(const char *path, sc_buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int err;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		(void) sc_buf_append(b, chunk, n);
	err = ferror(f) ? EIO : 0;
	fclose(f);
	errno = err;
	return err ? -1 : 0;
}

/* sc_lists_load_dir - see lists.h */
sc_lists *sc_lists_load_dir(const char *dir, sc_diags *d)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **files = NULL;
	size_t nfiles = 0;
	sc_lists *ls;

	if (dp == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, dir, 0, "cannot read the lists directory: %s",
			     strerror(errno));
		return NULL;
	}
	while ((de = readdir(dp)) != NULL) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n <= 4 ||
		    (strcmp(de->d_name + n - 4, ".txt") != 0 &&
		     strcmp(de->d_name + n - 4, ".map") != 0))
			continue;
		files = sc_reallocarray(files, nfiles + 1, sizeof(*files));
		files[nfiles++] = sc_strdup(de->d_name);
	}
	closedir(dp);
	if (nfiles > 0)
		qsort(files, nfiles, sizeof(*files), by_name);
	ls = sc_calloc(1, sizeof(*ls));
	for (size_t i = 0; i < nfiles; i++) {
		sc_buf path, text;

		sc_buf_init(&path, SC_BUF_UNLIMITED);
		sc_buf_init(&text, SC_BUF_UNLIMITED);
		(void) sc_buf_printf(&path, "%s/%s", dir, files[i]);
		if (read_file(sc_buf_cstr(&path), &text) != 0) {
			sc_diags_add(d, SC_DIAG_ERROR, sc_buf_cstr(&path), 0, "cannot read: %s",
				     strerror(errno));
		} else if (strcmp(files[i] + strlen(files[i]) - 4, ".map") == 0) {
			if (ls->brands == NULL)
				ls->brands = sc_brand_map_new();
			sc_brand_map_load_text(ls->brands, sc_buf_cstr(&path), text.data, text.len,
					       d);
		} else {
			ls->names = sc_reallocarray(ls->names, ls->n + 1, sizeof(*ls->names));
			ls->lists = sc_reallocarray(ls->lists, ls->n + 1, sizeof(*ls->lists));
			files[i][strlen(files[i]) - 4] = '\0';
			ls->names[ls->n] = sc_strdup(files[i]);
			ls->lists[ls->n++] = sc_domain_list_load_text(sc_buf_cstr(&path), text.data,
								      text.len, d);
		}
		sc_buf_free(&path);
		sc_buf_free(&text);
		free(files[i]);
	}
	free(files);
	return ls;
}

/* sc_lists_get - the list named name, or NULL */
const sc_domain_list *sc_lists_get(const sc_lists *ls, const char *name)
{
	if (ls == NULL)
		return NULL;
	for (size_t i = 0; i < ls->n; i++)
		if (strcmp(ls->names[i], name) == 0)
			return ls->lists[i];
	return NULL;
}

/* sc_lists_brands - the brand map, or NULL */
const sc_brand_map *sc_lists_brands(const sc_lists *ls)
{
	return ls != NULL ? ls->brands : NULL;
}

size_t sc_lists_count(const sc_lists *ls)
{
	return ls != NULL ? ls->n : 0;
}

const char *sc_lists_name_at(const sc_lists *ls, size_t i)
{
	return ls->names[i];
}

const sc_domain_list *sc_lists_at(const sc_lists *ls, size_t i)
{
	return ls->lists[i];
}

/* sc_lists_free - release ls */
void sc_lists_free(sc_lists *ls)
{
	if (ls == NULL)
		return;
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->names[i]);
		sc_domain_list_free(ls->lists[i]);
	}
	free(ls->names);
	free(ls->lists);
	sc_brand_map_free(ls->brands);
	free(ls);
}
