/*
 * test_config.c - scam-milter.conf: defaults, every key, quoting and
 * comments, relative paths, and errors that name file and line.
 *
 * Each case writes a real file (mkstemp in a private mkdtemp directory) so
 * the relative-path rules are tested against an actual config directory.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "msg.h"
#include "diag.h"
#include "log.h"
#include "mem.h"
#include "rules.h"

/* The private directory every case writes its files in. */
typedef struct fixture {
	char dir[64];		/* as created by mkdtemp */
	char real[PATH_MAX];	/* its realpath: what relative paths resolve against */
} fixture;

/* setup - make the private directory */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	(void) snprintf(f->dir, sizeof(f->dir), "/tmp/scam-test-config-XXXXXX");
	if (mkdtemp(f->dir) == NULL || realpath(f->dir, f->real) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* remove_entry - nftw callback: remove one file, link or directory */
static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void) st;
	(void) type;
	(void) ftw;
	return remove(path);
}

/* teardown - remove the directory and whatever a failed case left in it */
static int teardown(void **state)
{
	fixture *f = *state;
	int rc = nftw(f->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);

	free(f);
	return rc;
}

/* write_config - text into a new file in the fixture directory; returns its path (free it) */
static char *write_config(const fixture *f, const char *text, size_t len)
{
	sc_buf path;
	FILE *fp;
	int fd;

	sc_buf_init(&path, PATH_MAX);
	assert_int_equal(sc_buf_printf(&path, "%s/scam-XXXXXX", f->dir), 0);
	fd = mkstemp(path.data);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return sc_buf_steal(&path);
}

/* expand - tmpl with every "@DIR@" replaced by the config directory (free it) */
static char *expand(const fixture *f, const char *tmpl)
{
	const char *p = tmpl, *at;
	sc_buf b;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	while ((at = strstr(p, "@DIR@")) != NULL) {
		assert_int_equal(sc_buf_append(&b, p, (size_t) (at - p)), 0);
		assert_int_equal(sc_buf_puts(&b, f->real), 0);
		p = at + 5;
	}
	assert_int_equal(sc_buf_puts(&b, p), 0);
	return sc_buf_steal(&b);
}

/* print_diags - show what the loader said, to explain a failing case */
static void print_diags(const sc_diags *d)
{
	char line[4608];

	for (size_t i = 0; i < d->n; i++) {
		sc_diags_format(&d->v[i], line, sizeof(line));
		print_message("  diag: %s\n", line);
	}
}

/* test_defaults - the built-in configuration */
static void test_defaults(void **state)
{
	sc_config *c = sc_config_defaults(NULL);

	(void) state;
	assert_null(c->path);
	assert_string_equal(c->socket, "inet:8895@127.0.0.1");
	assert_int_equal(c->socket_mode, 0660);
	assert_null(c->socket_group);
	assert_null(c->user);
	assert_null(c->pid_file);
	assert_non_null(c->rules_dir);
	assert_true(c->rules_dir[0] == '/');
	assert_non_null(strstr(c->rules_dir, "/rules"));
	assert_true(c->tag_threshold == 5.0);
	assert_true(c->quarantine_threshold == 10.0);
	assert_true(c->reject_threshold == 15.0);
	assert_int_equal(c->max_message_size, 4 * 1024 * 1024);
	assert_int_equal(c->on_error, SC_ON_ERROR_TEMPFAIL);
	assert_int_equal(c->log_level, SC_LOG_INFO);
	assert_int_equal(c->regex_match_limit, SC_RULES_DEFAULT_MATCH_LIMIT);
	assert_int_equal(c->regex_depth_limit, SC_RULES_DEFAULT_DEPTH_LIMIT);
	assert_int_equal(c->rules_time_budget_ms, SC_RULES_DEFAULT_TIME_BUDGET_MS);
	assert_int_equal(c->mime_max_depth, SC_MSG_DEFAULT_MAX_DEPTH);
	assert_int_equal(c->mime_max_parts, SC_MSG_DEFAULT_MAX_PARTS);
	assert_int_equal(c->mime_max_decoded_size, SC_MSG_DEFAULT_MAX_DECODED);
	assert_string_equal(c->dns_resolver, "system");
	assert_null(c->dns_local_data);
	assert_int_equal(c->dns_timeout_ms, 5000);
	assert_int_equal(c->dns_message_timeout_ms, 20000);
	assert_int_equal(c->spf, 1);
	assert_int_equal(c->dkim, 1);
	assert_int_equal(c->dmarc, 1);
	assert_int_equal(c->dkim_max_signatures, SC_CONFIG_DEFAULT_DKIM_MAX_SIGNATURES);
	assert_int_equal(c->auth_skip_sasl, 1);
	assert_int_equal(c->ntrusted_networks, 0);
	assert_non_null(c->authserv_id); /* the host name */
	assert_true(c->authserv_id[0] != '\0');
	assert_string_equal(sc_on_error_name(SC_ON_ERROR_TEMPFAIL), "tempfail");
	assert_string_equal(sc_on_error_name(SC_ON_ERROR_ACCEPT), "accept");
	sc_config_free(c);
	sc_config_free(NULL);
}

