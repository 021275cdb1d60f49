/*
 * config.c - scam-milter.conf parser, defaults and validation (see config.h).
 *
 * The parser is table-driven: each key names its type and where it goes in
 * sc_config, so adding a key is one row plus its documentation in
 * scam-milter.conf(5).
 */
#include "autoconfig.h"

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "dns.h"
#include "log.h"
#include "mem.h"
#include "msg.h"
#include "rules.h"

#ifndef SC_SYSCONFDIR
#define SC_SYSCONFDIR "/usr/local/etc"
#endif
#ifndef SC_PKGDATADIR
#define SC_PKGDATADIR "/usr/local/share/scam-milter"
#endif

#define CONFIG_MAX_LINE 4096 /* bytes in one config line */

typedef enum key_type {
	KEY_STRING, /* any text; empty means "unset" (NULL) */
	KEY_PATH,   /* a path, made absolute against the config's directory */
	KEY_SOCKET, /* a libmilter socket spec; a unix: path made absolute */
	KEY_DOUBLE,
	KEY_SIZE, /* bytes, with optional K/M/G suffix */
	KEY_ULONG,
	KEY_MODE, /* octal file mode */
	KEY_ON_ERROR,
	KEY_LOG_LEVEL,
	KEY_BOOL,            /* yes or no */
	KEY_DNS_RESOLVER,    /* system, recursive or forward:IP[,IP]... */
	KEY_TIMEOUT_MS,      /* seconds (decimals allowed, up to 60) into milliseconds */
	KEY_QUARANTINE_MODE, /* store or hold */
	KEY_NETWORKS,        /* addresses and CIDR networks, by commas or blanks */
	KEY_DOMAINS          /* domain names, by commas or blanks; empty: NULL */
} key_type;

typedef struct key_spec {
	const char *name;
	key_type type;
	size_t offset;
} key_spec;

#define KEY(name, type, field)                                                                     \
	{                                                                                          \
		name, type, offsetof(sc_config, field)                                             \
	}

static const key_spec keys[] = {
	KEY("socket", KEY_SOCKET, socket),
	KEY("socket_mode", KEY_MODE, socket_mode),
	KEY("socket_group", KEY_STRING, socket_group),
	KEY("user", KEY_STRING, user),
	KEY("pid_file", KEY_PATH, pid_file),
	KEY("rules_dir", KEY_PATH, rules_dir),
	KEY("tag_threshold", KEY_DOUBLE, tag_threshold),
	KEY("quarantine_threshold", KEY_DOUBLE, quarantine_threshold),
	KEY("reject_threshold", KEY_DOUBLE, reject_threshold),
	KEY("max_message_size", KEY_SIZE, max_message_size),
	KEY("on_error", KEY_ON_ERROR, on_error),
	KEY("log_level", KEY_LOG_LEVEL, log_level),
	KEY("regex_match_limit", KEY_ULONG, regex_match_limit),
	KEY("regex_depth_limit", KEY_ULONG, regex_depth_limit),
	KEY("rules_time_budget_ms", KEY_ULONG, rules_time_budget_ms),
	KEY("rules_cache_dir", KEY_PATH, rules_cache_dir),
	KEY("lists_dir", KEY_PATH, lists_dir),
	KEY("policy_file", KEY_PATH, policy_file),
	KEY("subject_prefix", KEY_STRING, subject_prefix),
	KEY("reject_show_rules", KEY_BOOL, reject_show_rules),
	KEY("quarantine_dir", KEY_PATH, quarantine_dir),
	KEY("quarantine_mode", KEY_QUARANTINE_MODE, quarantine_mode),
	KEY("release_smtp", KEY_STRING, release_smtp),
	KEY("mime_max_depth", KEY_ULONG, mime_max_depth),
	KEY("mime_max_parts", KEY_ULONG, mime_max_parts),
	KEY("mime_max_decoded_size", KEY_SIZE, mime_max_decoded_size),
	KEY("dns_resolver", KEY_DNS_RESOLVER, dns_resolver),
	KEY("dns_local_data", KEY_PATH, dns_local_data),
	KEY("dns_trust_anchor", KEY_PATH, dns_trust_anchor),
	KEY("dns_timeout", KEY_TIMEOUT_MS, dns_timeout_ms),
	KEY("dns_message_timeout", KEY_TIMEOUT_MS, dns_message_timeout_ms),
	KEY("spf", KEY_BOOL, spf),
	KEY("authserv_id", KEY_STRING, authserv_id),
	KEY("dkim", KEY_BOOL, dkim),
	KEY("dmarc", KEY_BOOL, dmarc),
	KEY("dkim_max_signatures", KEY_ULONG, dkim_max_signatures),
	KEY("auth_skip_sasl", KEY_BOOL, auth_skip_sasl),
	KEY("trusted_networks", KEY_NETWORKS, trusted_networks),
	KEY("protected_domains", KEY_DOMAINS, protected_domains),
	KEY("executives", KEY_STRING, executives),
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* join_path - dir + "/" + rel unless rel is already absolute */
static char *join_path(const char *dir, const char *rel)
{
	sc_buf b;

	if (rel[0] == '/' || dir == NULL)
		return sc_strdup(rel);
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&b, "%s/%s", dir, rel);
	return sc_buf_steal(&b);
}

