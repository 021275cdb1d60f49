/*
 * rules_hs.c - one Hyperscan pass over a message's texts instead of one
 * regex call per rule.
 *
 * Most rules match nothing in a given message, yet each one costs at least
 * a PCRE2 call. Hyperscan compiles many patterns into one automaton and
 * scans a text for all of them at once, in its prefilter mode
 * (HS_FLAG_PREFILTER) for a superset of what each pattern matches: it may
 * report a match PCRE2 would not find, never the other way round.
 *   - Body, rawbody and uri rules: one database per list, scanned once
 *     over the list's texts joined (rules_run.c), holding each rule's
 *     MULTILINE twin (rules_prefilter.c), loosened by rules_relax when the
 *     twin argument does not hold as written. A rule the scan did not
 *     report cannot match its (loosened) twin, so it cannot match any one
 *     text, and is done.
 *   - Header regex rules: one database per selector (rule.sel_slot), its
 *     rules' patterns as written, scanned over the selector's value: the
 *     very text each of them is matched against (rules with [if-unset]
 *     match other texts and stay out).
 * A reported rule, or any rule when there is no database yet or a scan
 * fails, goes on as before (literal check, twin, PCRE2 over each text):
 * PCRE2 still decides every hit, so the hits are the same.
 *
 * Compiling the stock rules' patterns takes Hyperscan tens of seconds, so
 * the databases are built apart from loading: sc_ruleset_prefilter() builds
 * them now or in a thread of their own, while the ruleset already runs on
 * PCRE2 alone, and publishes them with one atomic store. A cache
 * directory keeps each build (hs_serialize_database) under a hash of its
 * patterns; a load finds it there when the very same patterns (compared
 * byte for byte, not by hash), Hyperscan version and CPU built it.
 *
 * Hyperscan is optional (configure --without-hyperscan, and it needs
 * SSSE3): without it every rule simply takes the PCRE2 path. A pattern
 * Hyperscan cannot compile even in prefilter mode stays out of the
 * database and takes that path too.
 *
 * Threads: the databases are read-only once published and shared by all
 * runs; each run borrows a scratch space from a mutex-protected pool.
 */
#include "autoconfig.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "mem.h"
#include "rules_int.h"

#ifdef HAVE_HYPERSCAN
#include <hs.h>

#define CACHE_MAGIC "scam-milter hyperscan cache 1\n"

/* The databases of one list: its patterns in chunks of HS_CHUNK. */
typedef struct hs_list {
	hs_database_t **db; /* owned */
	size_t ndb;
} hs_list;

/* The published databases. */
struct rules_hs {
	hs_list *lists; /* rules_hs_lists(rs) */
	size_t nlists;
	unsigned char *member; /* rs->n flags: the rule is in its list's databases */
	hs_scratch_t *proto;   /* sized for every database */
	pthread_mutex_t lock;  /* guards pool */
	hs_scratch_t **pool;   /* scratch spaces no run is using */
	size_t npool, cappool;
};
#else
struct rules_hs {
	int unused;
};
#endif

/* The build's state, made by sc_ruleset_prefilter. */
struct rules_hs_ctl {
	pthread_mutex_t lock; /* guards info */
	pthread_cond_t done;  /* signalled when the build ends */
	sc_prefilter_info info;
	char *cache_dir; /* owned, or NULL */
};

#ifdef HAVE_HYPERSCAN

/* published - the published databases, or NULL */
static struct rules_hs *published(const sc_ruleset *rs)
{
	return atomic_load_explicit(&rs->hs, memory_order_acquire);
}

/* set_info - update the build's state under its lock, waking waiters on
 * an end state */
static void set_info(sc_ruleset *rs, const sc_prefilter_info *info)
{
	struct rules_hs_ctl *c = rs->hs_ctl;

	pthread_mutex_lock(&c->lock);
	c->info = *info;
	if (info->state != SC_PREFILTER_BUILDING)
		pthread_cond_broadcast(&c->done);
	pthread_mutex_unlock(&c->lock);
}

/* A pattern on its way into a database. */
typedef struct hs_pat {
	char *expr; /* owned, NUL-ended */
	unsigned flags;
	unsigned id; /* the rule's index */
} hs_pat;

