/*
 * html_css.c - inline style declarations and colours (see html_css.h).
 *
 * Only what hides text matters here: display, visibility, opacity,
 * font-size, color, background-color, background, background-image. Class
 * rules from <style> blocks are not applied (mail clients strip many of
 * them anyway); html.c treats a class attribute as "background unknown".
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "buf.h"
#include "html_css.h"

#define CSS_MAX_STYLE 8192 /* bytes of one style attribute read */

/* sc_css_init - an empty declaration set */
void sc_css_init(sc_css *c)
{
	memset(c, 0, sizeof(*c));
	c->display_none = -1;
	c->visibility_hidden = -1;
	c->font_tiny = -1;
	c->positioned = -1;
	c->offset_far = -1;
	c->indent_far = -1;
	c->margin_far = -1;
	c->padding_far = -1;
	c->overflow_clip = -1;
	c->zero_box = -1;
}

/* sc_css_out_of_view - see html_css.h */
int sc_css_out_of_view(const sc_css *c)
{
	return (c->positioned == 1 && c->offset_far == 1) || c->indent_far == 1 ||
	       c->margin_far == 1 || c->padding_far == 1 ||
	       (c->overflow_clip == 1 && c->zero_box == 1);
}

/* is_space - CSS white space */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* trim - shrink [*s, *s + *n) to drop surrounding white space */
static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
}

/* equals - case-insensitive comparison of a span with a word */
static int equals(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* parse_hex - 3, 4, 6 or 8 hex digits; 1, 2 (alpha 0) or 0 */
static int parse_hex(const char *s, size_t n, uint32_t *rgb)
{
	int d[8] = {0}; /* n >= 3 digits are set below; zeroed for -O1's flow analysis */
	uint32_t r, g, b, a;

	if (n != 3 && n != 4 && n != 6 && n != 8)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((d[i] = sc_hex_value(s[i])) < 0)
			return 0;
	if (n <= 4) {
		r = (uint32_t) d[0] * 17;
		g = (uint32_t) d[1] * 17;
		b = (uint32_t) d[2] * 17;
		a = n == 4 ? (uint32_t) d[3] * 17 : 255;
	} else {
		r = (uint32_t) (d[0] * 16 + d[1]);
		g = (uint32_t) (d[2] * 16 + d[3]);
		b = (uint32_t) (d[4] * 16 + d[5]);
		a = n == 8 ? (uint32_t) (d[6] * 16 + d[7]) : 255;
	}
	if (a == 0)
		return 2;
	*rgb = (r << 16) | (g << 8) | b;
	return 1;
}

/* parse_channel - one rgb() argument (0-255 or a percentage) into 0-255; -1 when bad */
static long parse_channel(const char *s, size_t n, int alpha)
{
	char tmp[32], *end;
	double v;

	trim(&s, &n);
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	v = strtod(tmp, &end);
	if (end == tmp)
		return -1;
	if (*end == '%')
		v = v * (alpha ? 1.0 : 2.55) / (alpha ? 100.0 : 1.0);
	else if (*end != '\0')
		return -1;
	if (alpha)
		return v <= 0.0 ? 0 : 1;
	if (v < 0)
		v = 0;
	if (v > 255)
		v = 255;
	return (long) (v + 0.5);
}

/* parse_rgb - "rgb(r, g, b)", "rgba(r g b / a)" and friends */
static int parse_rgb(const char *s, size_t n, uint32_t *rgb)
{
	size_t open = 0, start, k = 0;
	long ch[4] = {0, 0, 0, 1};

	while (open < n && s[open] != '(')
		open++;
	if (open == n || s[n - 1] != ')' || !(equals(s, open, "rgb") || equals(s, open, "rgba")))
		return 0;
	start = open + 1;
	for (size_t i = start; i < n; i++) {
		if (s[i] != ',' && s[i] != '/' && s[i] != ')' && !(is_space(s[i]) && i > start))
			continue;
		if (i > start) {
			const char *t = s + start;
			size_t tn = i - start;

			trim(&t, &tn);
			if (tn > 0) {
				if (k == 4 || (ch[k] = parse_channel(t, tn, k == 3)) < 0)
					return 0;
				k++;
			}
		}
		start = i + 1;
	}
	if (k < 3)
		return 0;
	if (ch[3] == 0)
		return 2;
	*rgb = (uint32_t) ((ch[0] << 16) | (ch[1] << 8) | ch[2]);
	return 1;
}

/* sc_css_parse_colour - any colour form we know */
int sc_css_parse_colour(const char *s, size_t n, int legacy, uint32_t *rgb)
{
	static const struct {
		const char *name;
		uint32_t rgb;
	} names[] = {
		{"black", 0x000000},       {"white", 0xffffff},     {"red", 0xff0000},
		{"green", 0x008000},       {"blue", 0x0000ff},      {"yellow", 0xffff00},
		{"gray", 0x808080},        {"grey", 0x808080},      {"silver", 0xc0c0c0},
		{"maroon", 0x800000},      {"purple", 0x800080},    {"fuchsia", 0xff00ff},
		{"magenta", 0xff00ff},     {"lime", 0x00ff00},      {"olive", 0x808000},
		{"navy", 0x000080},        {"teal", 0x008080},      {"aqua", 0x00ffff},
		{"cyan", 0x00ffff},        {"orange", 0xffa500},    {"whitesmoke", 0xf5f5f5},
		{"snow", 0xfffafa},        {"ivory", 0xfffff0},     {"ghostwhite", 0xf8f8ff},
		{"floralwhite", 0xfffaf0}, {"mintcream", 0xf5fffa}, {"azure", 0xf0ffff},
		{"aliceblue", 0xf0f8ff},   {"seashell", 0xfff5ee},  {"honeydew", 0xf0fff0},
		{"lightgray", 0xd3d3d3},   {"lightgrey", 0xd3d3d3}, {"gainsboro", 0xdcdcdc},
	};

	trim(&s, &n);
	if (n == 0)
		return 0;
	if (equals(s, n, "transparent"))
		return 2;
	if (s[0] == '#')
		return parse_hex(s + 1, n - 1, rgb);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (equals(s, n, names[i].name)) {
			*rgb = names[i].rgb;
			return 1;
		}
	}
	if (n > 4 && (strncasecmp(s, "rgb(", 4) == 0 || strncasecmp(s, "rgba(", 5) == 0))
		return parse_rgb(s, n, rgb);
	if (legacy && (n == 3 || n == 6))
		return parse_hex(s, n, rgb) == 1 ? 1 : 0;
	return 0;
}