/* canonical_path - join_path, then resolved (no "..") when the path exists */
static char *canonical_path(const char *dir, const char *rel)
{
	char *joined = join_path(dir, rel), *real = realpath(joined, NULL);

	if (real == NULL)
		return joined;
	free(joined);
	return real;
}

/* default_authserv_id - the host name, or "localhost" when it has none */
static char *default_authserv_id(void)
{
	char name[256];

	if (gethostname(name, sizeof(name)) != 0 || memchr(name, '\0', sizeof(name)) == NULL ||
	    name[0] == '\0')
		return sc_strdup("localhost");
	return sc_strdup(name);
}

/* sc_config_defaults - the built-in configuration */
sc_config *sc_config_defaults(const char *base_dir)
{
	sc_config *c = sc_calloc(1, sizeof(*c));

	(void) base_dir; /* every default path is absolute today */
	c->path = NULL;
	c->socket = sc_strdup("inet:8895@127.0.0.1");
	c->socket_mode = 0660;
	c->socket_group = NULL;
	c->user = NULL;
	c->pid_file = NULL;
	c->rules_dir = sc_strdup(SC_PKGDATADIR "/rules");
	c->tag_threshold = 5.0;
	c->quarantine_threshold = 10.0;
	c->reject_threshold = 15.0;
	c->max_message_size = 4 * 1024 * 1024;
	c->on_error = SC_ON_ERROR_TEMPFAIL;
	c->log_level = SC_LOG_INFO;
	c->regex_match_limit = SC_RULES_DEFAULT_MATCH_LIMIT;
	c->rules_time_budget_ms = SC_RULES_DEFAULT_TIME_BUDGET_MS;
	c->regex_depth_limit = SC_RULES_DEFAULT_DEPTH_LIMIT;
	c->policy_file = NULL;
	c->subject_prefix = NULL;
	c->protected_domains = NULL;
	c->executives = NULL;
	c->reject_show_rules = 0;
	c->quarantine_dir = NULL;
	c->quarantine_mode = SC_QUARANTINE_HOLD;
	c->release_smtp = NULL;
	c->mime_max_depth = SC_MSG_DEFAULT_MAX_DEPTH;
	c->mime_max_parts = SC_MSG_DEFAULT_MAX_PARTS;
	c->mime_max_decoded_size = SC_MSG_DEFAULT_MAX_DECODED;
	c->dns_resolver = sc_strdup("system");
	c->dns_local_data = NULL;
	c->dns_trust_anchor = NULL;
	c->dns_timeout_ms = SC_DNS_DEFAULT_TIMEOUT_MS;
	c->dns_message_timeout_ms = SC_DNS_DEFAULT_MESSAGE_TIMEOUT_MS;
	c->spf = 1;
	c->authserv_id = default_authserv_id();
	c->dkim = 1;
	c->dmarc = 1;
	c->dkim_max_signatures = SC_CONFIG_DEFAULT_DKIM_MAX_SIGNATURES;
	c->auth_skip_sasl = 1;
	c->trusted_networks = NULL;
	c->ntrusted_networks = 0;
	return c;
}

