/*
 * walk.c - the files of a command line's paths (walk.h).
 */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "walk.h"

static void walk_at(const char *path, int depth, walk_fn fn, void *arg);

/* skip_dot - scandir filter: no hidden entries, no . and .. */
static int skip_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* walk_dir - every entry of a directory, sorted, recursively */
static void walk_dir(const char *path, int depth, walk_fn fn, void *arg)
{
	struct dirent **ents;
	int n = scandir(path, &ents, skip_dot, alphasort);
	sc_buf child;

	if (n < 0) {
		fn(arg, path, NULL, errno);
		return;
	}
	sc_buf_init(&child, SC_BUF_UNLIMITED);
	for (int i = 0; i < n; i++) {
		sc_buf_reset(&child);
		(void) sc_buf_printf(&child, "%s%s%s", path,
				     path[strlen(path) - 1] == '/' ? "" : "/", ents[i]->d_name);
		walk_at(sc_buf_cstr(&child), depth + 1, fn, arg);
		free(ents[i]);
	}
	free(ents);
	sc_buf_free(&child);
}

/* walk_at - path at depth (0: named on the command line) */
static void walk_at(const char *path, int depth, walk_fn fn, void *arg)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		fn(arg, path, NULL, errno);
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		if (stat(path, &st) < 0) {
			fn(arg, path, "dangling symbolic link", 0);
			return;
		}
		if (S_ISDIR(st.st_mode) && depth > 0)
			return; /* below the top, links could loop */
	}
	if (S_ISDIR(st.st_mode)) {
		if (depth >= WALK_MAX_DEPTH)
			fn(arg, path, "directory nesting too deep", 0);
		else
			walk_dir(path, depth, fn, arg);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		fn(arg, path, "not a regular file", 0);
		return;
	}
	fn(arg, path, NULL, 0);
}

/* walk_path - see walk.h */
void walk_path(const char *path, walk_fn fn, void *arg)
{
	walk_at(path, 0, fn, arg);
}
