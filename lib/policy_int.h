/*
 * policy_int.h - the inside of an sc_policy, shared by policy_file.c (which
 * builds it) and policy_match.c (which reads it). Not a public header.
 * Immutable once sc_policy_load() returns; strings are lower case.
 */
#ifndef SC_POLICY_INT_H
#define SC_POLICY_INT_H

#include <stddef.h>

#include "cidr.h"
#include "policy.h"

typedef struct rcpt_override {
	char *key; /* lower-case address or domain; owned */
	double tag, quarantine, reject;
	unsigned set; /* which of the three are set: bits 1, 2, 4 */
} rcpt_override;

typedef struct str_list {
	char **v; /* owned array of owned strings */
	size_t n;
} str_list;

struct sc_policy {
	rcpt_override *ov; /* owned array of nov */
	size_t nov;
	str_list allow_sender, block_sender, block_url;
	sc_cidr *block_client; /* owned array of nblock_client */
	size_t nblock_client;
};

#endif