/* test_empty_file_is_defaults - a file of comments and blanks changes nothing */
static void test_empty_file_is_defaults(void **state)
{
	static const char text[] = "# only comments\n\n   \t\n   # indented comment\n";
	fixture *f = *state;
	char *path = write_config(f, text, sizeof(text) - 1);
	sc_config *c, *def = sc_config_defaults(NULL);
	char *want_path;
	sc_diags d;

	sc_diags_init(&d);
	c = sc_config_load(path, &d);
	print_diags(&d);
	assert_non_null(c);
	assert_int_equal(d.n, 0);
	want_path = expand(f, "@DIR@");
	assert_int_equal(strncmp(c->path, want_path, strlen(want_path)), 0);
	assert_string_equal(strrchr(c->path, '/'), strrchr(path, '/'));
	assert_string_equal(c->socket, def->socket);
	assert_string_equal(c->rules_dir, def->rules_dir);
	assert_int_equal(c->socket_mode, def->socket_mode);
	assert_int_equal(c->max_message_size, def->max_message_size);
	assert_true(c->tag_threshold == def->tag_threshold);
	free(want_path);
	sc_config_free(c);
	sc_config_free(def);
	sc_diags_free(&d);
	assert_int_equal(unlink(path), 0);
	free(path);
}

/* Which field a value case checks. */
typedef enum field {
	F_SOCKET,
	F_SOCKET_MODE,
	F_SOCKET_GROUP,
	F_USER,
	F_PID_FILE,
	F_RULES_DIR,
	F_TAG,
	F_QUARANTINE,
	F_REJECT,
	F_MAX_SIZE,
	F_ON_ERROR,
	F_LOG_LEVEL,
	F_MATCH_LIMIT,
	F_DEPTH_LIMIT,
	F_TIME_BUDGET,
	F_POLICY_FILE,
	F_SUBJECT_PREFIX,
	F_REJECT_SHOW_RULES,
	F_QUARANTINE_DIR,
	F_QUARANTINE_MODE,
	F_RELEASE_SMTP,
	F_MIME_DEPTH,
	F_MIME_PARTS,
	F_MIME_DECODED,
	F_DNS_RESOLVER,
	F_DNS_LOCAL_DATA,
	F_DNS_TIMEOUT,
	F_DNS_MESSAGE_TIMEOUT,
	F_SPF,
	F_AUTHSERV_ID,
	F_DKIM,
	F_DNS_TRUST_ANCHOR,
	F_DMARC,
	F_DKIM_MAX_SIGNATURES,
	F_AUTH_SKIP_SASL,
	F_TRUSTED_NETWORKS, /* num: how many; str: the last one's text */
	F_PROTECTED_DOMAINS,
	F_EXECUTIVES
} field;

/* A file that loads, and the value one field must then have. */
typedef struct value_case {
	const char *text;
	field field;
	const char *str;	/* string fields: expected (with @DIR@), NULL for unset */
	double num;		/* numeric fields */
} value_case;

