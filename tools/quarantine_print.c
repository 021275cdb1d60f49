/*
 * quarantine_print.c - how scamctl quarantine shows index rows: one text
 * line, every field, or one JSON object per line (see quarantine_cmd.h).
 */
#include "autoconfig.h"

#include <stdio.h>
#include <time.h>

#include "buf.h"
#include "json.h"
#include "quarantine_cmd.h"

/* qprint_when - a time as "2026-11-28T08:00:00Z" into out */
const char *qprint_when(long long t, char *out, size_t size)
{
	time_t tt = (time_t) t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void) snprintf(out, size, "%lld", t);
	return out;
}

/* qprint_json - one row as a JSON object line */
int qprint_json(void *arg, const sc_qentry *e)
{
	char t[32];
	sc_buf out;

	(void) arg;
	sc_buf_init(&out, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&out, "{\"id\":");
	json_cstring(&out, e->id);
	(void) sc_buf_puts(&out, ",\"time\":");
	json_cstring(&out, qprint_when(e->time, t, sizeof(t)));
	(void) sc_buf_puts(&out, ",\"queue_id\":");
	json_cstring(&out, e->queue_id);
	(void) sc_buf_puts(&out, ",\"client\":");
	json_cstring(&out, e->client);
	(void) sc_buf_puts(&out, ",\"sender\":");
	json_cstring(&out, e->sender);
	(void) sc_buf_puts(&out, ",\"rcpts\":");
	json_cstring(&out, e->rcpts);
	(void) sc_buf_puts(&out, ",\"from\":");
	json_cstring(&out, e->from);
	(void) sc_buf_puts(&out, ",\"subject\":");
	json_cstring(&out, e->subject);
	(void) sc_buf_puts(&out, ",\"score\":");
	json_number(&out, e->score);
	(void) sc_buf_puts(&out, ",\"hits\":");
	json_cstring(&out, e->hits);
	(void) sc_buf_puts(&out, ",\"mode\":");
	json_cstring(&out, e->mode);
	(void) sc_buf_puts(&out, ",\"state\":");
	json_cstring(&out, e->state);
	(void) sc_buf_puts(&out, ",\"actor\":");
	json_cstring(&out, e->actor);
	(void) sc_buf_puts(&out, ",\"acted_at\":");
	if (e->acted_at > 0)
		json_cstring(&out, qprint_when(e->acted_at, t, sizeof(t)));
	else
		(void) sc_buf_puts(&out, "null");
	(void) sc_buf_puts(&out, "}\n");
	(void) fputs(sc_buf_cstr(&out), stdout);
	sc_buf_free(&out);
	return 0;
}

/* clean - s with control characters shown as '?', for terminal output */
static const char *clean(const char *s, sc_buf *b)
{
	sc_buf_reset(b);
	for (; s != NULL && *s != '\0'; s++)
		(void) sc_buf_putc(b, (unsigned char) *s < 0x20 || *s == 0x7f ? '?' : *s);
	return sc_buf_cstr(b);
}

/* qprint_line - one row as a text line */
int qprint_line(void *arg, const sc_qentry *e)
{
	char t[32];
	sc_buf a, b, c;

	(void) arg;
	sc_buf_init(&a, SC_BUF_UNLIMITED);
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	sc_buf_init(&c, SC_BUF_UNLIMITED);
	(void) printf("%s %s %-11s %5.1f from=<%s> to=%s subject=%s\n", e->id,
		      qprint_when(e->time, t, sizeof(t)), e->state != NULL ? e->state : "?",
		      e->score, clean(e->sender, &a), clean(e->rcpts, &b), clean(e->subject, &c));
	sc_buf_free(&a);
	sc_buf_free(&b);
	sc_buf_free(&c);
	return 0;
}

/* qprint_full - every field of a row, for show */
int qprint_full(void *arg, const sc_qentry *e)
{
	char t[32];
	sc_buf b;

	(void) arg;
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	(void) printf("id:       %s\ntime:     %s\n", e->id, qprint_when(e->time, t, sizeof(t)));
	(void) printf("queue_id: %s\n", clean(e->queue_id, &b));
	(void) printf("client:   %s\n", clean(e->client, &b));
	(void) printf("sender:   <%s>\n", clean(e->sender, &b));
	(void) printf("rcpts:    %s\n", clean(e->rcpts, &b));
	(void) printf("from:     %s\n", clean(e->from, &b));
	(void) printf("subject:  %s\n", clean(e->subject, &b));
	(void) printf("score:    %.1f\nhits:     %s\n", e->score, clean(e->hits, &b));
	(void) printf("mode:     %s\n", clean(e->mode, &b));
	(void) printf("state:    %s\n", clean(e->state, &b));
	if (e->acted_at > 0)
		(void) printf("by:       %s at %s\n", clean(e->actor, &b),
			      qprint_when(e->acted_at, t, sizeof(t)));
	sc_buf_free(&b);
	return 0;
}
