/*
 * msg_addr.c - the addresses of From, Sender, Reply-To, To, Cc and
 * Return-Path, parsed by GMime's RFC 5322 address parser (which decodes
 * encoded words in display names, drops comments, and understands quoted
 * names holding an '@' and group syntax).
 *
 * A field that does not parse cleanly is a finding (SC_MSG_BAD_ADDRESS_LIST):
 * GMime's own warning, a non-empty field that yields no address, or a
 * mailbox without a local part or a domain. What did parse is kept.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "msg_int.h"

static const char *const field_names[SC_ADDR_FIELD_COUNT] = {
	"From", "Sender", "Reply-To", "To", "Cc", "Return-Path",
};

/* sc_addr_field_name - the header name of an address field */
const char *sc_addr_field_name(sc_addr_field f)
{
	if ((unsigned) f >= SC_ADDR_FIELD_COUNT)
		sc_panic("address field %d out of range", (int) f);
	return field_names[f];
}

/* add_mailbox - one address (mb NULL: the null sender <>); a missing local part or domain is a
 * finding */
static void add_mailbox(sc_msg *m, sc_addr_field f, size_t hi, InternetAddressMailbox *mb,
			const char *group)
{
	const char *name = mb != NULL ? internet_address_get_name(INTERNET_ADDRESS(mb)) : NULL;
	const char *addr = mb != NULL ? internet_address_mailbox_get_addr(mb) : NULL;
	const char *at;
	sc_msg_addr *a;
	char *dom;

	if (m->naddrs >= SC_MSG_MAX_ADDRS)
		return;
	if (addr == NULL)
		addr = "";
	at = strrchr(addr, '@');
	m->addrs = msg_grow(m->addrs, m->naddrs, sizeof(*m->addrs));
	a = &m->addrs[m->naddrs++];
	a->field = f;
	a->header = hi;
	a->name = msg_pool_str(m, name != NULL ? name : "");
	a->addr = msg_pool_str(m, addr);
	a->local = msg_pool_dup(m, addr, at != NULL ? (size_t) (at - addr) : strlen(addr));
	dom = msg_pool_str(m, at != NULL ? at + 1 : "");
	for (char *p = dom; *p != '\0'; p++)
		*p = (char) tolower((unsigned char) *p);
	a->domain = dom;
	a->group = group != NULL ? msg_pool_str(m, group) : NULL;
	/* "<>" is the null sender of Return-Path; anything else needs both halves. */
	if (addr[0] != '\0' && (at == NULL || at == addr || at[1] == '\0'))
		m->findings |= SC_MSG_BAD_ADDRESS_LIST;
	if (addr[0] == '\0' && f != SC_ADDR_RETURN_PATH)
		m->findings |= SC_MSG_BAD_ADDRESS_LIST;
}

/* add_list - every mailbox of a parsed list, groups opened one level */
static void add_list(sc_msg *m, sc_addr_field f, size_t hi, InternetAddressList *list,
		     const char *group)
{
	int n = internet_address_list_length(list);

	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			add_mailbox(m, f, hi, INTERNET_ADDRESS_MAILBOX(ia), group);
		else if (INTERNET_ADDRESS_IS_GROUP(ia) && group == NULL)
			add_list(m, f, hi,
				 internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)),
				 internet_address_get_name(ia));
	}
}

/* is_blank - only spaces and tabs */
static int is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}

/* msg_addr_collect - parse each address field of the header */
void msg_addr_collect(sc_msg *m, GMimeParserOptions *opts)
{
	for (size_t hi = 0; hi < m->nheaders; hi++) {
		const char *value = m->headers[hi].value;
		InternetAddressList *list;
		int f;

		for (f = 0; f < SC_ADDR_FIELD_COUNT; f++)
			if (strcasecmp(m->headers[hi].name, field_names[f]) == 0)
				break;
		if (f == SC_ADDR_FIELD_COUNT)
			continue;
		if (f == SC_ADDR_RETURN_PATH && strcmp(value, "<>") == 0) {
			add_mailbox(m, SC_ADDR_RETURN_PATH, hi, NULL, NULL);
			continue;
		}
		list = internet_address_list_parse(opts, value);
		if (list == NULL || internet_address_list_length(list) == 0) {
			if (!is_blank(value))
				m->findings |= SC_MSG_BAD_ADDRESS_LIST;
		} else {
			add_list(m, (sc_addr_field) f, hi, list, NULL);
		}
		if (list != NULL)
			g_object_unref(list);
	}
}