static const value_case value_cases[] = {
	/* socket: TCP kept as written, unix paths made absolute */
	{ "socket = inet:8895@127.0.0.1\n", F_SOCKET, "inet:8895@127.0.0.1", 0 },
	{ "socket = inet6:8895@::1\n", F_SOCKET, "inet6:8895@::1", 0 },
	{ "socket = unix:/run/scam/milter.sock\n", F_SOCKET, "unix:/run/scam/milter.sock", 0 },
	{ "socket = unix:milter.sock\n", F_SOCKET, "unix:@DIR@/milter.sock", 0 },
	{ "socket = local:run/m.sock\n", F_SOCKET, "unix:@DIR@/run/m.sock", 0 },
	{ "socket = local:/var/m.sock\n", F_SOCKET, "unix:/var/m.sock", 0 },
	{ "socket = \"unix:/run/a b#c.sock\"\n", F_SOCKET, "unix:/run/a b#c.sock", 0 },
	/* socket_mode: octal */
	{ "socket_mode = 0600\n", F_SOCKET_MODE, NULL, 0600 },
	{ "socket_mode = 660\n", F_SOCKET_MODE, NULL, 0660 },
	{ "socket_mode = 0\n", F_SOCKET_MODE, NULL, 0 },
	{ "socket_mode = 07777\n", F_SOCKET_MODE, NULL, 07777 },
	/* plain strings; empty (quoted or not) unsets */
	{ "socket_group = postfix\n", F_SOCKET_GROUP, "postfix", 0 },
	{ "socket_group =\n", F_SOCKET_GROUP, NULL, 0 },
	{ "socket_group = \"\"\n", F_SOCKET_GROUP, NULL, 0 },
	{ "user = scam:mail\n", F_USER, "scam:mail", 0 },
	{ "user = \"  spaced  \"\n", F_USER, "  spaced  ", 0 },
	{ "user = bob#comment\n", F_USER, "bob", 0 },
	{ "user = bob # comment\n", F_USER, "bob", 0 },
	{ "user = \"a#b\"   # a real comment \"with quotes\"\n", F_USER, "a#b", 0 },
	{ "user = \"a#b\"#tight comment\n", F_USER, "a#b", 0 },
	{ "user = a b c\n", F_USER, "a b c", 0 },
	/* paths */
	{ "pid_file = /run/scam-milter.pid\n", F_PID_FILE, "/run/scam-milter.pid", 0 },
	{ "pid_file = scam.pid\n", F_PID_FILE, "@DIR@/scam.pid", 0 },
	{ "pid_file =\n", F_PID_FILE, NULL, 0 },
	{ "rules_dir = /usr/share/scam/rules\n", F_RULES_DIR, "/usr/share/scam/rules", 0 },
	{ "rules_dir = rules\n", F_RULES_DIR, "@DIR@/rules", 0 },
	{ "rules_dir = ../scam-test-no-such-dir/rules\n", F_RULES_DIR,
	  "@DIR@/../scam-test-no-such-dir/rules", 0 },
	{ "rules_dir = \"my rules #1\" # quoted\n", F_RULES_DIR, "@DIR@/my rules #1", 0 },
	/* thresholds */
	{ "tag_threshold = 3.5\n", F_TAG, NULL, 3.5 },
	{ "tag_threshold = -2\n", F_TAG, NULL, -2.0 },
	{ "tag_threshold = 1e1\n", F_TAG, NULL, 10.0 },
	{ "tag_threshold = 4 # lower than usual\n", F_TAG, NULL, 4.0 },
	{ "quarantine_threshold = 12.25\n", F_QUARANTINE, NULL, 12.25 },
	{ "quarantine_threshold = 5\n", F_QUARANTINE, NULL, 5.0 },
	{ "reject_threshold = 99\n", F_REJECT, NULL, 99.0 },
	{ "tag_threshold = 15\nquarantine_threshold = 15\n", F_QUARANTINE, NULL, 15.0 },
	/* sizes */
	{ "max_message_size = 1024\n", F_MAX_SIZE, NULL, 1024 },
	{ "max_message_size = 1K\n", F_MAX_SIZE, NULL, 1024 },
	{ "max_message_size = 64k\n", F_MAX_SIZE, NULL, 65536 },
	{ "max_message_size = 4M\n", F_MAX_SIZE, NULL, 4194304 },
	{ "max_message_size = 10m\n", F_MAX_SIZE, NULL, 10485760 },
	{ "max_message_size = 1G\n", F_MAX_SIZE, NULL, 1073741824.0 },
	{ "max_message_size = \"2M\"\n", F_MAX_SIZE, NULL, 2097152 },
	/* enumerations */
	{ "on_error = accept\n", F_ON_ERROR, NULL, SC_ON_ERROR_ACCEPT },
	{ "on_error = tempfail\n", F_ON_ERROR, NULL, SC_ON_ERROR_TEMPFAIL },
	{ "on_error = accept\r\n", F_ON_ERROR, NULL, SC_ON_ERROR_ACCEPT },
	{ "log_level = err\n", F_LOG_LEVEL, NULL, SC_LOG_ERR },
	{ "log_level = warning\n", F_LOG_LEVEL, NULL, SC_LOG_WARNING },
	{ "log_level = notice\n", F_LOG_LEVEL, NULL, SC_LOG_NOTICE },
	{ "log_level = info\n", F_LOG_LEVEL, NULL, SC_LOG_INFO },
	{ "log_level = debug\n", F_LOG_LEVEL, NULL, SC_LOG_DEBUG },
	{ "  log_level\t=\tdebug  \n", F_LOG_LEVEL, NULL, SC_LOG_DEBUG },
	{ "log_level=debug", F_LOG_LEVEL, NULL, SC_LOG_DEBUG },
	/* limits */
	{ "regex_match_limit = 5000\n", F_MATCH_LIMIT, NULL, 5000 },
	{ "regex_match_limit = 1\n", F_MATCH_LIMIT, NULL, 1 },
	{ "regex_depth_limit = 123\n", F_DEPTH_LIMIT, NULL, 123 },
	{ "rules_time_budget_ms = 250\n", F_TIME_BUDGET, NULL, 250 },
	{ "policy_file = policy\n", F_POLICY_FILE, "@DIR@/policy", 0 },
	{ "policy_file =\n", F_POLICY_FILE, NULL, 0 },
	{ "subject_prefix = \"[SCAM?] \"\n", F_SUBJECT_PREFIX, "[SCAM?] ", 0 },
	{ "subject_prefix = [SCAM?]\n", F_SUBJECT_PREFIX, "[SCAM?]", 0 },
	{ "reject_show_rules = yes\n", F_REJECT_SHOW_RULES, NULL, 1 },
	{ "reject_show_rules = no\n", F_REJECT_SHOW_RULES, NULL, 0 },
	{ "quarantine_dir = /var/lib/scam/q\n", F_QUARANTINE_DIR, "/var/lib/scam/q", 0 },
	{ "quarantine_dir = q\n", F_QUARANTINE_DIR, "@DIR@/q", 0 },
	{ "quarantine_mode = hold\n", F_QUARANTINE_MODE, NULL, SC_QUARANTINE_HOLD },
	{ "quarantine_dir = q\nquarantine_mode = store\n", F_QUARANTINE_MODE, NULL,
	  SC_QUARANTINE_STORE },
	{ "release_smtp = 127.0.0.1:10026\n", F_RELEASE_SMTP, "127.0.0.1:10026", 0 },
	{ "release_smtp = [::1]:10026\n", F_RELEASE_SMTP, "[::1]:10026", 0 },
	{ "release_smtp = mx.example.com:25\n", F_RELEASE_SMTP, "mx.example.com:25", 0 },
	{ "release_smtp =\n", F_RELEASE_SMTP, NULL, 0 },
	{ "mime_max_depth = 50\n", F_MIME_DEPTH, NULL, 50 },
	{ "mime_max_parts = 2000\n", F_MIME_PARTS, NULL, 2000 },
	{ "mime_max_decoded_size = 32M\n", F_MIME_DECODED, NULL, 33554432 },
	{ "dns_resolver = recursive\n", F_DNS_RESOLVER, "recursive", 0 },
	{ "dns_resolver = forward:192.0.2.53,2001:db8::53@5353\n", F_DNS_RESOLVER,
	  "forward:192.0.2.53,2001:db8::53@5353", 0 },
	{ "dns_local_data = zone.txt\n", F_DNS_LOCAL_DATA, "@DIR@/zone.txt", 0 },
	{ "dns_local_data = /etc/scam/zone\n", F_DNS_LOCAL_DATA, "/etc/scam/zone", 0 },
	{ "dns_timeout = 2\n", F_DNS_TIMEOUT, NULL, 2000 },
	{ "dns_timeout = 0.25\n", F_DNS_TIMEOUT, NULL, 250 },
	{ "dns_message_timeout = 30\n", F_DNS_MESSAGE_TIMEOUT, NULL, 30000 },
	{ "spf = no\n", F_SPF, NULL, 0 },
	{ "spf = yes\n", F_SPF, NULL, 1 },
	{ "authserv_id = mx.example.com\n", F_AUTHSERV_ID, "mx.example.com", 0 },
	{ "dkim = no\n", F_DKIM, NULL, 0 },
	{ "dns_trust_anchor = root.key\n", F_DNS_TRUST_ANCHOR, "@DIR@/root.key", 0 },
	{ "dmarc = no\n", F_DMARC, NULL, 0 },
	{ "dkim_max_signatures = 2\n", F_DKIM_MAX_SIGNATURES, NULL, 2 },
	{ "auth_skip_sasl = no\n", F_AUTH_SKIP_SASL, NULL, 0 },
	{ "trusted_networks = 192.0.2.0/24\n", F_TRUSTED_NETWORKS, "192.0.2.0/24", 1 },
	{ "trusted_networks = 10.0.0.0/8, 2001:db8::/32 198.51.100.7\n", F_TRUSTED_NETWORKS,
	  "198.51.100.7", 3 },
	{ "trusted_networks = ::1\n", F_TRUSTED_NETWORKS, "::1", 1 },
	{ "trusted_networks =\n", F_TRUSTED_NETWORKS, NULL, 0 },
	{ "protected_domains = example.com, xn--bcher-kva.example\n", F_PROTECTED_DOMAINS,
	  "example.com, xn--bcher-kva.example", 0 },
	{ "protected_domains =\n", F_PROTECTED_DOMAINS, NULL, 0 },
	{ "executives = Jane Doe, John Smith\n", F_EXECUTIVES, "Jane Doe, John Smith", 0 },
	/* a whole file around the key */
	{ "# scam-milter.conf\n\nsocket = inet:1@127.0.0.1\n   # note\nuser = x\n\n",
	  F_USER, "x", 0 },
};