/* A literal on its way into a database. */
typedef struct hs_lit {
	const char *text; /* borrowed from the rule (rule.lit) */
	size_t len;
	unsigned flags;
	unsigned id;
} hs_lit;

/* The automaton states a pattern may need, roughly (rules_cost), to go
 * into a database whole; a costlier one goes in cut to a prefix
 * (rules_prefix), or not at all. */
#define HS_MAX_COST 1500

/* pattern_of - r's pattern as a Hyperscan expression and flags, or NULL
 * when it cannot be one (a NUL byte inside, options Hyperscan has no flag
 * for, a pattern rules_relax cannot loosen): a header rule's as it is (it
 * is matched against the very text the rule is); a body, rawbody or uri
 * rule's twin (multiline, over the joined texts), loosened by rules_relax
 * when the twin argument does not hold for it as written */
static char *pattern_of(const rule *r, unsigned *flags)
{
	const char *pat;
	size_t patlen;
	uint32_t opts;
	char *copy, *relaxed = NULL, *out = NULL;
	int joined = r->kind != RULE_HEADER;

	if (rules_pattern(r, &pat, &patlen, &opts, &copy) != 0)
		return NULL;
	if (joined && !r->twin_safe) {
		relaxed = rules_relax(pat, patlen, opts);
		if (relaxed != NULL) {
			pat = relaxed;
			patlen = strlen(relaxed);
		}
	}
	if ((!joined || r->twin_safe || relaxed != NULL) &&
	    rules_cost(pat, patlen, HS_MAX_COST) > HS_MAX_COST) {
		/* too costly for Hyperscan: a cheaper necessary prefix, if
		 * there is one (never under /x: comments are not read) */
		char *pre = (opts & PCRE2_EXTENDED) ? NULL : rules_prefix(pat, patlen, HS_MAX_COST);

		if (pre == NULL) {
			free(relaxed);
			free(copy);
			return NULL;
		}
		free(relaxed);
		relaxed = pre;
		pat = pre;
		patlen = strlen(pre);
	}
	if (memchr(pat, '\0', patlen) == NULL && (!joined || r->twin_safe || relaxed != NULL) &&
	    (opts &
	     ~(uint32_t) (PCRE2_CASELESS | PCRE2_MULTILINE | PCRE2_DOTALL | PCRE2_EXTENDED)) == 0) {
		const char *x = (opts & PCRE2_EXTENDED) ? "(?x)" : "";
		size_t xl = strlen(x);

		out = sc_malloc(xl + patlen + 1);
		memcpy(out, x, xl);
		memcpy(out + xl, pat, patlen);
		out[xl + patlen] = '\0';
		*flags = HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
		if (joined || (opts & PCRE2_MULTILINE))
			*flags |= HS_FLAG_MULTILINE;
		if (opts & PCRE2_CASELESS)
			*flags |= HS_FLAG_CASELESS;
		if (opts & PCRE2_DOTALL)
			*flags |= HS_FLAG_DOTALL;
	}
	free(relaxed);
	free(copy);
	return out;
}

/* The patterns of one build, per list, and their canonical text (the
 * cache's key). */
typedef struct build {
	size_t nlists;
	hs_pat **pats; /* regex patterns, per list */
	size_t *npats;
	hs_lit **lits; /* required literals (rule.lit), per list */
	size_t *nlits;
	sc_buf key; /* for each list: "list N\n", then "id flags expr\0" each */
} build;