/* sc_config_free - release a config and every string it owns */
void sc_config_free(sc_config *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->socket);
	free(c->socket_group);
	free(c->user);
	free(c->pid_file);
	free(c->rules_dir);
	free(c->rules_cache_dir);
	free(c->lists_dir);
	free(c->policy_file);
	free(c->subject_prefix);
	free(c->protected_domains);
	free(c->executives);
	free(c->quarantine_dir);
	free(c->release_smtp);
	free(c->dns_resolver);
	free(c->dns_local_data);
	free(c->dns_trust_anchor);
	free(c->authserv_id);
	free(c->trusted_networks);
	free(c);
}

/* sc_on_error_name - the config word for an on_error value */
const char *sc_on_error_name(sc_on_error e)
{
	return e == SC_ON_ERROR_ACCEPT ? "accept" : "tempfail";
}

/* sc_quarantine_mode_name - the config word for a quarantine_mode value */
const char *sc_quarantine_mode_name(sc_quarantine_mode m)
{
	return m == SC_QUARANTINE_STORE ? "store" : "hold";
}

/* parse_size - "4M" and friends into bytes; -1 when malformed */
static int parse_size(const char *s, size_t *out)
{
	unsigned long long v, mult = 1;
	char *end;

	if (!isdigit((unsigned char) s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (toupper((unsigned char) *end)) {
	case '\0':
		break;
	case 'K':
		mult = 1024ULL;
		end++;
		break;
	case 'M':
		mult = 1024ULL * 1024;
		end++;
		break;
	case 'G':
		mult = 1024ULL * 1024 * 1024;
		end++;
		break;
	default:
		return -1;
	}
	if (*end != '\0' || v > (unsigned long long) SIZE_MAX / mult || v * mult > SC_BUF_UNLIMITED)
		return -1;
	*out = (size_t) (v * mult);
	return 0;
}

/* parse_double - a finite decimal number; -1 when malformed */
static int parse_double(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* parse_ulong - a decimal integer; -1 when malformed */
static int parse_ulong(const char *s, int base, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char) s[0]))
		return -1;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* set_string - replace an owned string field; "" unsets it */
static void set_string(char **field, const char *value)
{
	free(*field);
	*field = value[0] != '\0' ? sc_strdup(value) : NULL;
}

/* set_networks - trusted_networks: every word a network, or "" for none;
 * on a bad word an error naming it, and the old value is kept */
static int set_networks(sc_config *c, const key_spec *k, const char *value, const char *file,
			unsigned line, sc_diags *d)
{
	char *copy = sc_strdup(value), *save = NULL;
	sc_cidr *v = NULL;
	size_t n = 0;

	for (char *w = strtok_r(copy, ", \t", &save); w != NULL;
	     w = strtok_r(NULL, ", \t", &save)) {
		v = sc_reallocarray(v, n + 1, sizeof(*v));
		if (sc_cidr_parse(w, &v[n]) != 0) {
			sc_diags_add(d, SC_DIAG_ERROR, file, line,
				     "%s: \"%s\" is not an address or network (192.0.2.0/24, "
				     "2001:db8::/32)",
				     k->name, w);
			free(v);
			free(copy);
			return -1;
		}
		n++;
	}
	free(copy);
	free(c->trusted_networks);
	c->trusted_networks = v;
	c->ntrusted_networks = n;
	return 0;
}

/* set_domains - protected_domains: every word a domain name with a dot
 * (letters, digits, "-" and "." as ASCII, or any non-ASCII for an IDN);
 * on a bad word an error naming it, and the old value is kept */
static int set_domains(char **field, const key_spec *k, const char *value, const char *file,
		       unsigned line, sc_diags *d)
{
	for (const char *p = value; *p != '\0';) {
		size_t n = strcspn(p, ", \t");
		int ok = n > 0 && memchr(p, '.', n) != NULL && p[0] != '.' && p[n - 1] != '.';

		for (size_t i = 0; i < n && ok; i++) {
			unsigned char c = (unsigned char) p[i];

			ok = c >= 0x80 || c == '-' || c == '.' || (c >= '0' && c <= '9') ||
			     ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
		}
		if (n > 0 && !ok) {
			sc_diags_add(d, SC_DIAG_ERROR, file, line,
				     "%s: \"%.*s\" is not a domain name (example.com)", k->name,
				     (int) n, p);
			return -1;
		}
		p += n;
		p += strspn(p, ", \t");
	}
	set_string(field, value);
	return 0;
}

/* apply_key - store one value; on a bad value add an error and return -1 */
static int apply_key(sc_config *c, const key_spec *k, const char *value, const char *dir,
		     const char *file, unsigned line, sc_diags *d)
{
	void *field = (char *) c + k->offset;
	unsigned long ul;
	double secs;
	int level;

	switch (k->type) {
	case KEY_STRING:
		set_string(field, value);
		return 0;
	case KEY_PATH:
		if (value[0] == '\0' && k->offset == offsetof(sc_config, rules_dir)) {
			sc_diags_add(d, SC_DIAG_ERROR, file, line,
				     "rules_dir: a directory is required");
			return -1;
		}
		free(*(char **) field);
		*(char **) field = value[0] != '\0' ? canonical_path(dir, value) : NULL;
		return 0;
	case KEY_SOCKET:
		if (strncmp(value, "unix:", 5) == 0 || strncmp(value, "local:", 6) == 0) {
			const char *p = strchr(value, ':') + 1;
			char *abs;
			sc_buf b;

			if (*p == '\0')
				break;
			abs = join_path(dir, p);
			sc_buf_init(&b, SC_BUF_UNLIMITED);
			(void) sc_buf_printf(&b, "unix:%s", abs);
			free(abs);
			free(*(char **) field);
			*(char **) field = sc_buf_steal(&b);
			return 0;
		}
		if ((strncmp(value, "inet:", 5) == 0 || strncmp(value, "inet6:", 6) == 0) &&
		    isdigit((unsigned char) strchr(value, ':')[1])) {
			set_string(field, value);
			return 0;
		}
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "socket: \"%s\" is not unix:PATH, inet:PORT@HOST or inet6:PORT@HOST",
			     value);
		return -1;
	case KEY_DOUBLE:
		if (parse_double(value, field) == 0)
			return 0;
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s: \"%s\" is not a number", k->name,
			     value);
		return -1;
	case KEY_SIZE:
		if (parse_size(value, field) == 0)
			return 0;
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: \"%s\" is not a size (bytes, or a number with K, M or G)",
			     k->name, value);
		return -1;
	case KEY_ULONG:
		/* PCRE2 limits are 32-bit: a larger value must not wrap to 0. */
		if (parse_ulong(value, 10, field) == 0 && *(unsigned long *) field > 0 &&
		    *(unsigned long *) field <= UINT32_MAX)
			return 0;
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: \"%s\" is not an integer from 1 to %lu", k->name, value,
			     (unsigned long) UINT32_MAX);
		return -1;
	case KEY_MODE:
		if (parse_ulong(value, 8, &ul) == 0 && ul <= 07777) {
			*(mode_t *) field = (mode_t) ul;
			return 0;
		}
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s: \"%s\" is not an octal mode",
			     k->name, value);
		return -1;
	case KEY_ON_ERROR:
		if (strcmp(value, "tempfail") == 0) {
			*(sc_on_error *) field = SC_ON_ERROR_TEMPFAIL;
			return 0;
		}
		if (strcmp(value, "accept") == 0) {
			*(sc_on_error *) field = SC_ON_ERROR_ACCEPT;
			return 0;
		}
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "on_error: \"%s\" is neither tempfail nor accept", value);
		return -1;
	case KEY_LOG_LEVEL:
		level = sc_log_level_parse(value);
		if (level >= 0) {
			*(int *) field = level;
			return 0;
		}
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "log_level: \"%s\" is not err, warning, notice, info or debug", value);
		return -1;
	case KEY_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0) {
			*(int *) field = value[0] == 'y';
			return 0;
		}
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s: \"%s\" is neither yes nor no",
			     k->name, value);
		return -1;
	case KEY_DNS_RESOLVER:
		if (sc_dns_resolver_valid(value)) {
			set_string(field, value);
			return 0;
		}
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: \"%s\" is not system, recursive or forward:IP[,IP]...", k->name,
			     value);
		return -1;
	case KEY_TIMEOUT_MS:
		if (parse_double(value, &secs) == 0 && secs >= 0.001 && secs <= 60) {
			*(unsigned *) field = (unsigned) (secs * 1000 + 0.5);
			return 0;
		}
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: \"%s\" is not a number of seconds from 0.001 to 60", k->name,
			     value);
		return -1;
	case KEY_QUARANTINE_MODE:
		if (strcmp(value, "store") == 0 || strcmp(value, "hold") == 0) {
			*(sc_quarantine_mode *) field =
				value[0] == 's' ? SC_QUARANTINE_STORE : SC_QUARANTINE_HOLD;
			return 0;
		}
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "quarantine_mode: \"%s\" is neither store nor hold", value);
		return -1;
	case KEY_NETWORKS:
		return set_networks(c, k, value, file, line, d);
	case KEY_DOMAINS:
		return set_domains(field, k, value, file, line, d);
	default:
		sc_panic("config key %s has unknown type %d", k->name, (int) k->type);
	}
	sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s: \"%s\" is not valid", k->name, value);
	return -1;
}

