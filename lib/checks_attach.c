/*
 * checks_attach.c - eval: checks on a message's attachments (issue 6,
 * attachments), on the attachment list of the message model (msg.h). Each
 * check looks at every attached file's own name (and, where it says so,
 * its content type sniffed by libmagic) and at every name listed inside a
 * ZIP, RAR or 7z archive attached, since archives are how files get past
 * filters. The value of a hit is the number of files found; the detail names the
 * first.
 *
 *   check_attach_executable()        a Windows program or script: by
 *                                    extension (exe, scr, js, vbs, hta,
 *                                    lnk, ...; not .url, which people
 *                                    send as a bookmark) or, for the
 *                                    file itself, a
 *                                    sniffed PE/MSI/shortcut type. ELF and
 *                                    Mach-O are not counted: mass mail
 *                                    malware targets Windows desktops.
 *   check_attach_double_ext()        a document extension followed by a
 *                                    program, script or HTML one
 *                                    (invoice.pdf.exe, scan.pdf .html,
 *                                    a.pdf....js), or a file name with a
 *                                    bidirectional override (U+202E...)
 *                                    that makes "exe.pdf" read backwards.
 *   check_attach_html()              an HTML, SVG or MHT file attached:
 *                                    by extension, or sniffed as HTML/SVG
 *                                    (an inline text/html body without a
 *                                    file name is no attachment in the
 *                                    model, so newsletters and invites do
 *                                    not count). Exchange's ATT00001.htm
 *                                    disclaimer parts do not count.
 *   check_attach_macro()             a macro-enabled Office file (docm,
 *                                    xlsm, pptm..., or any Office Open XML
 *                                    file holding a vbaProject.bin, as a
 *                                    docm renamed .docx does). Old OLE .doc/.xls are
 *                                    not judged: their macros cannot be
 *                                    seen without parsing the OLE file.
 *   check_attach_disk_image()        a disk image (iso, img, vhd, vhdx,
 *                                    udf, dmg), a container used to carry
 *                                    programs past filters and Windows'
 *                                    mark of the web.
 *   check_attach_encrypted_archive() a ZIP, RAR or 7z archive with an
 *                                    encrypted entry (or encrypted names):
 *                                    a filter cannot look inside.
 *   check_archive_password_in_body() the same, and the text gives the
 *                                    password ("password: X", "pwd = X",
 *                                    "Kennwort: X", "senha: X", ...): the
 *                                    classic malware pairing.
 *
 * Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "eval.h"

#define EXT_MAX   SC_MSG_EXT_MAX_CHARS /* as msg_attach.c */
#define EXTS_KEPT SC_MSG_MAX_EXTS

/* Windows programs and scripts a double click runs. */
static const char *const exec_exts[] = {
	"exe",    "scr",         "com",       "pif",  "cpl",  "msi",        "msp",
	"mst",    "bat",         "cmd",       "js",   "jse",  "vbs",        "vbe",
	"wsf",    "wsh",         "wsc",       "hta",  "ps1",  "psm1",       "psd1",
	"jar",    "lnk",         "reg",       "scf",  "sct",  "msc",        "inf",
	"gadget", "application", "appref-ms", "appx", "msix", "appxbundle", "msixbundle",
	"xll",    "chm",         "hlp",       "iqy",  "slk",  "library-ms", "settingcontent-ms",
	"dll",    "vb",          "vbscript",
};
/* HTML and its relatives: a browser opens them, with script and forms. */
static const char *const html_exts[] = {
	"htm", "html", "shtml", "shtm", "xhtml", "xht", "svg", "svgz", "mht", "mhtml",
};
/* What a document or picture a reader expects to open is called. */
static const char *const doc_exts[] = {
	"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "rtf",  "txt",  "odt", "ods",  "odp",
	"csv", "jpg", "jpeg", "png", "gif",  "bmp", "tif",  "tiff", "heic", "mp3", "mp4",  "wav",
	"avi", "mov", "zip",  "rar", "7z",   "eml", "msg",  "ics",  "vcf",  "xps", "oxps",
};
static const char *const macro_exts[] = {
	"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm", "ppam", "sldm",
};
static const char *const disk_exts[] = {"iso", "img", "vhd", "vhdx", "udf", "dmg"};