/* sc_css_colours_close - per-channel distance within the tolerance */
int sc_css_colours_close(uint32_t a, uint32_t b)
{
	for (int shift = 0; shift <= 16; shift += 8) {
		int x = (int) ((a >> shift) & 0xff), y = (int) ((b >> shift) & 0xff);

		if (abs(x - y) > SC_CSS_COLOUR_TOLERANCE)
			return 0;
	}
	return 1;
}

/* number_unit - the number that starts the n bytes at s into *v, and its
 * unit ("px", "%", "" for none) copied into buf (size 32); NULL when the
 * value does not start with a number (a keyword such as small) */
static const char *number_unit(const char *s, size_t n, char buf[32], double *v)
{
	char *end;

	if (n == 0 || n >= 32)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, &end);
	return end == buf ? NULL : end;
}

/* font_size_tiny - 1 for 0 in any unit, <= 1px/1pt, <= 0.1em/rem, <= 10%; 0 otherwise */
static int font_size_tiny(const char *s, size_t n)
{
	char tmp[32];
	const char *end;
	double v;

	if ((end = number_unit(s, n, tmp, &v)) == NULL)
		return 0; /* a keyword such as small: visible */
	if (v <= 0.0)
		return 1;
	if (strcasecmp(end, "px") == 0 || strcasecmp(end, "pt") == 0)
		return v <= 1.0;
	if (strcasecmp(end, "em") == 0 || strcasecmp(end, "rem") == 0)
		return v <= 0.1;
	if (strcmp(end, "%") == 0)
		return v <= 10.0;
	return 0;
}

/* length_px - a CSS length in px (pt, em and rem converted at 16px to the
 * em; a bare number or 0 as px): 1 and *px set, or 0 when not a length
 * (a keyword, a percentage, calc()) */
static int length_px(const char *s, size_t n, double *px)
{
	char tmp[32];
	const char *end;
	double v;

	if ((end = number_unit(s, n, tmp, &v)) == NULL)
		return 0;
	if (*end == '\0' || strcasecmp(end, "px") == 0)
		*px = v;
	else if (strcasecmp(end, "pt") == 0)
		*px = v * 4.0 / 3.0;
	else if (strcasecmp(end, "em") == 0 || strcasecmp(end, "rem") == 0)
		*px = v * 16.0;
	else
		return 0;
	return 1;
}

/* far_off - 1 for a length at -500px or further, 0 for another length or
 * keyword */
static int far_off(const char *s, size_t n)
{
	double px;

	return length_px(s, n, &px) && px <= -500.0;
}