/* trim - strip white space at both ends, in place */
static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char) *s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char) e[-1]))
		*--e = '\0';
	return s;
}

/* parse_value - unquote or strip a trailing comment; NULL on a bad quote */
static char *parse_value(char *v)
{
	char *end;

	v = trim(v);
	if (*v == '"') {
		end = strchr(v + 1, '"');
		if (end == NULL)
			return NULL;
		*end = '\0';
		if (*trim(end + 1) != '\0' && *trim(end + 1) != '#')
			return NULL;
		return v + 1;
	}
	end = strchr(v, '#');
	if (end != NULL)
		*end = '\0';
	return trim(v);
}

/* parse_line - handle one line; seen[] catches repeated keys */
static void parse_line(sc_config *c, char *line, const char *dir, const char *file, unsigned lineno,
		       unsigned *seen, sc_diags *d)
{
	char *s = trim(line), *eq, *key, *value;
	size_t i;

	if (*s == '\0' || *s == '#')
		return;
	eq = strchr(s, '=');
	if (eq == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, file, lineno, "expected \"key = value\"");
		return;
	}
	*eq = '\0';
	key = trim(s);
	value = parse_value(eq + 1);
	if (value == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, file, lineno, "%s: unbalanced quote in value", key);
		return;
	}
	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, key) == 0)
			break;
	if (i == NKEYS) {
		sc_diags_add(d, SC_DIAG_ERROR, file, lineno, "unknown key \"%s\"", key);
		return;
	}
	if (seen[i] != 0) {
		sc_diags_add(d, SC_DIAG_ERROR, file, lineno, "%s: already set at line %u", key,
			     seen[i]);
		return;
	}
	seen[i] = lineno;
	(void) apply_key(c, &keys[i], value, dir, file, lineno, d);
}

