/*
 * fuzz_msg.c - libFuzzer target for the message parser: any bytes through
 * sc_msg_parse_limits and every accessor of the model, so ASan/UBSan see
 * each string the model hands out.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined by `make check`
 * (a few seconds, tests/fuzz/run_fuzz_msg.sh) and `make fuzz` (longer).
 */
#include "autoconfig.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "msg.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink; /* keeps the reads below from being optimised out */

/* touch - read every byte of s */
static void touch(const char *s)
{
	if (s != NULL)
		sink += strlen(s);
}

/* walk_model - read every part of the model */
static void walk_model(const sc_msg *m)
{
	size_t n;
	const char *t;

	for (size_t i = 0; i < sc_msg_header_count(m); i++) {
		touch(sc_msg_header_name(m, i));
		touch(sc_msg_header_value(m, i));
		touch(sc_msg_header_decoded(m, i));
		touch(sc_msg_header_raw(m, i));
	}
	for (size_t i = 0; i < sc_msg_addr_count(m); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(m, i);

		touch(a->name);
		touch(a->addr);
		touch(a->local);
		touch(a->domain);
		touch(a->group);
	}
	for (size_t i = 0; i < sc_msg_part_count(m); i++) {
		const sc_msg_part *p = sc_msg_part_at(m, i);

		touch(p->type);
		touch(p->charset);
		touch(p->filename);
		if (p->text != NULL)
			sink += (unsigned char) p->text[p->text_len];
	}
	for (size_t i = 0; i < sc_msg_attachment_count(m); i++) {
		const sc_msg_attachment *a = sc_msg_attachment_at(m, i);

		touch(a->filename);
		touch(a->sniffed_type);
		for (size_t k = 0; k < a->nexts; k++)
			touch(a->exts[k]);
		for (size_t k = 0; k < a->nentries; k++)
			touch(a->entries[k].name);
	}
	for (size_t i = 0; i < sc_url_set_count(sc_msg_urls(m)); i++)
		touch(sc_url_set_at(sc_msg_urls(m), i)->normalised);
	t = sc_msg_body_text(m, &n);
	sink += (unsigned char) t[n];
	t = sc_msg_rawbody(m, &n);
	sink += (unsigned char) t[n];
	t = sc_msg_body(m, &n);
	sink += (unsigned char) t[n];
}

/* LLVMFuzzerInitialize - GMime's process-wide set-up before the first input,
 * so its one-time allocations are not taken for a leak of one input */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	sc_msg_global_init();
	return 0;
}

/* LLVMFuzzerTestOneInput - parse with small limits (more of them get hit) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sc_msg_limits lim = {8, 64, 256 * 1024, 16};
	sc_msg *m = sc_msg_parse_limits((const char *) data, size, &lim);

	walk_model(m);
	sc_msg_free(m);
	return 0;
}