/* check_string - a string field against its expected value */
static void check_string(const fixture *f, const char *got, const char *want_tmpl)
{
	char *want;

	if (want_tmpl == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	want = expand(f, want_tmpl);
	assert_string_equal(got, want);
	free(want);
}

/* check_field - the field a case names */
static void check_field(const fixture *f, const sc_config *c, const value_case *vc)
{
	switch (vc->field) {
	case F_SOCKET:
		check_string(f, c->socket, vc->str);
		break;
	case F_SOCKET_MODE:
		assert_int_equal(c->socket_mode, (mode_t) vc->num);
		break;
	case F_SOCKET_GROUP:
		check_string(f, c->socket_group, vc->str);
		break;
	case F_USER:
		check_string(f, c->user, vc->str);
		break;
	case F_PID_FILE:
		check_string(f, c->pid_file, vc->str);
		break;
	case F_RULES_DIR:
		check_string(f, c->rules_dir, vc->str);
		break;
	case F_TAG:
		assert_true(c->tag_threshold == vc->num);
		break;
	case F_QUARANTINE:
		assert_true(c->quarantine_threshold == vc->num);
		break;
	case F_REJECT:
		assert_true(c->reject_threshold == vc->num);
		break;
	case F_MAX_SIZE:
		assert_int_equal(c->max_message_size, (size_t) vc->num);
		break;
	case F_ON_ERROR:
		assert_int_equal(c->on_error, (int) vc->num);
		break;
	case F_LOG_LEVEL:
		assert_int_equal(c->log_level, (int) vc->num);
		break;
	case F_MATCH_LIMIT:
		assert_int_equal(c->regex_match_limit, (unsigned long) vc->num);
		break;
	case F_DEPTH_LIMIT:
		assert_int_equal(c->regex_depth_limit, (unsigned long) vc->num);
		break;
	case F_TIME_BUDGET:
		assert_int_equal(c->rules_time_budget_ms, (unsigned long) vc->num);
		break;
	case F_POLICY_FILE:
		check_string(f, c->policy_file, vc->str);
		break;
	case F_SUBJECT_PREFIX:
		check_string(f, c->subject_prefix, vc->str);
		break;
	case F_REJECT_SHOW_RULES:
		assert_int_equal(c->reject_show_rules, (int) vc->num);
		break;
	case F_QUARANTINE_DIR:
		check_string(f, c->quarantine_dir, vc->str);
		break;
	case F_QUARANTINE_MODE:
		assert_int_equal(c->quarantine_mode, (int) vc->num);
		break;
	case F_RELEASE_SMTP:
		check_string(f, c->release_smtp, vc->str);
		break;
	case F_MIME_DEPTH:
		assert_int_equal(c->mime_max_depth, (unsigned long) vc->num);
		break;
	case F_MIME_PARTS:
		assert_int_equal(c->mime_max_parts, (unsigned long) vc->num);
		break;
	case F_MIME_DECODED:
		assert_int_equal(c->mime_max_decoded_size, (size_t) vc->num);
		break;
	case F_DNS_RESOLVER:
		check_string(f, c->dns_resolver, vc->str);
		break;
	case F_DNS_LOCAL_DATA:
		check_string(f, c->dns_local_data, vc->str);
		break;
	case F_DNS_TIMEOUT:
		assert_int_equal(c->dns_timeout_ms, (unsigned) vc->num);
		break;
	case F_DNS_MESSAGE_TIMEOUT:
		assert_int_equal(c->dns_message_timeout_ms, (unsigned) vc->num);
		break;
	case F_SPF:
		assert_int_equal(c->spf, (int) vc->num);
		break;
	case F_AUTHSERV_ID:
		check_string(f, c->authserv_id, vc->str);
		break;
	case F_DKIM:
		assert_int_equal(c->dkim, (int) vc->num);
		break;
	case F_DNS_TRUST_ANCHOR:
		check_string(f, c->dns_trust_anchor, vc->str);
		break;
	case F_DMARC:
		assert_int_equal(c->dmarc, (int) vc->num);
		break;
	case F_DKIM_MAX_SIGNATURES:
		assert_int_equal(c->dkim_max_signatures, (unsigned long) vc->num);
		break;
	case F_AUTH_SKIP_SASL:
		assert_int_equal(c->auth_skip_sasl, (int) vc->num);
		break;
	case F_TRUSTED_NETWORKS:
		assert_int_equal(c->ntrusted_networks, (size_t) vc->num);
		if (vc->str != NULL)
			assert_string_equal(c->trusted_networks[c->ntrusted_networks - 1].text,
					    vc->str);
		break;
	case F_PROTECTED_DOMAINS:
		check_string(f, c->protected_domains, vc->str);
		break;
	case F_EXECUTIVES:
		check_string(f, c->executives, vc->str);
		break;
	default:
		fail_msg("unknown field %d", (int) vc->field);
	}
}

/* test_values_table - every key and value form that must load */
static void test_values_table(void **state)
{
	fixture *f = *state;

	for (size_t i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		const value_case *vc = &value_cases[i];
		char *path = write_config(f, vc->text, strlen(vc->text));
		sc_config *c;
		sc_diags d;

		print_message("value case %zu: %s", i, vc->text);
		sc_diags_init(&d);
		c = sc_config_load(path, &d);
		if (d.n != 0)
			print_diags(&d);
		assert_non_null(c);
		assert_int_equal(d.errors, 0);
		assert_int_equal(d.n, 0);
		check_field(f, c, vc);
		sc_config_free(c);
		sc_diags_free(&d);
		assert_int_equal(unlink(path), 0);
		free(path);
	}
}

/* A file that must be refused, and the one error it must produce. */
typedef struct error_case {
	const char *text;
	unsigned line;		/* 0: the file as a whole */
	const char *message;	/* a substring of the error message */
} error_case;

static const error_case error_cases[] = {
	{ "bogus = 1\n", 1, "unknown key \"bogus\"" },
	{ "reject_show_rules = true\n", 1, "reject_show_rules: \"true\" is neither yes nor no" },
	{ "quarantine_mode = drop\n", 1, "quarantine_mode: \"drop\" is neither store nor hold" },
	{ "quarantine_mode = store\n", 0, "quarantine_mode = store needs a quarantine_dir" },
	{ "release_smtp = localhost\n", 0, "release_smtp: \"localhost\" is not HOST:PORT" },
	{ "release_smtp = localhost:0\n", 0, "is not HOST:PORT" },
	{ "release_smtp = localhost:70000\n", 0, "is not HOST:PORT" },
	{ "release_smtp = ::1:25\n", 0, "is not HOST:PORT" },
	{ "release_smtp = []:25\n", 0, "is not HOST:PORT" },
	{ "\n# comment\nuser = a\n  foo_bar = 2 # x\n", 4, "unknown key \"foo_bar\"" },
	{ "Socket = inet:1@127.0.0.1\n", 1, "unknown key \"Socket\"" },
	{ "= value\n", 1, "unknown key \"\"" },
	{ "just some words\n", 1, "expected \"key = value\"" },
	{ "user = a\nuser = b\n", 2, "user: already set at line 1" },
	{ "user = a\n\n# c\nsocket_group = x\nuser = a\n", 5, "user: already set at line 1" },
	{ "user = \"abc\n", 1, "user: unbalanced quote" },
	{ "user = \"abc # not closed\n", 1, "unbalanced quote" },
	{ "user = \"abc\" trailing\n", 1, "user" },
	{ "tag_threshold = abc\n", 1, "tag_threshold: \"abc\" is not a number" },
	{ "tag_threshold = 5x\n", 1, "tag_threshold: \"5x\" is not a number" },
	{ "tag_threshold =\n", 1, "tag_threshold: \"\" is not a number" },
	{ "tag_threshold = nan\n", 1, "is not a number" },
	{ "reject_threshold = inf\n", 1, "is not a number" },
	{ "quarantine_threshold = 1e999\n", 1, "is not a number" },
	{ "max_message_size = 4MB\n", 1, "max_message_size: \"4MB\" is not a size" },
	{ "max_message_size = 4 M\n", 1, "is not a size" },
	{ "max_message_size = -1\n", 1, "is not a size" },
	{ "max_message_size = 1T\n", 1, "is not a size" },
	{ "max_message_size = M\n", 1, "is not a size" },
	{ "max_message_size = 99999999999999999999\n", 1, "is not a size" },
	{ "max_message_size = 99999999999G\n", 1, "is not a size" },
	{ "max_message_size =\n", 1, "is not a size" },
	{ "socket_mode = 0999\n", 1, "socket_mode: \"0999\" is not an octal mode" },
	{ "socket_mode = 010000\n", 1, "is not an octal mode" },
	{ "socket_mode = rw-rw----\n", 1, "is not an octal mode" },
	{ "socket_mode = -0600\n", 1, "is not an octal mode" },
	{ "regex_match_limit = 0\n", 1, "regex_match_limit: \"0\" is not an integer from 1 to 4294967295" },
	{ "regex_match_limit = 4294967296\n", 1, "is not an integer from 1 to 4294967295" },
	{ "regex_match_limit = -5\n", 1, "is not an integer from 1 to 4294967295" },
	{ "regex_depth_limit = 1.5\n", 1, "regex_depth_limit: \"1.5\" is not an integer" },
	{ "rules_time_budget_ms = 0\n", 1, "rules_time_budget_ms: \"0\" is not an integer from 1" },
	{ "mime_max_depth = 0\n", 1, "mime_max_depth: \"0\" is not an integer from 1" },
	{ "mime_max_parts = many\n", 1, "mime_max_parts: \"many\" is not an integer" },
	{ "mime_max_decoded_size = 1T\n", 1, "mime_max_decoded_size: \"1T\" is not a size" },
	{ "dns_resolver = 8.8.8.8\n", 1, "dns_resolver: \"8.8.8.8\" is not system, recursive" },
	{ "dns_resolver = forward:ns.example\n", 1, "is not system, recursive or forward" },
	{ "dns_resolver =\n", 1, "is not system, recursive or forward" },
	{ "dns_timeout = 0\n", 1, "dns_timeout: \"0\" is not a number of seconds" },
	{ "dns_timeout = 61\n", 1, "is not a number of seconds from 0.001 to 60" },
	{ "dns_timeout = 5s\n", 1, "is not a number of seconds" },
	{ "dns_message_timeout = 0\n", 1, "dns_message_timeout: \"0\" is not a number of seconds" },
	{ "spf = maybe\n", 1, "spf: \"maybe\" is neither yes nor no" },
	{ "authserv_id =\n", 0, "authserv_id: a name without blanks" },
	{ "trusted_networks = 10.0.0.0/33\n", 1, "trusted_networks: \"10.0.0.0/33\" is not an address or network" },
	{ "trusted_networks = 10.0.0.0/8, mail.example.com\n", 1, "\"mail.example.com\" is not an address" },
	{ "protected_domains = example.com localhost\n", 1, "protected_domains: \"localhost\" is not a domain name" },
	{ "protected_domains = exa_mple.com\n", 1, "\"exa_mple.com\" is not a domain name" },
	{ "dkim = 1\n", 1, "dkim: \"1\" is neither yes nor no" },
	{ "dkim_max_signatures = 0\n", 1, "dkim_max_signatures: \"0\" is not an integer from 1" },
	{ "authserv_id = \"mx example\"\n", 0, "authserv_id: a name without blanks" },
	{ "authserv_id = mx;evil\n", 0, "authserv_id: a name without blanks" },
	{ "regex_depth_limit = 999999999999999999999999\n", 1, "is not an integer from 1 to 4294967295" },
	{ "on_error = reject\n", 1, "on_error: \"reject\" is neither tempfail nor accept" },
	{ "on_error = Accept\n", 1, "neither tempfail nor accept" },
	{ "log_level = loud\n", 1, "log_level: \"loud\" is not err, warning" },
	{ "socket = tcp:25\n", 1, "socket: \"tcp:25\" is not unix:PATH" },
	{ "socket = inet:localhost\n", 1, "is not unix:PATH" },
	{ "socket =\n", 1, "is not unix:PATH" },
	{ "socket = unix:\n", 1, "socket" },
	{ "tag_threshold = 12\n", 0, "thresholds must satisfy" },
	{ "quarantine_threshold = 16\n", 0, "thresholds must satisfy" },
	{ "reject_threshold = 9\n", 0, "thresholds must satisfy" },
	{ "tag_threshold = 10.5\nquarantine_threshold = 10.4\nreject_threshold = 11\n", 0,
	  "tag_threshold (10.5) <= quarantine_threshold (10.4) <= reject_threshold (11.0)" },
	{ "max_message_size = 1023\n", 0, "max_message_size (1023) must be at least 1K" },
	{ "max_message_size = 0\n", 0, "must be at least 1K" },
};

/* find_error - the error entry at line with message containing text, or NULL */
static const sc_diag *find_error(const sc_diags *d, const char *file, unsigned line,
				 const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == SC_DIAG_ERROR && d->v[i].line == line &&
		    strcmp(d->v[i].file, file) == 0 && strstr(d->v[i].message, text) != NULL)
			return &d->v[i];
	return NULL;
}

