/*
 * current.c - the current engine behind a mutex (see current.h).
 */
#include "autoconfig.h"

#include <pthread.h>
#include <string.h>

#include "current.h"
#include "mem.h"

/* Guarded by current_lock: the engine new messages are scanned with. */
static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static sc_engine *current_engine;

/* lock - take current_lock; failing to is a broken invariant */
static void lock(void)
{
	int err = pthread_mutex_lock(&current_lock);

	if (err != 0)
		sc_panic("pthread_mutex_lock: %s", strerror(err));
}

/* unlock - release current_lock */
static void unlock(void)
{
	int err = pthread_mutex_unlock(&current_lock);

	if (err != 0)
		sc_panic("pthread_mutex_unlock: %s", strerror(err));
}

/* sc_current_init - install the first engine */
void sc_current_init(sc_engine *eng)
{
	sc_current_swap(eng);
}

/* sc_current_get - a counted reference to the current engine, or NULL */
sc_engine *sc_current_get(void)
{
	sc_engine *eng;

	lock();
	eng = current_engine != NULL ? sc_engine_ref(current_engine) : NULL;
	unlock();
	return eng;
}

/* sc_current_swap - replace the current engine, releasing the old one */
void sc_current_swap(sc_engine *eng)
{
	sc_engine *old;

	lock();
	old = current_engine;
	current_engine = eng;
	unlock();
	/* Outside the lock: the last unref may free a whole ruleset. */
	sc_engine_unref(old);
}

/* sc_current_shutdown - forget the current engine */
void sc_current_shutdown(void)
{
	sc_current_swap(NULL);
}