/* valid_hostport - "HOST:PORT" or "[V6]:PORT", PORT 1-65535, no blanks */
static int valid_hostport(const char *s)
{
	const char *colon = strrchr(s, ':');
	unsigned long port;

	if (colon == NULL || colon == s || strpbrk(s, " \t") != NULL ||
	    parse_ulong(colon + 1, 10, &port) != 0 || port == 0 || port > 65535)
		return 0;
	if (s[0] == '[')
		return colon[-1] == ']' && colon - s > 2;
	return memchr(s, ':', (size_t) (colon - s)) == NULL;
}

/* validate - cross-key checks once the whole file is read */
static void validate(const sc_config *c, const char *file, sc_diags *d)
{
	if (!(c->tag_threshold <= c->quarantine_threshold &&
	      c->quarantine_threshold <= c->reject_threshold))
		sc_diags_add(d, SC_DIAG_ERROR, file, 0,
			     "thresholds must satisfy tag_threshold (%.1f) <= "
			     "quarantine_threshold (%.1f) <= reject_threshold (%.1f)",
			     c->tag_threshold, c->quarantine_threshold, c->reject_threshold);
	if (c->max_message_size < 1024)
		sc_diags_add(d, SC_DIAG_ERROR, file, 0,
			     "max_message_size (%zu) must be at least 1K", c->max_message_size);
	if (c->release_smtp != NULL && !valid_hostport(c->release_smtp))
		sc_diags_add(d, SC_DIAG_ERROR, file, 0,
			     "release_smtp: \"%s\" is not HOST:PORT (or [IPV6]:PORT)",
			     c->release_smtp);
	if (c->authserv_id == NULL || c->authserv_id[strcspn(c->authserv_id, " \t;()\"\\")] != '\0')
		sc_diags_add(d, SC_DIAG_ERROR, file, 0,
			     "authserv_id: a name without blanks, ';', '(', ')', '\"' or '\\' "
			     "is required");
	if (c->quarantine_mode == SC_QUARANTINE_STORE && c->quarantine_dir == NULL)
		sc_diags_add(d, SC_DIAG_ERROR, file, 0,
			     "quarantine_mode = store needs a quarantine_dir");
}