/* libmagic's names of Windows programs and shortcuts. */
static const char *const exec_types[] = {
	"application/x-dosexec",    "application/vnd.microsoft.portable-executable",
	"application/x-msdownload", "application/x-ms-shortcut",
	"application/x-msi",        "application/x-ms-installer",
	"application/vnd.ms-msi",
};
static const char *const html_types[] = {"text/html", "image/svg+xml", "application/xhtml+xml"};
static const char *const disk_types[] = {"application/x-iso9660-image", "application/x-cd-image"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* in_list - s is one of the n strings of list */
static int in_list(const char *s, const char *const *list, size_t n)
{
	if (s == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* One file name the checks judge: an attachment's or an archive entry's. */
typedef struct fname {
	const char *name;      /* as stored */
	const char *container; /* the attachment's name for an archive entry, or NULL */
	const char *sniffed;   /* libmagic's type of the attachment itself, or NULL */
	const char *declared;  /* Content-Type of the attachment itself, or NULL */
	const char *exts[EXTS_KEPT];
	size_t nexts;
	char store[EXTS_KEPT][EXT_MAX + 1];
} fname;

/* name_exts - the extension chain of an archive entry's name, as
 * msg_attach.c makes it for attachments (sc_msg_ext_spans, lower-cased) */
static void name_exts(fname *f)
{
	sc_msg_ext_span sp[EXTS_KEPT];

	f->nexts = sc_msg_ext_spans(f->name, EXT_MAX, sp, EXTS_KEPT);
	for (size_t i = 0; i < f->nexts; i++) {
		for (size_t k = 0; k < sp[i].len; k++)
			f->store[i][k] = (char) tolower((unsigned char) sp[i].p[k]);
		f->store[i][sp[i].len] = '\0';
		f->exts[i] = f->store[i];
	}
}

/* fname_get - file name j of attachment a: j 0 is the attachment itself,
 * j > 0 its archive entry j - 1 */
static void fname_get(fname *f, const sc_msg_attachment *a, size_t j)
{
	memset(f, 0, sizeof(*f));
	if (j == 0) {
		f->name = a->filename;
		f->sniffed = a->sniffed_type;
		f->declared = a->declared_type;
		f->nexts = a->nexts < EXTS_KEPT ? a->nexts : EXTS_KEPT;
		for (size_t i = 0; i < f->nexts; i++)
			f->exts[i] = a->exts[a->nexts - f->nexts + i];
		return;
	}
	f->name = a->entries[j - 1].name;
	f->container = a->filename;
	name_exts(f);
}

/* last_ext - the last extension of f, or NULL */
static const char *last_ext(const fname *f)
{
	return f->nexts > 0 ? f->exts[f->nexts - 1] : NULL;
}

typedef int (*fname_pred)(const fname *f);

/* describe - "invoice.pdf.exe" or "a.js in b.zip" (container NULL: the
 * attachment itself), for a detail */
static void describe(sc_buf *detail, const char *name, const char *container)
{
	if (container != NULL)
		(void) sc_buf_printf(detail, "%.80s in %.60s", name[0] ? name : "(no name)",
				     container[0] ? container : "an archive");
	else
		(void) sc_buf_printf(detail, "%.80s", name[0] ? name : "(no name)");
}

/* count_files - the files of the message pred holds for; the detail says
 * what and names the first */
static int count_files(const sc_run_ctx *ctx, fname_pred pred, const char *what, sc_buf *detail)
{
	fname f;
	const char *first = NULL, *first_in = NULL;
	int n = 0;

	for (size_t i = 0; i < sc_msg_attachment_count(ctx->msg); i++) {
		const sc_msg_attachment *a = sc_msg_attachment_at(ctx->msg, i);

		for (size_t j = 0; j <= a->nentries; j++) {
			fname_get(&f, a, j);
			if (!pred(&f))
				continue;
			if (n++ == 0) {
				first = f.name;
				first_in = f.container;
			}
		}
	}
	if (n > 0) {
		(void) sc_buf_printf(detail, "%d %s%s attached: ", n, what, n > 1 ? "s" : "");
		describe(detail, first, first_in);
	}
	return n;
}

/* is_exec - a Windows program or script */
static int is_exec(const fname *f)
{
	return in_list(last_ext(f), exec_exts, COUNT(exec_exts)) ||
	       in_list(f->sniffed, exec_types, COUNT(exec_types));
}

/* has_bidi_control - the name holds a bidirectional override or isolate
 * (U+202A..U+202E, U+2066..U+2069) that reorders what the reader sees */
static int has_bidi_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *) s; p[0] != '\0'; p++)
		if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE)
			return 1;
		else if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
			return 1;
	return 0;
}

/* is_double_ext - a document extension, then a program, script or HTML one */
static int is_double_ext(const fname *f)
{
	const char *last = last_ext(f);

	if (has_bidi_control(f->name))
		return 1;
	if (f->nexts < 2 || !in_list(f->exts[f->nexts - 2], doc_exts, COUNT(doc_exts)))
		return 0;
	return in_list(last, exec_exts, COUNT(exec_exts)) ||
	       in_list(last, html_exts, COUNT(html_exts));
}

