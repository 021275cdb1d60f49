/*
 * privs.h - who the milter runs as: looking up users and groups, and the
 * one place it gives up root (STYLE.md, section 11).
 *
 * The daemon resolves USER[:GROUP] while it can still report a typo as a
 * configuration error, opens its socket, then calls sc_privs_drop(): the
 * supplementary groups, then the group, then the user, each failure fatal to
 * the caller, and finally a check that root cannot be regained. Lookups use
 * getpwnam/getgrnam and so belong to start-up, before any thread exists.
 * Errors are returned as text in the caller's buffer; nothing here logs.
 */
#ifndef SC_PRIVS_H
#define SC_PRIVS_H

#include <stddef.h>
#include <sys/types.h>

typedef struct sc_privs {
	uid_t uid;
	gid_t gid;
	char user[256]; /* the names, for messages */
	char group[256];
} sc_privs;

/* sc_privs_resolve - look up "USER" (its primary group) or "USER:GROUP".
 * Returns 0, or -1 with the reason in err (errsize bytes). */
int sc_privs_resolve(const char *spec, sc_privs *out, char *err, size_t errsize);

/* sc_group_resolve - look up a group name. Returns 0 with *gid set, or -1
 * with the reason in err. */
int sc_group_resolve(const char *name, gid_t *gid, char *err, size_t errsize);

/* sc_privs_drop - become p->uid:p->gid with no other groups. Already being
 * exactly that user (and not root) is success. Returns 0, or -1 with the
 * reason in err; the caller must then exit, as the process may be half way. */
int sc_privs_drop(const sc_privs *p, char *err, size_t errsize);

#endif