/* dir_of - the absolute directory that holds path */
static char *dir_of(const char *path)
{
	char *abs = realpath(path, NULL), *slash;

	if (abs == NULL)
		return NULL;
	slash = strrchr(abs, '/');
	if (slash == abs)
		slash[1] = '\0';
	else
		*slash = '\0';
	return abs;
}

/* sc_config_load - read a config file over the defaults */
sc_config *sc_config_load(const char *path, sc_diags *d)
{
	unsigned seen[NKEYS] = {0};
	size_t errors_before = d->errors;
	char line[CONFIG_MAX_LINE + 2];
	unsigned lineno = 0;
	sc_config *c;
	char *dir;
	FILE *fp;

	fp = fopen(path, "r");
	if (fp == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	dir = dir_of(path);
	c = sc_config_defaults(dir);
	c->path = realpath(path, NULL);
	if (c->path == NULL)
		c->path = sc_strdup(path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t len = strlen(line);

		lineno++;
		if (len > CONFIG_MAX_LINE && line[len - 1] != '\n') {
			sc_diags_add(d, SC_DIAG_ERROR, path, lineno, "line longer than %d bytes",
				     CONFIG_MAX_LINE);
			while (len > 0 && line[len - 1] != '\n' && fgets(line, sizeof(line), fp))
				len = strlen(line);
			continue;
		}
		parse_line(c, line, dir, path, lineno, seen, d);
	}
	if (ferror(fp))
		sc_diags_add(d, SC_DIAG_ERROR, path, 0, "read error: %s", strerror(errno));
	(void) fclose(fp);
	free(dir);
	validate(c, path, d);
	if (d->errors != errors_before) {
		sc_config_free(c);
		return NULL;
	}
	return c;
}
