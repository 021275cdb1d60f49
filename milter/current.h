/*
 * current.h - the engine (config + rules) the milter scans with right now.
 *
 * One process-wide pointer, guarded by a mutex: the only mutable global the
 * libmilter threads share. A scan takes its own reference under the lock
 * (sc_current_get) and drops it when done, so a reload (sc_current_swap)
 * never frees an engine a message is still using: messages in flight finish
 * on the engine they began with, new ones get the new engine. Every function
 * here is thread-safe; none of them may be called from a signal handler.
 */
#ifndef SC_CURRENT_H
#define SC_CURRENT_H

#include "engine.h"

/* sc_current_init - install the first engine; its reference passes in. */
void sc_current_init(sc_engine *eng);

/* sc_current_get - a new reference to the current engine (release it with
 * sc_engine_unref), or NULL after sc_current_shutdown(). */
sc_engine *sc_current_get(void);

/* sc_current_swap - make eng current (its reference passes in) and drop the
 * reference held on the one it replaces. */
void sc_current_swap(sc_engine *eng);

/* sc_current_shutdown - drop the current engine; sc_current_get() returns
 * NULL from now on. The engine is freed once the last scan releases it. */
void sc_current_shutdown(void);

#endif