/* is_exchange_att - Exchange's and Apple Mail's ATT00001.htm: the HTML of
 * a disclaimer or of the text after an attachment, not a file anyone sent */
static int is_exchange_att(const char *name)
{
	size_t d = 0;

	if (strncasecmp(name, "ATT", 3) != 0)
		return 0;
	while (isdigit((unsigned char) name[3 + d]))
		d++;
	return d >= 4 &&
	       (strcasecmp(name + 3 + d, ".htm") == 0 || strcasecmp(name + 3 + d, ".html") == 0);
}

/* is_html - an HTML, SVG or MHT file */
static int is_html(const fname *f)
{
	if (f->container == NULL && is_exchange_att(f->name))
		return 0;
	return in_list(last_ext(f), html_exts, COUNT(html_exts)) ||
	       in_list(f->sniffed, html_types, COUNT(html_types));
}

/* is_vba_project - an Office Open XML file's macro store, inside the file
 * (word/vbaProject.bin): a docm renamed .docx keeps its macros */
static int is_vba_project(const fname *f)
{
	size_t n = strlen(f->name);
	const char *dot = f->container != NULL ? strrchr(f->container, '.') : NULL;

	/* a docm already counts by its name: not twice */
	for (size_t i = 0; dot != NULL && i < COUNT(macro_exts); i++)
		if (strcasecmp(dot + 1, macro_exts[i]) == 0)
			return 0;
	return f->container != NULL && n >= 14 &&
	       strcasecmp(f->name + n - 14, "vbaProject.bin") == 0 &&
	       (n == 14 || f->name[n - 15] == '/');
}

/* is_macro - a macro-enabled Office file */
static int is_macro(const fname *f)
{
	return in_list(last_ext(f), macro_exts, COUNT(macro_exts)) ||
	       (f->declared != NULL && strstr(f->declared, "macroenabled") != NULL) ||
	       is_vba_project(f);
}

/* is_disk_image - a disk image */
static int is_disk_image(const fname *f)
{
	return in_list(last_ext(f), disk_exts, COUNT(disk_exts)) ||
	       in_list(f->sniffed, disk_types, COUNT(disk_types));
}

/* check_attach_executable - see above */
static int check_attach_executable(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				   sc_buf *detail)
{
	(void) args;
	(void) nargs;
	return count_files(ctx, is_exec, "program or script", detail);
}

/* check_attach_double_ext - see above */
static int check_attach_double_ext(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				   sc_buf *detail)
{
	(void) args;
	(void) nargs;
	return count_files(ctx, is_double_ext, "file with a disguised extension", detail);
}

/* check_attach_html - see above */
static int check_attach_html(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			     sc_buf *detail)
{
	(void) args;
	(void) nargs;
	return count_files(ctx, is_html, "HTML file", detail);
}

/* check_attach_macro - see above */
static int check_attach_macro(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			      sc_buf *detail)
{
	(void) args;
	(void) nargs;
	return count_files(ctx, is_macro, "macro-enabled Office file", detail);
}

/* check_attach_disk_image - see above */
static int check_attach_disk_image(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				   sc_buf *detail)
{
	(void) args;
	(void) nargs;
	return count_files(ctx, is_disk_image, "disk image", detail);
}

/* encrypted_archives - the attached archives with an encrypted entry; *first
 * gets the first one's name */
static int encrypted_archives(const sc_msg *m, const char **first)
{
	int n = 0;

	*first = NULL;
	for (size_t i = 0; i < sc_msg_attachment_count(m); i++) {
		const sc_msg_attachment *a = sc_msg_attachment_at(m, i);

		for (size_t j = 0; j < a->nentries; j++)
			if (a->entries[j].encrypted) {
				if (n++ == 0)
					*first = a->filename[0] ? a->filename : "(no name)";
				break;
			}
	}
	return n;
}

/* check_attach_encrypted_archive - see above */
static int check_attach_encrypted_archive(const sc_run_ctx *ctx, const char *const *args,
					  size_t nargs, sc_buf *detail)
{
	const char *first;
	int n = encrypted_archives(ctx->msg, &first);

	(void) args;
	(void) nargs;
	if (n > 0)
		(void) sc_buf_printf(detail, "%d encrypted archive%s attached: %.80s", n,
				     n > 1 ? "s" : "", first);
	return n;
}