/* collect - the pattern of every live rule that has a database */
static void collect(const sc_ruleset *rs, build *b)
{
	memset(b, 0, sizeof(*b));
	b->nlists = rules_hs_lists(rs);
	b->pats = sc_calloc(b->nlists, sizeof(*b->pats));
	b->npats = sc_calloc(b->nlists, sizeof(*b->npats));
	b->lits = sc_calloc(b->nlists, sizeof(*b->lits));
	b->nlits = sc_calloc(b->nlists, sizeof(*b->nlits));
	sc_buf_init(&b->key, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < rs->n; i++) {
		const rule *r = &rs->rules[i];
		long l = rules_hs_list(r);
		unsigned flags = 0;
		char *expr;

		if (l < 0 || r->dead || r->never || r->re == NULL)
			continue;
		expr = pattern_of(r, &flags);
		if (expr != NULL) {
			b->pats[l] =
				sc_reallocarray(b->pats[l], b->npats[l] + 1, sizeof(*b->pats[l]));
			b->pats[l][b->npats[l]].expr = expr;
			b->pats[l][b->npats[l]].flags = flags;
			b->pats[l][b->npats[l]].id = (unsigned) i;
			b->npats[l]++;
		} else if (r->lit != NULL && r->kind != RULE_HEADER) {
			/* too costly a regex (or one Hyperscan cannot take): its
			 * required literals instead, the literal check in the
			 * same pass */
			const char *t = r->lit;

			free(expr);
			b->lits[l] = sc_reallocarray(b->lits[l], b->nlits[l] + r->lit_len,
						     sizeof(*b->lits[l]));
			for (size_t k = 0; k < r->lit_len; k++) {
				hs_lit *x = &b->lits[l][b->nlits[l]++];

				x->text = t;
				x->len = strlen(t);
				x->flags = HS_FLAG_SINGLEMATCH |
					   (r->lit_caseless ? HS_FLAG_CASELESS : 0);
				x->id = (unsigned) i;
				t += x->len + 1;
			}
		} else {
			free(expr);
		}
	}
	for (size_t l = 0; l < b->nlists; l++) {
		(void) sc_buf_printf(&b->key, "list %zu\n", l);
		for (size_t k = 0; k < b->npats[l]; k++) {
			(void) sc_buf_printf(&b->key, "%u %u %s", b->pats[l][k].id,
					     b->pats[l][k].flags, b->pats[l][k].expr);
			(void) sc_buf_putc(&b->key, '\0');
		}
		for (size_t k = 0; k < b->nlits[l]; k++) {
			(void) sc_buf_printf(&b->key, "L %u %u ", b->lits[l][k].id,
					     b->lits[l][k].flags);
			(void) sc_buf_append(&b->key, b->lits[l][k].text, b->lits[l][k].len + 1);
		}
	}
}

/* build_free - release b */
static void build_free(build *b)
{
	for (size_t l = 0; l < b->nlists; l++) {
		for (size_t k = 0; k < b->npats[l]; k++)
			free(b->pats[l][k].expr);
		free(b->pats[l]);
		free(b->lits[l]);
	}
	free(b->pats);
	free(b->npats);
	free(b->lits);
	free(b->nlits);
	sc_buf_free(&b->key);
}

/*
 * Hyperscan's compile time grows faster than the number of patterns in a
 * database: the stock body rules take ~25 s as one database and a quarter
 * of that in chunks, at a small cost per scan. So each list is compiled
 * in chunks of HS_CHUNK patterns.
 */
#define HS_CHUNK 48

/* compile_one - a database of the n patterns at c, leaving out, one by
 * one, each Hyperscan refuses (its expr freed and set to NULL); NULL when
 * none is left or the compile fails as a whole */
static hs_database_t *compile_one(hs_pat *c, size_t n, size_t *refused)
{
	const char **exprs = sc_reallocarray(NULL, n, sizeof(*exprs));
	unsigned *flags = sc_reallocarray(NULL, n, sizeof(*flags));
	unsigned *ids = sc_reallocarray(NULL, n, sizeof(*ids));
	size_t *at = sc_reallocarray(NULL, n, sizeof(*at));
	hs_database_t *db = NULL;

	for (;;) {
		hs_compile_error_t *err = NULL;
		size_t m = 0;
		int bad;

		for (size_t i = 0; i < n; i++) {
			if (c[i].expr == NULL)
				continue;
			exprs[m] = c[i].expr;
			flags[m] = c[i].flags;
			ids[m] = c[i].id;
			at[m++] = i;
		}
		if (m == 0)
			break;
		if (hs_compile_multi(exprs, flags, ids, (unsigned) m, HS_MODE_BLOCK, NULL, &db,
				     &err) == HS_SUCCESS)
			break;
		db = NULL;
		bad = err != NULL ? err->expression : -1;
		hs_free_compile_error(err);
		if (bad < 0 || (size_t) bad >= m) { /* no culprit named: give up */
			for (size_t k = 0; k < m; k++) {
				free(c[at[k]].expr);
				c[at[k]].expr = NULL;
			}
			*refused += m;
			break;
		}
		free(c[at[bad]].expr); /* drop the refused pattern and try again */
		c[at[bad]].expr = NULL;
		++*refused;
	}
	free(exprs);
	free(flags);
	free(ids);
	free(at);
	return db;
}