/* test_errors_table - each bad file is refused with one error at its line */
static void test_errors_table(void **state)
{
	fixture *f = *state;

	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const error_case *ec = &error_cases[i];
		char *path = write_config(f, ec->text, strlen(ec->text));
		sc_config *c;
		sc_diags d;

		print_message("error case %zu: %s", i, ec->text);
		sc_diags_init(&d);
		c = sc_config_load(path, &d);
		if (d.n != 1 || find_error(&d, path, ec->line, ec->message) == NULL)
			print_diags(&d);
		assert_null(c);
		assert_int_equal(d.errors, 1);
		assert_int_equal(d.n, 1);
		assert_non_null(find_error(&d, path, ec->line, ec->message));
		sc_diags_free(&d);
		assert_int_equal(unlink(path), 0);
		free(path);
	}
}

/* test_every_error_reported - one pass reports each bad line, not just the first */
static void test_every_error_reported(void **state)
{
	static const char text[] =
	    "a = 1\n"
	    "user = ok\n"
	    "tag_threshold = x\n"
	    "# fine\n"
	    "user = again\n"
	    "on_error = maybe\n";
	fixture *f = *state;
	char *path = write_config(f, text, sizeof(text) - 1);
	char line[4608];
	sc_config *c;
	sc_diags d;

	sc_diags_init(&d);
	c = sc_config_load(path, &d);
	assert_null(c);
	assert_int_equal(d.errors, 4);
	assert_int_equal(d.n, 4);
	assert_non_null(find_error(&d, path, 1, "unknown key \"a\""));
	assert_non_null(find_error(&d, path, 3, "tag_threshold"));
	assert_non_null(find_error(&d, path, 5, "user: already set at line 2"));
	assert_non_null(find_error(&d, path, 6, "on_error"));
	/* The formatted entry is what the daemon logs and lint prints. */
	sc_diags_format(&d.v[0], line, sizeof(line));
	{
		sc_buf want;

		sc_buf_init(&want, SC_BUF_UNLIMITED);
		assert_int_equal(sc_buf_printf(&want, "%s:1: error: unknown key \"a\"", path), 0);
		assert_string_equal(line, want.data);
		sc_buf_free(&want);
	}
	sc_diags_free(&d);
	assert_int_equal(unlink(path), 0);
	free(path);
}