/* pushed_down - 1 for a length of 10000px or more: ten screens of nothing */
static int pushed_down(const char *s, size_t n)
{
	double px;

	return length_px(s, n, &px) && px >= 10000.0;
}

/* first_value - the first word of a shorthand (margin: 20000px 0 0) */
static size_t first_value(const char *v, size_t n)
{
	size_t i = 0;

	while (i < n && !is_space(v[i]))
		i++;
	return i;
}

/* background - the colour or image of a background shorthand */
static void background(sc_css *c, const char *v, size_t n)
{
	size_t i = 0;

	if (memmem(v, n, "url(", 4) != NULL || memmem(v, n, "gradient(", 9) != NULL)
		c->bg_image = 1;
	while (i < n) {
		size_t start, depth = 0;

		while (i < n && is_space(v[i]))
			i++;
		start = i;
		while (i < n && (depth > 0 || !is_space(v[i]))) {
			depth += v[i] == '(';
			depth -= v[i] == ')' && depth > 0;
			i++;
		}
		if (i > start) {
			int r = sc_css_parse_colour(v + start, i - start, 0, &c->bg);

			if (r != 0) {
				c->has_bg = r;
				return;
			}
		}
	}
}

/*
 * opacity_faint - an opacity below 0.05 (or 5%): nobody reads it. Kits
 * write 0.001 where a filter looks for 0. Parsed by hand: strtod follows
 * the locale's decimal point.
 */
static int opacity_faint(const char *v, size_t vn)
{
	unsigned long whole = 0, milli = 0, scale = 100;
	size_t i = 0;

	while (i < vn && (v[i] >= '0' && v[i] <= '9') && whole < 1000)
		whole = whole * 10 + (unsigned long) (v[i++] - '0');
	if (i < vn && v[i] == '.') {
		for (i++; i < vn && (v[i] >= '0' && v[i] <= '9'); i++) {
			milli += (unsigned long) (v[i] - '0') * scale;
			scale /= 10;
		}
	}
	if (i == 0)
		return 0;
	milli += whole * 1000;
	if (i < vn && v[i] == '%') /* 0% .. 100% */
		return milli < 5000;
	return i == vn && milli < 50;
}

/* declaration - apply one "name: value" */
static void declaration(sc_css *c, const char *name, size_t nn, const char *v, size_t vn)
{
	const char *imp = vn >= 10 ? v + vn - 10 : NULL;

	if (imp != NULL && strncasecmp(imp, "!important", 10) == 0) {
		vn -= 10;
		trim(&v, &vn);
	}
	if (equals(name, nn, "display")) {
		c->display_none = equals(v, vn, "none");
	} else if (equals(name, nn, "visibility")) {
		c->visibility_hidden = equals(v, vn, "hidden") || equals(v, vn, "collapse");
	} else if (equals(name, nn, "opacity")) {
		if (opacity_faint(v, vn))
			c->opacity_zero = 1;
	} else if (equals(name, nn, "font-size")) {
		c->font_tiny = font_size_tiny(v, vn);
	} else if (equals(name, nn, "color")) {
		int r = sc_css_parse_colour(v, vn, 0, &c->color);

		if (r != 0)
			c->has_color = r;
	} else if (equals(name, nn, "background-color")) {
		int r = sc_css_parse_colour(v, vn, 0, &c->bg);

		if (r != 0)
			c->has_bg = r;
	} else if (equals(name, nn, "background")) {
		background(c, v, vn);
	} else if (equals(name, nn, "background-image")) {
		c->bg_image = !equals(v, vn, "none");
	} else if (equals(name, nn, "position")) {
		c->positioned = equals(v, vn, "absolute") || equals(v, vn, "fixed");
	} else if (equals(name, nn, "left") || equals(name, nn, "top")) {
		if (c->offset_far != 1) /* either one far off moves the box away */
			c->offset_far = far_off(v, vn);
	} else if (equals(name, nn, "margin-top")) {
		c->margin_far = pushed_down(v, vn);
	} else if (equals(name, nn, "padding-top")) {
		c->padding_far = pushed_down(v, vn);
	} else if (equals(name, nn, "margin")) {
		c->margin_far = pushed_down(v, first_value(v, vn));
	} else if (equals(name, nn, "padding")) {
		c->padding_far = pushed_down(v, first_value(v, vn));
	} else if (equals(name, nn, "text-indent")) {
		c->indent_far = far_off(v, vn);
	} else if (equals(name, nn, "overflow")) {
		c->overflow_clip = equals(v, vn, "hidden") || equals(v, vn, "clip");
	} else if (equals(name, nn, "width") || equals(name, nn, "height") ||
		   equals(name, nn, "max-width") || equals(name, nn, "max-height")) {
		double px;

		if (c->zero_box != 1) /* one zero side leaves no room */
			c->zero_box = length_px(v, vn, &px) && px <= 1.0 && px >= 0.0;
	}
}