/* The words that introduce a password, lower-case ASCII or UTF-8. */
static const char *const pw_words[] = {
	"password",   "passwort",   "passcode",   "pass",   "pwd",          "pw",  "kennwort",
	"senha",      "contraseña", "contrasena", "clave",  "mot de passe", "mdp", "parola",
	"wachtwoord", "hasło",      "haslo",      "пароль", "code",
};

/* word_char - an ASCII letter or digit, or a byte of a UTF-8 sequence */
static int word_char(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* plain_word - tok (n bytes) is letters only, lower-case after the first:
 * a word of the sentence ("the password is the one you set"), no password */
static int plain_word(const char *tok, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char) tok[i]) || (i > 0 && isupper((unsigned char) tok[i])))
			return 0;
	return 1;
}

/* password_after - at p (just past a password word) a separator and a
 * token of 3..40 non-blank bytes: "password: X", "pwd = X", "pass is X";
 * when words is set, up to four short words may come before the ':', '='
 * or "is" ("Senha do arquivo: X", "password for the file is X"); after
 * "is" an unquoted plain word does not count ("the password is the one
 * you set"). Returns the token's length and sets *tok, or 0. */
static size_t password_after(const char *p, const char *end, int words, const char **tok)
{
	int sep = 0, is = 0, quoted = 0;
	size_t n = 0;

	for (int w = 0; p < end && !sep; w++) {
		const char *e;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && (*p == ':' || *p == '=')) {
			sep = 1;
			p++;
		} else if (end - p >= 3 && strncasecmp(p, "is ", 3) == 0) {
			sep = is = 1;
			p += 3;
		} else if (words && w < 4) {
			for (e = p; e < end && e - p <= 12 && word_char((unsigned char) *e); e++)
				;
			if (e == p || e - p > 12)
				return 0;
			p = e;
		} else {
			return 0;
		}
	}
	if (!sep)
		return 0;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'' || *p == '*')) {
		quoted |= *p != ' ' && *p != '\t';
		p++;
	}
	*tok = p;
	while (p + n < end && !isspace((unsigned char) p[n]) && n <= 40)
		n++;
	/* a closing quote, bold marker or full stop is not the password's */
	while (n > 0 && strchr("\"'*.,;)", p[n - 1]) != NULL)
		n--;
	if (is && !quoted && plain_word(p, n))
		return 0;
	return n >= 3 && n <= 40 ? n : 0;
}

/* find_password - the text gives a password; *tok and the return value
 * its bytes */
static size_t find_password(const char *t, size_t len, const char **tok)
{
	const char *end = t + len;

	for (const char *p = t; p < end; p++) {
		if (p > t && word_char((unsigned char) p[-1]))
			continue;
		for (size_t w = 0; w < COUNT(pw_words); w++) {
			size_t wl = strlen(pw_words[w]), n;

			if ((size_t) (end - p) < wl || strncasecmp(p, pw_words[w], wl) != 0)
				continue;
			if (p + wl < end && isalpha((unsigned char) p[wl]))
				continue;
			/* "code" is every tracking or discount code: no words between */
			if ((n = password_after(p + wl, end, strcmp(pw_words[w], "code") != 0,
						tok)) > 0)
				return n;
		}
	}
	return 0;
}

/* check_archive_password_in_body - see above */
static int check_archive_password_in_body(const sc_run_ctx *ctx, const char *const *args,
					  size_t nargs, sc_buf *detail)
{
	const char *first, *tok = NULL, *text;
	size_t len, n;
	int k = encrypted_archives(ctx->msg, &first);

	(void) args;
	(void) nargs;
	if (k == 0)
		return 0;
	text = sc_msg_body_text(ctx->msg, &len);
	if ((n = find_password(text, len, &tok)) == 0)
		return 0;
	(void) sc_buf_printf(detail,
			     "encrypted archive %.80s, and the text gives its password (%.*s)",
			     first, (int) (n < 20 ? n : 20), tok);
	return k;
}

/* clang-format off */
static const sc_eval_def attach_defs[] = {
	{ "check_attach_executable", check_attach_executable, 0, 0 },
	{ "check_attach_double_ext", check_attach_double_ext, 0, 0 },
	{ "check_attach_html", check_attach_html, 0, 0 },
	{ "check_attach_macro", check_attach_macro, 0, 0 },
	{ "check_attach_disk_image", check_attach_disk_image, 0, 0 },
	{ "check_attach_encrypted_archive", check_attach_encrypted_archive, 0, 0 },
	{ "check_archive_password_in_body", check_archive_password_in_body, 0, 0 },
};
/* clang-format on */

const sc_eval_table sc_attach_eval_table = {attach_defs,
					    sizeof(attach_defs) / sizeof(attach_defs[0])};