/* compile_list - out's databases for pats[0..*n), in chunks; *n then
 * counts the patterns they hold, first in pats (the others freed) */
static void compile_list(hs_pat *pats, size_t *n, size_t *refused, hs_list *out)
{
	size_t k = 0;

	/* patterns Hyperscan refuses are cheaper to find one at a time than
	 * by recompiling a chunk after each */
	for (size_t i = 0; i < *n; i++) {
		hs_expr_info_t *info = NULL;
		hs_compile_error_t *err = NULL;

		if (hs_expression_info(pats[i].expr, pats[i].flags, &info, &err) != HS_SUCCESS) {
			hs_free_compile_error(err);
			free(pats[i].expr);
			pats[i].expr = NULL;
			++*refused;
			continue;
		}
		free(info);
	}
	for (size_t i = 0; i < *n; i += HS_CHUNK) {
		size_t m = *n - i < HS_CHUNK ? *n - i : HS_CHUNK;
		hs_database_t *db = compile_one(pats + i, m, refused);

		if (db == NULL)
			continue;
		out->db = sc_reallocarray(out->db, out->ndb + 1, sizeof(*out->db));
		out->db[out->ndb++] = db;
	}
	for (size_t i = 0; i < *n; i++)
		if (pats[i].expr != NULL)
			pats[k++] = pats[i];
	*n = k;
}

/* compile_lits - a database of the n literals at x added to out; 0, or -1
 * when Hyperscan refuses it */
static int compile_lits(const hs_lit *x, size_t n, hs_list *out)
{
	const char **texts = sc_reallocarray(NULL, n, sizeof(*texts));
	size_t *lens = sc_reallocarray(NULL, n, sizeof(*lens));
	unsigned *flags = sc_reallocarray(NULL, n, sizeof(*flags));
	unsigned *ids = sc_reallocarray(NULL, n, sizeof(*ids));
	hs_compile_error_t *err = NULL;
	hs_database_t *db = NULL;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		texts[i] = x[i].text;
		lens[i] = x[i].len;
		flags[i] = x[i].flags;
		ids[i] = x[i].id;
	}
	if (hs_compile_lit_multi(texts, flags, ids, lens, (unsigned) n, HS_MODE_BLOCK, NULL, &db,
				 &err) == HS_SUCCESS) {
		out->db = sc_reallocarray(out->db, out->ndb + 1, sizeof(*out->db));
		out->db[out->ndb++] = db;
	} else {
		hs_free_compile_error(err);
		rc = -1;
	}
	free(texts);
	free(lens);
	free(flags);
	free(ids);
	return rc;
}

/* fnv64 - FNV-1a of n bytes, naming a cache file (the file holds the full
 * key, compared on load, so a collision only costs a rebuild) */
static unsigned long long fnv64(const char *s, size_t n)
{
	unsigned long long h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char) s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* cache_path - dir/hs-HASH.db for key */
static char *cache_path(const char *dir, const sc_buf *key)
{
	sc_buf p;
	char *out;

	sc_buf_init(&p, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&p, "%s/hs-%016llx.db", dir, fnv64(key->data, key->len));
	out = sc_strdup(sc_buf_cstr(&p));
	sc_buf_free(&p);
	return out;
}

/* Cache file: CACHE_MAGIC, hs_version() "\n", the key's length and bytes,
 * then for each list: the number of rules in its databases, their indexes,
 * the number of databases, and each one serialized, length then bytes.
 * Sizes are size_t in this machine's order: a cache is not for other
 * machines. */

/* map_file - path mapped read-only (*len bytes), or NULL; unmap with
 * munmap(p, *len) */
static char *map_file(const char *path, size_t *len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t) st.st_size;
	return p;
}