/* test_errors_append - a loader adds to the caller's list and fails on its own errors only */
static void test_errors_append(void **state)
{
	static const char good[] = "user = x\n";
	fixture *f = *state;
	char *path = write_config(f, good, sizeof(good) - 1);
	sc_config *c;
	sc_diags d;

	sc_diags_init(&d);
	sc_diags_add(&d, SC_DIAG_ERROR, "earlier", 3, "an earlier, unrelated error");
	c = sc_config_load(path, &d);
	assert_non_null(c);	/* errors from before the call are not this file's */
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.n, 1);
	sc_config_free(c);
	sc_diags_free(&d);
	assert_int_equal(unlink(path), 0);
	free(path);
}

/* test_missing_file - NULL with an error naming the file */
static void test_missing_file(void **state)
{
	fixture *f = *state;
	sc_config *c;
	sc_buf path;
	sc_diags d;

	sc_buf_init(&path, PATH_MAX);
	assert_int_equal(sc_buf_printf(&path, "%s/does-not-exist.conf", f->dir), 0);
	sc_diags_init(&d);
	c = sc_config_load(path.data, &d);
	assert_null(c);
	assert_int_equal(d.errors, 1);
	assert_non_null(find_error(&d, path.data, 0, "cannot open: No such file or directory"));
	sc_diags_free(&d);
	sc_buf_free(&path);
}

