/*
 * fake_dns.h - misbehaving DNS servers on loopback for the unit tests of
 * lib/dns and the checks built on it: a socket on a free port, a server
 * that answers SERVFAIL to everything, and a resolver forwarding to a port.
 * Test code only; each server runs in the caller's thread until the socket
 * is shut down (shutdown(fd, SHUT_RDWR)).
 */
#ifndef SC_TEST_FAKE_DNS_H
#define SC_TEST_FAKE_DNS_H

#include "dns.h"

/* fake_dns_socket - a UDP socket bound to 127.0.0.1 on a free port (*port);
 * a server that never answers is just this socket. */
int fake_dns_socket(unsigned *port);

/* fake_dns_servfail - pthread start routine: answer every query arriving
 * on *(int *) arg with SERVFAIL until the socket is shut down. */
void *fake_dns_servfail(void *arg);

/* fake_dns_forwarder - a resolver forwarding to 127.0.0.1@port (the caller
 * frees it). */
sc_dns *fake_dns_forwarder(unsigned port, unsigned timeout_ms);

#endif
