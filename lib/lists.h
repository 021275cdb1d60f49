/*
 * lists.h - domain lists: free webmail providers, URL shorteners and the
 * like, one file each in a lists directory (lists_dir; the shipped ones are
 * the *.txt files of etc/lists), which checks ask "is this domain listed?".
 *
 * File format: one entry a line; blank lines and "#" comments (to the end
 * of the line) are ignored; an entry is one domain, lower-cased on load,
 * a U-label domain converted to its A-label (libidn2) so that "bücher.de"
 * and "xn--bcher-kva.de" are the same entry:
 *   example.com    that domain only
 *   .example.com   that domain and every subdomain of it
 *   aol.*          a pattern: "*" matches any run of characters within one
 *                  label (never a "."), "?" any one character, as in
 *                  SpamAssassin's freemail_domains
 * A line that is not a domain (spaces inside, a label over 63 bytes, an
 * IDN that does not convert) is an error naming file:line, and is left
 * out; the rest of the file is used.
 *
 * A directory loads every "*.txt" file in it as a list named after the
 * file ("freemail.txt" is the list "freemail"); a missing directory is an
 * error, an empty one is not.
 *
 * Lists are immutable once loaded: any number of threads may query them.
 * They are loaded with the rules and swapped with them on reload.
 */
#ifndef SC_LISTS_H
#define SC_LISTS_H

#include <stddef.h>

#include "diag.h"

typedef struct sc_domain_list sc_domain_list;
typedef struct sc_lists sc_lists;

/* sc_domain_list_load_text - a list from len bytes of text reported as
 * file name (errors into d). Never NULL. The caller frees it. */
sc_domain_list *sc_domain_list_load_text(const char *name, const char *text, size_t len,
					 sc_diags *d);

/* sc_domain_list_has - domain (any case, trailing "." ignored, a U-label
 * domain converted as entries are) is listed: an exact entry, a ".parent"
 * entry of it or of a parent, or a pattern matching it whole. */
int sc_domain_list_has(const sc_domain_list *l, const char *domain);

/* sc_domain_list_count - entries loaded. */
size_t sc_domain_list_count(const sc_domain_list *l);

void sc_domain_list_free(sc_domain_list *l);

/* sc_lists_load_dir - every dir/ *.txt, in name order; NULL, with an error
 * in d, only when dir cannot be read (a file that cannot be read is an
 * error in d and is left out). The caller owns the result. */
sc_lists *sc_lists_load_dir(const char *dir, sc_diags *d);

/* sc_lists_get - the list named name ("freemail"), or NULL when the
 * directory had none; borrowed from ls. */
const sc_domain_list *sc_lists_get(const sc_lists *ls, const char *name);

/* sc_lists_count - how many lists; sc_lists_name_at / sc_lists_at the
 * i-th in name order (borrowed), for lint's summary. */
size_t sc_lists_count(const sc_lists *ls);
const char *sc_lists_name_at(const sc_lists *ls, size_t i);
const sc_domain_list *sc_lists_at(const sc_lists *ls, size_t i);

/* sc_lists_free - release ls and its lists; NULL is a no-op. */
void sc_lists_free(sc_lists *ls);

#endif