/* test_directory_is_not_a_file - a directory given as the config is refused */
static void test_directory_is_not_a_file(void **state)
{
	fixture *f = *state;
	sc_config *c;
	sc_diags d;

	sc_diags_init(&d);
	c = sc_config_load(f->dir, &d);
	print_diags(&d);
	assert_null(c);
	assert_true(d.errors >= 1);
	assert_string_equal(d.v[0].file, f->dir);
	sc_diags_free(&d);
}

/* test_long_line - a line past 4096 bytes is an error; the next line is still read */
static void test_long_line(void **state)
{
	fixture *f = *state;
	char *path;
	sc_config *c;
	sc_diags d;
	sc_buf text;

	sc_buf_init(&text, SC_BUF_UNLIMITED);
	assert_int_equal(sc_buf_puts(&text, "user = a\nsocket_group = "), 0);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(sc_buf_putc(&text, 'g'), 0);
	assert_int_equal(sc_buf_puts(&text, "\nbogus = 1\n"), 0);
	path = write_config(f, text.data, text.len);
	sc_diags_init(&d);
	c = sc_config_load(path, &d);
	print_diags(&d);
	assert_null(c);
	assert_int_equal(d.errors, 2);
	assert_non_null(find_error(&d, path, 2, "line longer than 4096 bytes"));
	assert_non_null(find_error(&d, path, 3, "unknown key \"bogus\""));
	sc_diags_free(&d);
	sc_buf_free(&text);
	assert_int_equal(unlink(path), 0);
	free(path);
}

/* test_all_keys_together - a complete file, every key set at once */
static void test_all_keys_together(void **state)
{
	static const char text[] =
	    "socket = unix:run/scam.sock   # next to the config\r\n"
	    "socket_mode = 0640\n"
	    "socket_group = postfix\n"
	    "user = scam:scam\n"
	    "pid_file = run/scam.pid\n"
	    "rules_dir = \"rules.d\"\n"
	    "tag_threshold = 4.5\n"
	    "quarantine_threshold = 8\n"
	    "reject_threshold = 12.5\n"
	    "max_message_size = 512K\n"
	    "on_error = accept\n"
	    "log_level = notice\n"
	    "regex_match_limit = 20000\n"
	    "regex_depth_limit = 500\n";
	fixture *f = *state;
	char *path = write_config(f, text, sizeof(text) - 1);
	sc_config *c;
	sc_diags d;

	sc_diags_init(&d);
	c = sc_config_load(path, &d);
	print_diags(&d);
	assert_non_null(c);
	assert_int_equal(d.n, 0);
	check_string(f, c->socket, "unix:@DIR@/run/scam.sock");
	assert_int_equal(c->socket_mode, 0640);
	assert_string_equal(c->socket_group, "postfix");
	assert_string_equal(c->user, "scam:scam");
	check_string(f, c->pid_file, "@DIR@/run/scam.pid");
	check_string(f, c->rules_dir, "@DIR@/rules.d");
	assert_true(c->tag_threshold == 4.5);
	assert_true(c->quarantine_threshold == 8.0);
	assert_true(c->reject_threshold == 12.5);
	assert_int_equal(c->max_message_size, 512 * 1024);
	assert_int_equal(c->on_error, SC_ON_ERROR_ACCEPT);
	assert_int_equal(c->log_level, SC_LOG_NOTICE);
	assert_int_equal(c->regex_match_limit, 20000);
	assert_int_equal(c->regex_depth_limit, 500);
	sc_config_free(c);
	sc_diags_free(&d);
	assert_int_equal(unlink(path), 0);
	free(path);
}

