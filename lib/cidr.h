/*
 * cidr.h - IPv4 and IPv6 networks written as "192.0.2.0/24",
 * "2001:db8::/32" or a bare address, and the test of an address against
 * one. Used by the policy's block_client and the config's
 * trusted_networks.
 *
 * Plain values: no allocation, nothing shared; thread-safe.
 */
#ifndef SC_CIDR_H
#define SC_CIDR_H

typedef struct sc_cidr {
	char text[64]; /* as written */
	int family;    /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix; /* leading bits that must match */
} sc_cidr;

/* sc_cidr_parse - parse s into out; 0, or -1 when s is not a network
 * (bad address, prefix longer than the address, text over 63 bytes). */
int sc_cidr_parse(const char *s, sc_cidr *out);

/* sc_cidr_match - 1 when the textual address ip (of c's family; an
 * IPv4-mapped IPv6 address "::ffff:192.0.2.1" counts as IPv4) lies in c,
 * else 0 (also for text that is no address). */
int sc_cidr_match(const sc_cidr *c, const char *ip);

#endif
