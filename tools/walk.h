/*
 * walk.h - the files of the paths named on a command line, as scan and
 * eval read them: a file as it is; a directory recursively, its entries
 * sorted (alphasort), hidden ones skipped; a symbolic link to a directory
 * followed only when it is the path named (below that, links could loop);
 * anything else - a dangling link, a device, an unreadable path, nesting
 * past WALK_MAX_DEPTH - reported, never dropped. Single-threaded; no state
 * between calls.
 */
#ifndef SC_WALK_H
#define SC_WALK_H

#define WALK_MAX_DEPTH 64 /* directory levels walked */

/* walk_fn - called once per file, in walk order: why and err both unset
 * (NULL, 0) for a regular file to read; otherwise why (a static reason) or
 * err (an errno) says why path cannot be read. path is valid during the
 * call only. */
typedef void (*walk_fn)(void *arg, const char *path, const char *why, int err);

/* walk_path - call fn for every file of path (see above). */
void walk_path(const char *path, walk_fn fn, void *arg);

#endif