/* test_relative_config_path - a config named relative to the cwd still
 * resolves its paths against its own directory, and path is absolute */
static void test_relative_config_path(void **state)
{
	static const char text[] = "rules_dir = rules\n";
	fixture *f = *state;
	char *path = write_config(f, text, sizeof(text) - 1);
	char cwd[PATH_MAX];
	sc_config *c;
	sc_diags d;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	sc_diags_init(&d);
	c = sc_config_load(strrchr(path, '/') + 1, &d);
	assert_int_equal(chdir(cwd), 0);
	print_diags(&d);
	assert_non_null(c);
	check_string(f, c->rules_dir, "@DIR@/rules");
	assert_true(c->path[0] == '/');
	{
		char *want = expand(f, "@DIR@");
		sc_buf b;

		sc_buf_init(&b, SC_BUF_UNLIMITED);
		assert_int_equal(sc_buf_printf(&b, "%s%s", want, strrchr(path, '/')), 0);
		assert_string_equal(c->path, b.data);
		sc_buf_free(&b);
		free(want);
	}
	sc_config_free(c);
	sc_diags_free(&d);
	assert_int_equal(unlink(path), 0);
	free(path);
}

/* test_existing_paths_canonical - a path that exists is resolved, ".." and
 * symlinks included; one that does not is joined as written */
static void test_existing_paths_canonical(void **state)
{
	static const char text[] =
	    "rules_dir = sub/../rules.d/\n"
	    "pid_file = sub/../run/scam.pid\n";
	fixture *f = *state;
	char *path = write_config(f, text, sizeof(text) - 1);
	sc_buf sub, rules;
	sc_config *c;
	sc_diags d;

	sc_buf_init(&sub, PATH_MAX);
	sc_buf_init(&rules, PATH_MAX);
	assert_int_equal(sc_buf_printf(&sub, "%s/sub", f->dir), 0);
	assert_int_equal(sc_buf_printf(&rules, "%s/rules.d", f->dir), 0);
	assert_int_equal(mkdir(sub.data, 0700), 0);
	assert_int_equal(mkdir(rules.data, 0700), 0);
	sc_diags_init(&d);
	c = sc_config_load(path, &d);
	print_diags(&d);
	assert_non_null(c);
	check_string(f, c->rules_dir, "@DIR@/rules.d");
	check_string(f, c->pid_file, "@DIR@/sub/../run/scam.pid");
	sc_config_free(c);
	sc_diags_free(&d);
	assert_int_equal(rmdir(sub.data), 0);
	assert_int_equal(rmdir(rules.data), 0);
	assert_int_equal(unlink(path), 0);
	free(path);
	sc_buf_free(&sub);
	sc_buf_free(&rules);
}

/* test_rules_dir_never_unset - rules_dir has no "none": an empty value must
 * be refused rather than leave the field NULL (the engine opens it) */
static void test_rules_dir_never_unset(void **state)
{
	static const char *const texts[] = { "rules_dir =", "rules_dir = \"\"" };
	fixture *f = *state;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char *path = write_config(f, texts[i], strlen(texts[i]));
		sc_config *c;
		sc_diags d;

		sc_diags_init(&d);
		c = sc_config_load(path, &d);
		print_diags(&d);
		if (c != NULL && c->rules_dir == NULL)
			fail_msg("%s loaded without error but left rules_dir NULL", texts[i]);
		if (c == NULL)
			assert_non_null(find_error(&d, path, 1, "rules_dir"));
		sc_config_free(c);
		sc_diags_free(&d);
		assert_int_equal(unlink(path), 0);
		free(path);
	}
}

/* test_symlinked_config_path - path names the file that was read: through
 * a symlink, either the link or its target, never a file that does not exist */
static void test_symlinked_config_path(void **state)
{
	static const char text[] = "user = x\n";
	fixture *f = *state;
	char *target = write_config(f, text, sizeof(text) - 1);
	char real_target[PATH_MAX], *got;
	sc_buf sub, link;
	sc_config *c;
	sc_diags d;
	int ok;

	sc_buf_init(&sub, PATH_MAX);
	sc_buf_init(&link, PATH_MAX);
	assert_int_equal(sc_buf_printf(&sub, "%s/etc", f->dir), 0);
	assert_int_equal(mkdir(sub.data, 0700), 0);
	assert_int_equal(sc_buf_printf(&link, "%s/scam-milter.conf", sub.data), 0);
	assert_int_equal(symlink(target, link.data), 0);
	assert_non_null(realpath(target, real_target));

	sc_diags_init(&d);
	c = sc_config_load(link.data, &d);
	print_diags(&d);
	assert_non_null(c);
	got = sc_strdup(c->path);
	sc_config_free(c);
	sc_diags_free(&d);
	assert_int_equal(unlink(link.data), 0);
	assert_int_equal(rmdir(sub.data), 0);
	assert_int_equal(unlink(target), 0);
	free(target);
	ok = strcmp(got, real_target) == 0 || strcmp(got, link.data) == 0;
	if (!ok)
		print_message("config path \"%s\" is neither the link %s nor its target %s\n", got,
			      link.data, real_target);
	free(got);
	sc_buf_free(&sub);
	sc_buf_free(&link);
	assert_true(ok);
}

/* main - run every config test in one private directory */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_file_is_defaults),
		cmocka_unit_test(test_values_table),
		cmocka_unit_test(test_errors_table),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_errors_append),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory_is_not_a_file),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_all_keys_together),
		cmocka_unit_test(test_relative_config_path),
		cmocka_unit_test(test_existing_paths_canonical),
		cmocka_unit_test(test_rules_dir_never_unset),
		cmocka_unit_test(test_symlinked_config_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