/* take - the next n bytes of the file at *p (end at e), or NULL */
static const char *take(const char **p, const char *e, size_t n)
{
	const char *q = *p;

	if ((size_t) (e - q) < n)
		return NULL;
	*p = q + n;
	return q;
}

/* cache_load - the databases of h from the cache file for key; 0 on a hit */
static int cache_load(struct rules_hs *h, const char *path, const sc_buf *key, size_t nrules)
{
	size_t len, klen, v = strlen(CACHE_MAGIC), hv = strlen(hs_version());
	char *all = map_file(path, &len);
	const char *p = all, *e = all + len, *q;
	int ok = 0;

	if (all == NULL)
		return -1;
	if ((q = take(&p, e, v)) == NULL || memcmp(q, CACHE_MAGIC, v) != 0 ||
	    (q = take(&p, e, hv + 1)) == NULL || memcmp(q, hs_version(), hv) != 0 ||
	    q[hv] != '\n' || (q = take(&p, e, sizeof(klen))) == NULL)
		goto out;
	memcpy(&klen, q, sizeof(klen));
	if (klen != key->len || (q = take(&p, e, klen)) == NULL || memcmp(q, key->data, klen) != 0)
		goto out;
	for (size_t l = 0; l < h->nlists; l++) {
		hs_list *hl = &h->lists[l];
		size_t n, ndb;

		if ((q = take(&p, e, sizeof(n))) == NULL)
			goto out;
		memcpy(&n, q, sizeof(n));
		for (size_t k = 0; k < n; k++) {
			unsigned id;

			if ((q = take(&p, e, sizeof(id))) == NULL)
				goto out;
			memcpy(&id, q, sizeof(id));
			if (id >= nrules)
				goto out;
			h->member[id] = 1;
		}
		if ((q = take(&p, e, sizeof(ndb))) == NULL)
			goto out;
		memcpy(&ndb, q, sizeof(ndb));
		if (ndb > nrules)
			goto out;
		hl->db = sc_calloc(ndb ? ndb : 1, sizeof(*hl->db));
		for (; hl->ndb < ndb; hl->ndb++) {
			size_t dblen;

			if ((q = take(&p, e, sizeof(dblen))) == NULL)
				goto out;
			memcpy(&dblen, q, sizeof(dblen));
			if ((q = take(&p, e, dblen)) == NULL ||
			    hs_deserialize_database(q, dblen, &hl->db[hl->ndb]) != HS_SUCCESS)
				goto out; /* another CPU or version: rebuild */
		}
	}
	ok = p == e;
out:
	(void) munmap(all, len);
	if (!ok) {
		for (size_t l = 0; l < h->nlists; l++) {
			for (size_t k = 0; k < h->lists[l].ndb; k++)
				hs_free_database(h->lists[l].db[k]);
			free(h->lists[l].db);
			h->lists[l].db = NULL;
			h->lists[l].ndb = 0;
		}
		memset(h->member, 0, nrules);
	}
	return ok ? 0 : -1;
}

/* cache_store - write h's databases for key to path (a temporary file
 * renamed into place, so readers never see half a file); 0 on success */