/* sc_css_parse_style - split on ';' and ':' after dropping comments */
void sc_css_parse_style(sc_css *c, const char *style)
{
	sc_buf b;
	const char *p, *end;

	sc_buf_init(&b, CSS_MAX_STYLE);
	for (p = style; *p != '\0' && b.len < CSS_MAX_STYLE; p++) {
		if (p[0] == '/' && p[1] == '*') {
			const char *close = strstr(p + 2, "*/");

			if (close == NULL)
				break;
			p = close + 1;
			continue;
		}
		(void) sc_buf_putc(&b, *p);
	}
	p = sc_buf_cstr(&b);
	end = p + b.len;
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t) (end - p));
		const char *decl_end = semi != NULL ? semi : end;
		const char *colon = memchr(p, ':', (size_t) (decl_end - p));

		if (colon != NULL) {
			const char *name = p, *v = colon + 1;
			size_t nn = (size_t) (colon - p), vn = (size_t) (decl_end - v);

			trim(&name, &nn);
			trim(&v, &vn);
			declaration(c, name, nn, v, vn);
		}
		p = decl_end + 1;
	}
	sc_buf_free(&b);
}

/* skip_comment - past a comment starting at p ("/" "*"), else p */
static const char *skip_comment(const char *p, const char *end)
{
	if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
		for (p += 2; end - p >= 2; p++)
			if (p[0] == '*' && p[1] == '/')
				return p + 2;
		return end;
	}
	return p;
}

/* block_end - the '}' closing the block whose '{' is just before p (nested
 * blocks skipped), or end */
static const char *block_end(const char *p, const char *end)
{
	int depth = 1;

	while (p < end) {
		const char *q = skip_comment(p, end);

		if (q != p) {
			p = q;
			continue;
		}
		if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return p;
		p++;
	}
	return end;
}

/* class_selector - sel (n bytes, trimmed) is [tag].class: the class into
 * *cls, *cn */
static int class_selector(const char *sel, size_t n, const char **cls, size_t *cn)
{
	size_t i = 0, dot;

	while (i < n && ((sel[i] >= 'a' && sel[i] <= 'z') || (sel[i] >= 'A' && sel[i] <= 'Z') ||
			 (sel[i] >= '0' && sel[i] <= '9')))
		i++;
	if (i >= n || sel[i] != '.')
		return 0;
	dot = ++i;
	while (i < n && ((sel[i] >= 'a' && sel[i] <= 'z') || (sel[i] >= 'A' && sel[i] <= 'Z') ||
			 (sel[i] >= '0' && sel[i] <= '9') || sel[i] == '-' || sel[i] == '_'))
		i++;
	if (i != n || i == dot)
		return 0;
	*cls = sel + dot;
	*cn = n - dot;
	return 1;
}

/* sc_css_sheet_classes - see html_css.h */
void sc_css_sheet_classes(const char *sheet, size_t len,
			  void (*fn)(void *arg, const char *cls, size_t cn, const char *decl,
				     size_t dn),
			  void *arg)
{
	const char *p = sheet, *end = sheet + len;

	while (p < end) {
		const char *sel = p, *open = NULL, *close, *q;

		/* the selector text, up to '{' (comments and stray '}' skipped) */
		while (p < end) {
			q = skip_comment(p, end);
			if (q != p) {
				p = q;
				continue;
			}
			if (*p == '{') {
				open = p;
				break;
			}
			if (*p == '}' || *p == ';') /* stray end, or an @import; */
				sel = p + 1;
			p++;
		}
		if (open == NULL)
			return;
		close = block_end(open + 1, end);
		for (const char *q2 = NULL; q2 != sel;) { /* blanks and comments before it */
			q2 = sel;
			while (sel < open && strchr(" \t\r\n\f", *sel) != NULL)
				sel++;
			sel = skip_comment(sel, open);
		}
		if (sel < open && *sel != '@') {
			const char *s = sel;

			while (s < open) { /* each selector of a comma list */
				const char *comma = memchr(s, ',', (size_t) (open - s));
				const char *se = comma != NULL ? comma : open, *cls;
				size_t n = (size_t) (se - s), cn;

				trim(&s, &n);
				if (class_selector(s, n, &cls, &cn))
					fn(arg, cls, cn, open + 1, (size_t) (close - open - 1));
				s = se + 1;
			}
		}
		p = close < end ? close + 1 : end;
	}
}
