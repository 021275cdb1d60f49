/*
 * cidr.c - networks and address tests (see cidr.h).
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cidr.h"

/* sc_cidr_parse - "192.0.2.0/24", "2001:db8::/32" or a bare address */
int sc_cidr_parse(const char *s, sc_cidr *out)
{
	char addr[64], *slash, *end;
	unsigned long prefix;
	int n = snprintf(addr, sizeof(addr), "%s", s);

	if (n < 0 || (size_t) n >= sizeof(addr))
		return -1;
	memset(out, 0, sizeof(*out));
	memcpy(out->text, addr, (size_t) n + 1); /* fits: both are 64 bytes */
	slash = strchr(addr, '/');
	if (slash != NULL)
		*slash = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
	} else {
		return -1;
	}
	if (slash == NULL)
		return 0;
	if (!isdigit((unsigned char) slash[1]))
		return -1;
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || prefix > out->prefix)
		return -1;
	out->prefix = (unsigned) prefix;
	return 0;
}

/* sc_cidr_match - does the textual address ip fall in c? */
int sc_cidr_match(const sc_cidr *c, const char *ip)
{
	unsigned char a[16];
	unsigned full = c->prefix / 8, rest = c->prefix % 8;

	if (c->family == AF_INET && strncasecmp(ip, "::ffff:", 7) == 0 && strchr(ip + 7, '.'))
		ip += 7;
	if (inet_pton(c->family, ip, a) != 1)
		return 0;
	if (memcmp(a, c->addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ c->addr[full]) & (0xFF << (8 - rest)) & 0xFF) == 0;
}