static int cache_store(const sc_ruleset *rs, const struct rules_hs *h, const build *b,
		       const char *path)
{
	sc_buf out;
	char *tmp;
	size_t n;
	FILE *f;
	int fd, rc = -1;

	sc_buf_init(&out, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&out, CACHE_MAGIC);
	(void) sc_buf_printf(&out, "%s\n", hs_version());
	(void) sc_buf_append(&out, &b->key.len, sizeof(b->key.len));
	(void) sc_buf_append(&out, b->key.data, b->key.len);
	for (size_t l = 0; l < h->nlists; l++) {
		const hs_list *hl = &h->lists[l];

		n = 0;
		for (size_t i = 0; i < rs->n; i++)
			n += h->member[i] && rules_hs_list(&rs->rules[i]) == (long) l;
		(void) sc_buf_append(&out, &n, sizeof(n));
		for (unsigned i = 0; i < rs->n; i++)
			if (h->member[i] && rules_hs_list(&rs->rules[i]) == (long) l)
				(void) sc_buf_append(&out, &i, sizeof(i));
		(void) sc_buf_append(&out, &hl->ndb, sizeof(hl->ndb));
		for (size_t k = 0; k < hl->ndb; k++) {
			char *ser = NULL;
			size_t serlen = 0;

			if (hs_serialize_database(hl->db[k], &ser, &serlen) != HS_SUCCESS) {
				sc_buf_free(&out);
				return -1;
			}
			(void) sc_buf_append(&out, &serlen, sizeof(serlen));
			(void) sc_buf_append(&out, ser, serlen);
			free(ser);
		}
	}
	tmp = sc_malloc(strlen(path) + 8);
	sprintf(tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) >= 0) {
		(void) fchmod(fd, 0644); /* not secret: the filter and scamctl read it */
		if ((f = fdopen(fd, "wb")) == NULL)
			close(fd);
		else if (fwrite(out.data, 1, out.len, f) == out.len && fclose(f) == 0)
			rc = rename(tmp, path);
		else
			(void) fclose(f);
		if (rc != 0)
			(void) unlink(tmp);
	}
	free(tmp);
	sc_buf_free(&out);
	return rc;
}

/* hs_new - an empty struct rules_hs for rs */
static struct rules_hs *hs_new(const sc_ruleset *rs)
{
	struct rules_hs *h = sc_calloc(1, sizeof(*h));

	h->member = sc_calloc(rs->n ? rs->n : 1, 1);
	h->nlists = rules_hs_lists(rs);
	h->lists = sc_calloc(h->nlists, sizeof(*h->lists));
	if (pthread_mutex_init(&h->lock, NULL) != 0)
		sc_panic("cannot create the Hyperscan scratch pool's mutex");
	return h;
}

