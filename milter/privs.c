/*
 * privs.c - user and group lookup, and dropping root (see privs.h).
 */
#include "autoconfig.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privs.h"

/* fail - format the reason into err and return -1 */
__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errsize, const char *fmt,
						      ...)
{
	va_list ap;
	int n;

	if (errsize == 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	if (n < 0)
		err[0] = '\0';
	/* A longer reason is cut at errsize - 1 bytes, which vsnprintf guarantees. */
	return -1;
}

/* copy_name - name into a fixed field; -1 when it does not fit */
static int copy_name(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/* sc_group_resolve - group name to gid */
int sc_group_resolve(const char *name, gid_t *gid, char *err, size_t errsize)
{
	struct group *gr;

	errno = 0;
	gr = getgrnam(name);
	if (gr == NULL)
		return fail(err, errsize, "unknown group \"%s\"%s%s", name, errno ? ": " : "",
			    errno ? strerror(errno) : "");
	*gid = gr->gr_gid;
	return 0;
}

/* sc_privs_resolve - USER[:GROUP] to uid and gid */
int sc_privs_resolve(const char *spec, sc_privs *out, char *err, size_t errsize)
{
	const char *colon = strchr(spec, ':');
	size_t ulen = colon != NULL ? (size_t) (colon - spec) : strlen(spec);
	struct passwd *pw;

	if (ulen == 0 || copy_name(out->user, sizeof(out->user), spec, ulen) < 0)
		return fail(err, errsize, "bad user \"%s\": expected USER or USER:GROUP", spec);
	errno = 0;
	pw = getpwnam(out->user);
	if (pw == NULL)
		return fail(err, errsize, "unknown user \"%s\"%s%s", out->user, errno ? ": " : "",
			    errno ? strerror(errno) : "");
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	if (colon == NULL) {
		struct group *gr = getgrgid(pw->pw_gid);

		if (gr == NULL ||
		    copy_name(out->group, sizeof(out->group), gr->gr_name, strlen(gr->gr_name)) < 0)
			(void) snprintf(out->group, sizeof(out->group), "%lu",
					(unsigned long) pw->pw_gid);
		return 0;
	}
	if (colon[1] == '\0' ||
	    copy_name(out->group, sizeof(out->group), colon + 1, strlen(colon + 1)) < 0)
		return fail(err, errsize, "bad group in \"%s\": expected USER:GROUP", spec);
	return sc_group_resolve(out->group, &out->gid, err, errsize);
}

/* sc_privs_drop - setgroups, setgid, setuid, then prove root is gone */
int sc_privs_drop(const sc_privs *p, char *err, size_t errsize)
{
	if (geteuid() != 0) {
		/* Not root: only "become who we already are" can succeed. */
		if (getuid() == p->uid && geteuid() == p->uid && getgid() == p->gid &&
		    getegid() == p->gid)
			return 0;
		return fail(err, errsize, "cannot switch to %s:%s: not running as root", p->user,
			    p->group);
	}
	if (setgroups(1, &p->gid) != 0)
		return fail(err, errsize, "setgroups(%lu): %s", (unsigned long) p->gid,
			    strerror(errno));
	if (setgid(p->gid) != 0)
		return fail(err, errsize, "setgid(%lu): %s", (unsigned long) p->gid,
			    strerror(errno));
	if (setuid(p->uid) != 0)
		return fail(err, errsize, "setuid(%lu): %s", (unsigned long) p->uid,
			    strerror(errno));
	if (getuid() != p->uid || geteuid() != p->uid || getgid() != p->gid || getegid() != p->gid)
		return fail(err, errsize, "still running as uid %lu/%lu gid %lu/%lu after setuid",
			    (unsigned long) getuid(), (unsigned long) geteuid(),
			    (unsigned long) getgid(), (unsigned long) getegid());
	if (p->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return fail(err, errsize, "could regain root after switching to %s", p->user);
	return 0;
}
