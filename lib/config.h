/*
 * config.h - scam-milter.conf: parsing, defaults and validation.
 *
 * The file is "key = value" lines; '#' starts a comment (outside of a value
 * in double quotes), blank lines are ignored, a value may be quoted to keep
 * leading or trailing spaces or a '#'. Every problem (unknown key, bad
 * value, repeated key) is an error entry "file:line: ..." in the caller's
 * sc_diags. Relative paths in values are made absolute against the
 * directory of the config file. Every key, with its default, is documented
 * in scam-milter.conf(5); the defaults live in sc_config_defaults().
 *
 * An sc_config is immutable after loading and may then be read from any
 * number of threads; it is owned by whoever loaded it (usually an sc_engine).
 */
#ifndef SC_CONFIG_H
#define SC_CONFIG_H

#include <stddef.h>
#include <sys/types.h>

#include "cidr.h"
#include "diag.h"

#define SC_CONFIG_DEFAULT_DKIM_MAX_SIGNATURES 5 /* dkim_max_signatures' default */

typedef enum sc_on_error {
	SC_ON_ERROR_TEMPFAIL, /* answer 4xx: the client keeps the message */
	SC_ON_ERROR_ACCEPT    /* deliver it with X-Scam-Status: error */
} sc_on_error;

typedef enum sc_quarantine_mode {
	SC_QUARANTINE_HOLD, /* smfi_quarantine: the MTA's hold queue (indexed if quarantine_dir) */
	SC_QUARANTINE_STORE /* our own store in quarantine_dir, then discard */
} sc_quarantine_mode;

typedef struct sc_config {
	char *path;         /* the file read, absolute; NULL for built-in defaults */
	char *socket;       /* libmilter socket spec: unix:PATH, inet:PORT@HOST, inet6:... */
	mode_t socket_mode; /* permissions of a unix socket */
	char *socket_group; /* group of a unix socket, or NULL to leave it */
	char *user;         /* USER[:GROUP] to run as after opening the socket, or NULL */
	char *pid_file;     /* written when daemonised, or NULL */
	char *rules_dir;    /* directory of *.cf rule files, absolute */
	double tag_threshold;
	double quarantine_threshold;
	double reject_threshold;
	size_t max_message_size; /* bytes of a message kept and scanned */
	sc_on_error on_error;
	int log_level;                      /* an sc_log_level */
	unsigned long regex_match_limit;    /* PCRE2 match limit per regex run */
	unsigned long regex_depth_limit;    /* PCRE2 depth limit per regex run */
	unsigned long rules_time_budget_ms; /* rules' time per message; 0: no limit */
	char *rules_cache_dir;              /* compiled prefilter databases, or NULL */
	char *lists_dir;                    /* domain lists (lists.h), or NULL: none */
	char *policy_file;                  /* per-recipient overrides and lists, or NULL */
	char *subject_prefix;               /* put before the Subject of tagged mail, or NULL */
	int reject_show_rules;              /* 1: name the rules that hit in a reject reply */
	char *quarantine_dir;               /* the quarantine store and index, or NULL */
	sc_quarantine_mode quarantine_mode;
	char *release_smtp; /* HOST:PORT scamctl releases to over SMTP, or NULL: sendmail */
	unsigned long mime_max_depth;      /* MIME nesting levels parsed (sc_msg_limits) */
	unsigned long mime_max_parts;      /* MIME parts kept */
	size_t mime_max_decoded_size;      /* decoded bytes over all parts; 0: the default */
	char *dns_resolver;                /* system, recursive or forward:IP[,IP]... (dns.h) */
	char *dns_local_data;              /* records answered instead of DNS, or NULL */
	char *dns_trust_anchor;            /* DNSSEC trust anchor file, or NULL: no validation */
	unsigned dns_timeout_ms;           /* one DNS query's limit */
	unsigned dns_message_timeout_ms;   /* all DNS queries of one message */
	int spf;                           /* 1: check SPF when the client address is known */
	char *authserv_id;                 /* our name in Authentication-Results; never NULL */
	int dkim;                          /* 1: verify DKIM signatures */
	int dmarc;                         /* 1: evaluate DMARC (needs spf and dkim) */
	unsigned long dkim_max_signatures; /* DKIM-Signature fields verified per message */
	int auth_skip_sasl;                /* 1: no sender authentication for SASL logins */
	sc_cidr *trusted_networks;         /* owned array: clients whose mail skips sender */
	size_t ntrusted_networks;          /* authentication (e.g. our own submission hosts) */
	char *protected_domains; /* the site's own domains, by commas or blanks, protected
				  * like a brand (checks_brand.c), or NULL */
	char *executives;        /* "Name Surname" list, by commas, for BEC checks, or NULL */
} sc_config;

/* sc_config_defaults - the built-in configuration, relative paths resolved
 * against base_dir (NULL: the compiled-in sysconfdir). Caller owns it. */
sc_config *sc_config_defaults(const char *base_dir);

/* sc_config_load - read path over the defaults. Returns NULL (with at least
 * one error in d) when the file cannot be read or has any error; the caller
 * owns the result otherwise. Warnings may be added either way. */
sc_config *sc_config_load(const char *path, sc_diags *d);

/* sc_config_free - release a config; NULL is a no-op. */
void sc_config_free(sc_config *c);

/* sc_on_error_name - "tempfail" or "accept". */
const char *sc_on_error_name(sc_on_error e);
/* sc_quarantine_mode_name - "hold" or "store". */
const char *sc_quarantine_mode_name(sc_quarantine_mode m);

#endif
