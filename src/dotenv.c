/* dotenv.c — env-file parser (syntax in dotenv.h).
 *
 * A cursor walks the buffer once.  Values are built in a buffer no larger
 * than the input, so memory is bounded by RD_DOTENV_MAX_BYTES times a
 * small constant. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dotenv.h"

struct cur {
	const char *p, *end;
	int	 line;
	struct rd_dotenv_err *err;
};

static int
fail(struct cur *c, int line, const char *fmt, ...)
{
	va_list ap;

	c->err->line = line;
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* End of line: "\n", "\r\n", or the end of the buffer. */
static bool
at_eol(const struct cur *c)
{
	return c->p == c->end || *c->p == '\n' ||
	    (*c->p == '\r' && (c->p + 1 == c->end || c->p[1] == '\n'));
}

static void
skip_blanks(struct cur *c)
{
	while (c->p < c->end && is_blank(*c->p))
		c->p++;
}

/* Moves past the rest of the line and its terminator. */
static void
next_line(struct cur *c)
{
	while (c->p < c->end && *c->p != '\n')
		c->p++;
	if (c->p < c->end) {
		c->p++;
		c->line++;
	}
}

static bool
name_char(char ch, bool first)
{
	if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_')
		return true;
	return !first && ((ch >= '0' && ch <= '9') || ch == '.' || ch == '-');
}

static int
parse_name(struct cur *c, char *name)
{
	size_t n = 0;

	if (c->p == c->end || !name_char(*c->p, true))
		return fail(c, c->line, "expected a variable name");
	while (c->p < c->end && name_char(*c->p, n == 0)) {
		if (n >= RD_DOTENV_MAX_NAME)
			return fail(c, c->line, "variable name longer than %d bytes",
			    RD_DOTENV_MAX_NAME);
		name[n++] = *c->p++;
	}
	name[n] = '\0';
	return 0;
}

/* After a closing quote only blanks and a comment may follow. */
static int
after_quote(struct cur *c, int line)
{
	skip_blanks(c);
	if (at_eol(c))
		return 0;
	if (*c->p == '#')
		return 0;
	return fail(c, line, "unexpected text after the closing quote");
}

static int
parse_quoted(struct cur *c, char q, char *val, int start)
{
	size_t n = 0;
	char ch;

	c->p++;				/* the opening quote */
	for (;;) {
		if (c->p == c->end)
			return fail(c, start, "unterminated %s quote",
			    q == '"' ? "double" : "single");
		ch = *c->p++;
		if (ch == q)
			break;
		if (ch == '\n')
			c->line++;
		if (ch == '\r' && c->p < c->end && *c->p == '\n')
			continue;	/* CRLF inside a quoted value is LF */
		if (q == '"' && ch == '\\' && c->p < c->end) {
			switch (*c->p) {
			case 'n': ch = '\n'; c->p++; break;
			case 'r': ch = '\r'; c->p++; break;
			case 't': ch = '\t'; c->p++; break;
			case '"': ch = '"'; c->p++; break;
			case '\\': ch = '\\'; c->p++; break;
			default: break;	/* kept literally, as dotenv does */
			}
		}
		val[n++] = ch;
	}
	val[n] = '\0';
	return after_quote(c, start);
}

static void
parse_bare(struct cur *c, char *val)
{
	size_t n = 0;

	/* A '#' at the start of the value or after a blank opens a comment;
	 * inside a word it is data ("pa#ss"). */
	while (!at_eol(c)) {
		if (*c->p == '#' && (n == 0 || is_blank(val[n - 1])))
			break;
		val[n++] = *c->p++;
	}
	while (n > 0 && is_blank(val[n - 1]))
		n--;
	val[n] = '\0';
}

static int
add(struct rd_dotenv *d, const char *name, const char *val, int line)
{
	struct rd_dotenv_entry *nv;
	size_t ncap;

	if (d->n == d->cap) {
		ncap = d->cap ? d->cap * 2 : 16;
		if ((nv = reallocarray(d->v, ncap, sizeof(*nv))) == NULL)
			return -1;
		d->v = nv;
		d->cap = ncap;
	}
	if ((d->v[d->n].name = strdup(name)) == NULL)
		return -1;
	if ((d->v[d->n].value = strdup(val)) == NULL) {
		free(d->v[d->n].name);
		return -1;
	}
	d->v[d->n].line = line;
	d->n++;
	return 0;
}

/* One logical line that is not blank or a comment.  val has room for the
 * whole input. */
static int
parse_assignment(struct cur *c, struct rd_dotenv *d, char *val)
{
	char name[RD_DOTENV_MAX_NAME + 1];
	int start = c->line;

	if ((size_t)(c->end - c->p) > 7 && memcmp(c->p, "export", 6) == 0 &&
	    is_blank(c->p[6])) {
		c->p += 7;
		skip_blanks(c);
	}
	if (parse_name(c, name) == -1)
		return -1;
	skip_blanks(c);
	if (c->p == c->end || *c->p != '=')
		return fail(c, start, "missing '=' after the name");
	c->p++;
	skip_blanks(c);
	if (c->p < c->end && (*c->p == '"' || *c->p == '\'')) {
		if (parse_quoted(c, *c->p, val, start) == -1)
			return -1;
	} else
		parse_bare(c, val);
	if (d->n >= RD_DOTENV_MAX_ENTRIES)
		return fail(c, start, "more than %d variables",
		    RD_DOTENV_MAX_ENTRIES);
	if (add(d, name, val, start) == -1)
		return fail(c, start, "out of memory");
	return 0;
}

int
dotenv_parse(const char *buf, size_t len, struct rd_dotenv *out,
    struct rd_dotenv_err *err)
{
	struct cur c = { buf, buf + len, 1, err };
	char *val;
	int rc = 0;

	memset(err, 0, sizeof(*err));
	if (len > RD_DOTENV_MAX_BYTES)
		return fail(&c, 0, "file larger than %d bytes",
		    RD_DOTENV_MAX_BYTES);
	if (memchr(buf, '\0', len) != NULL) {
		const char *z = memchr(buf, '\0', len);
		int line = 1;

		for (const char *q = buf; q < z; q++)
			line += *q == '\n';
		return fail(&c, line, "NUL byte (not a text file)");
	}
	if ((val = malloc(len + 1)) == NULL)
		return fail(&c, 0, "out of memory");
	/* A UTF-8 byte order mark is not part of the first name. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		c.p += 3;
	while (c.p < c.end) {
		skip_blanks(&c);
		if (at_eol(&c) || *c.p == '#') {
			next_line(&c);
			continue;
		}
		if ((rc = parse_assignment(&c, out, val)) == -1)
			break;
		next_line(&c);
	}
	free(val);
	return rc;
}

void
dotenv_free(struct rd_dotenv *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].value);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}
