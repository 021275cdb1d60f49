/*
 * fake_dns.c - misbehaving DNS servers on loopback (see fake_dns.h).
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "diag.h"
#include "fake_dns.h"

/* fake_dns_socket - a UDP socket bound to 127.0.0.1 on a free port */
int fake_dns_socket(unsigned *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *) &sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *) &sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* fake_dns_servfail - answer every query with SERVFAIL until shut down */
void *fake_dns_servfail(void *arg)
{
	int fd = *(int *) arg;
	unsigned char pkt[512];
	struct sockaddr_storage from;
	socklen_t flen;
	ssize_t n;

	for (;;) {
		flen = sizeof(from);
		n = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *) &from, &flen);
		if (n < 12)
			return NULL;                                 /* shutdown() or garbage */
		pkt[2] = (unsigned char) (0x80 | (pkt[2] & 0x79)); /* QR; opcode, RD kept */
		pkt[3] = 0x82;                                     /* RA, RCODE=SERVFAIL */
		memset(pkt + 6, 0, 6); /* no answer, authority or additional records */
		(void) sendto(fd, pkt, (size_t) n, 0, (struct sockaddr *) &from, flen);
	}
}

/* fake_dns_forwarder - a resolver forwarding to 127.0.0.1@port */
sc_dns *fake_dns_forwarder(unsigned port, unsigned timeout_ms)
{
	char mode[64];
	sc_diags d;
	sc_dns *dns;

	(void) snprintf(mode, sizeof(mode), "forward:127.0.0.1@%u", port);
	sc_diags_init(&d);
	dns = sc_dns_new(mode, NULL, timeout_ms, &d);
	assert_non_null(dns);
	sc_diags_free(&d);
	return dns;
}