/* hs_free - release h */
static void hs_free(struct rules_hs *h)
{
	if (h == NULL)
		return;
	for (size_t l = 0; l < h->nlists; l++) {
		for (size_t k = 0; k < h->lists[l].ndb; k++)
			hs_free_database(h->lists[l].db[k]);
		free(h->lists[l].db);
	}
	free(h->lists);
	hs_free_scratch(h->proto);
	for (size_t i = 0; i < h->npool; i++)
		hs_free_scratch(h->pool[i]);
	free(h->pool);
	free(h->member);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* now_s - the monotonic clock in seconds */
static double now_s(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* do_build - build (or load from the cache) and publish rs's databases;
 * only load them with cache_only */
static void do_build(sc_ruleset *rs, int cache_only)
{
	struct rules_hs_ctl *c = rs->hs_ctl;
	struct rules_hs *h = hs_new(rs);
	sc_prefilter_info info;
	double t0 = now_s();
	char *path = NULL;
	build b;
	int any = 0;

	memset(&info, 0, sizeof(info));
	collect(rs, &b);
	for (size_t l = 0; l < b.nlists; l++)
		any |= b.npats[l] > 0 || b.nlits[l] > 0;
	if (!any) {
		info.state = SC_PREFILTER_OFF;
		(void) snprintf(info.reason, sizeof(info.reason), "no rule to prefilter");
		goto out;
	}
	if (c->cache_dir != NULL) {
		path = cache_path(c->cache_dir, &b.key);
		if (cache_load(h, path, &b.key, rs->n) == 0)
			info.cached = 1;
	}
	if (!info.cached && cache_only) {
		info.state = SC_PREFILTER_OFF;
		(void) snprintf(info.reason, sizeof(info.reason),
				c->cache_dir == NULL
					? "no rules_cache_dir to read it from"
					: "not in the cache yet (the filter, or scamctl "
					  "lint --prefilter, builds it)");
		goto out;
	}
	if (!info.cached) {
		for (size_t l = 0; l < b.nlists; l++) {
			compile_list(b.pats[l], &b.npats[l], &info.refused, &h->lists[l]);
			for (size_t k = 0; k < b.npats[l]; k++)
				h->member[b.pats[l][k].id] = 1;
			if (b.nlits[l] > 0 &&
			    compile_lits(b.lits[l], b.nlits[l], &h->lists[l]) == 0)
				for (size_t k = 0; k < b.nlits[l]; k++)
					h->member[b.lits[l][k].id] = 1;
		}
		if (path != NULL && cache_store(rs, h, &b, path) == 0)
			info.cached = 2;
		else if (path != NULL)
			(void) snprintf(info.reason, sizeof(info.reason),
					"cannot write the cache file %s: %s", path,
					strerror(errno));
	}
	for (size_t l = 0; l < h->nlists; l++)
		for (size_t k = 0; k < h->lists[l].ndb; k++)
			if (hs_alloc_scratch(h->lists[l].db[k], &h->proto) != HS_SUCCESS)
				sc_panic("out of memory allocating Hyperscan scratch space");
	for (size_t i = 0; i < rs->n; i++) {
		long l = rules_hs_list(&rs->rules[i]);

		if (h->member[i])
			info.patterns[l < RULES_HS_LISTS ? l : RULES_HS_LISTS]++;
	}
	info.seconds = now_s() - t0;
	if (h->proto == NULL) {
		info.state = SC_PREFILTER_FAILED;
		(void) snprintf(info.reason, sizeof(info.reason),
				"Hyperscan compiled none of the patterns");
		goto out;
	}
	info.state = SC_PREFILTER_READY;
	atomic_store_explicit(&rs->hs, h, memory_order_release);
	h = NULL;
	if (info.cached == 1)
		sc_log(SC_LOG_NOTICE,
		       "rules prefilter ready: %zu body, %zu rawbody, %zu uri, %zu header rules, "
		       "read from the cache in %.1fs",
		       info.patterns[0], info.patterns[1], info.patterns[2], info.patterns[3],
		       info.seconds);
	else
		sc_log(SC_LOG_NOTICE,
		       "rules prefilter ready: %zu body, %zu rawbody, %zu uri, %zu header rules, "
		       "compiled in %.1fs (%zu refused)",
		       info.patterns[0], info.patterns[1], info.patterns[2], info.patterns[3],
		       info.seconds, info.refused);
out:
	if (info.state == SC_PREFILTER_FAILED)
		sc_log(SC_LOG_WARNING, "rules prefilter: %s; rules run without it", info.reason);
	else if (info.reason[0] != '\0' && info.state == SC_PREFILTER_READY)
		sc_log(SC_LOG_WARNING, "rules prefilter: %s", info.reason);
	hs_free(h);
	free(path);
	build_free(&b);
	set_info(rs, &info);
}

/* builder - the thread of a background build; holds a reference to rs */
static void *builder(void *arg)
{
	sc_ruleset *rs = arg;

	do_build(rs, 0);
	sc_ruleset_unref(rs);
	return NULL;
}

#endif /* HAVE_HYPERSCAN */

/* sc_ruleset_prefilter - see rules.h */
void sc_ruleset_prefilter(sc_ruleset *rs, const char *cache_dir, sc_prefilter_mode mode)
{
	struct rules_hs_ctl *c;

	if (rs->hs_ctl != NULL)
		return;
	c = sc_calloc(1, sizeof(*c));
	if (pthread_mutex_init(&c->lock, NULL) != 0 || pthread_cond_init(&c->done, NULL) != 0)
		sc_panic("cannot create the prefilter build's lock");
	c->cache_dir = cache_dir != NULL && *cache_dir != '\0' ? sc_strdup(cache_dir) : NULL;
	rs->hs_ctl = c;
#ifdef HAVE_HYPERSCAN
	if (hs_valid_platform() != HS_SUCCESS) {
		c->info.state = SC_PREFILTER_OFF;
		(void) snprintf(c->info.reason, sizeof(c->info.reason),
				"this CPU lacks what Hyperscan needs (SSSE3)");
		return;
	}
	c->info.state = SC_PREFILTER_BUILDING;
	if (mode == SC_PREFILTER_BACKGROUND) {
		pthread_t tid;
		pthread_attr_t attr;

		if (pthread_attr_init(&attr) == 0 &&
		    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
		    pthread_create(&tid, &attr, builder, sc_ruleset_ref(rs)) == 0) {
			pthread_attr_destroy(&attr);
			return;
		}
		sc_ruleset_unref(rs); /* no thread: build here */
	}
	do_build(rs, mode == SC_PREFILTER_CACHED);
#else
	(void) mode;
	c->info.state = SC_PREFILTER_OFF;
	(void) snprintf(
		c->info.reason, sizeof(c->info.reason),
		"built without Hyperscan (libhyperscan-dev missing or --without-hyperscan)");
#endif
}

/* sc_ruleset_prefilter_info - see rules.h */
void sc_ruleset_prefilter_info(const sc_ruleset *rs, int wait, sc_prefilter_info *out)
{
	struct rules_hs_ctl *c = rs->hs_ctl;

	if (c == NULL) {
		memset(out, 0, sizeof(*out));
		out->state = SC_PREFILTER_OFF;
		(void) snprintf(out->reason, sizeof(out->reason), "not asked for");
		return;
	}
	pthread_mutex_lock(&c->lock);
	while (wait && c->info.state == SC_PREFILTER_BUILDING)
		pthread_cond_wait(&c->done, &c->lock);
	*out = c->info;
	pthread_mutex_unlock(&c->lock);
}

/* rules_hs_free - release rs's databases, scratch spaces and build state */
void rules_hs_free(sc_ruleset *rs)
{
	struct rules_hs_ctl *c = rs->hs_ctl;

#ifdef HAVE_HYPERSCAN
	hs_free(published(rs));
#endif
	atomic_store(&rs->hs, NULL);
	if (c != NULL) {
		pthread_mutex_destroy(&c->lock);
		pthread_cond_destroy(&c->done);
		free(c->cache_dir);
		free(c);
		rs->hs_ctl = NULL;
	}
}

/* rules_hs_take - a scratch space for one run (from the pool, else a new
 * clone), or NULL when rs has no published database */
void *rules_hs_take(const sc_ruleset *rs)
{
#ifdef HAVE_HYPERSCAN
	struct rules_hs *h = published(rs);
	hs_scratch_t *s = NULL;

	if (h == NULL)
		return NULL;
	pthread_mutex_lock(&h->lock);
	if (h->npool > 0)
		s = h->pool[--h->npool];
	pthread_mutex_unlock(&h->lock);
	if (s == NULL && hs_clone_scratch(h->proto, &s) != HS_SUCCESS)
		sc_panic("out of memory cloning Hyperscan scratch space");
	return s;
#else
	(void) rs;
	return NULL;
#endif
}

/* rules_hs_give - return a scratch space rules_hs_take gave */
void rules_hs_give(const sc_ruleset *rs, void *scratch)
{
#ifdef HAVE_HYPERSCAN
	struct rules_hs *h = published(rs);

	if (scratch == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	if (h->npool == h->cappool) {
		h->cappool = h->cappool ? h->cappool * 2 : 4;
		h->pool = sc_reallocarray(h->pool, h->cappool, sizeof(*h->pool));
	}
	h->pool[h->npool++] = scratch;
	pthread_mutex_unlock(&h->lock);
#else
	(void) rs;
	(void) scratch;
#endif
}

#ifdef HAVE_HYPERSCAN
/* on_match - mark the rule a pattern stands for as a candidate */
static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		    void *arg)
{
	(void) from;
	(void) to;
	(void) flags;
	((unsigned char *) arg)[id] = 1;
	return 0;
}
#endif

/* rules_hs_scan - see rules_int.h */
int rules_hs_scan(const sc_ruleset *rs, long list, void *scratch, const char *text, size_t len,
		  unsigned char *maybe, const unsigned char **member)
{
#ifdef HAVE_HYPERSCAN
	const struct rules_hs *h = published(rs);

	if (h == NULL || scratch == NULL || list < 0 || (size_t) list >= h->nlists ||
	    h->lists[list].ndb == 0 || len > 0xffffffffu)
		return -1;
	*member = h->member;
	for (size_t k = 0; k < h->lists[list].ndb; k++)
		if (hs_scan(h->lists[list].db[k], text, (unsigned) len, 0, scratch, on_match,
			    maybe) != HS_SUCCESS)
			return -1;
	return 0;
#else
	(void) rs;
	(void) list;
	(void) scratch;
	(void) text;
	(void) len;
	(void) maybe;
	(void) member;
	return -1;
#endif
}
