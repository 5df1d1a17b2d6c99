/* explain_match.c — explain's classifier: one line against the tables of
 * explain_table.c (first match wins, in the order explain_classify()
 * tries them), the client that wrote it, and the redacted excerpt. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "explain_int.h"

/*
 * 1. Server replies.  The RESP error prefixes and reply wordings are the
 * rules' one table (rules_classify_reply() in rules.c), tried where a
 * client puts the server's text: at the start of the line, after ": "
 * ("ReplyError: NOAUTH ..."), after "(error) " and after "[" (node-redis
 * "[ErrorReply: ...]").  Not at every word: "the device is BUSY" in a
 * log is not Redis's BUSY.
 */
static const char *
server_reply_id(const char *line)
{
	const char *p, *id;

	if ((id = rules_classify_reply(line)) != NULL)
		return id;
	for (p = line; *p != '\0'; p++) {
		if (p[0] == ':' && p[1] == ' ')
			id = rules_classify_reply(p + 2);
		/* A reply quoted after a blank or a colon: ioredis's
		 * 'INFO command fails: "NOPERM this user has ..."'. */
		else if (p[0] == '"' && p > line && (p[-1] == ' ' || p[-1] == ':'))
			id = rules_classify_reply(p + 1);
		else if (p[0] == '[' || (p[0] == ')' && p[1] == ' '))
			id = rules_classify_reply(p + 1);
		/* Perl's Redis names the command first: "[get] MOVED ...". */
		else if (p[0] == ']' && p[1] == ' ')
			id = rules_classify_reply(p + 2);
		if (id != NULL)
			return id;
	}
	return NULL;
}

bool
ex_is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The lower-case form of a table needle.  The rows are string literals,
 * so their lower-case copies are made once and remembered by address (a
 * million-line log would otherwise redo them for every line); a needle
 * that does not fit the memo is lowered into buf. */
static const char *
lowered(const char *needle, size_t n, char *buf)
{
	static struct {
		const char *src;
		char	 low[64];
	} memo[512];
	size_t h = ((uintptr_t)needle >> 3) % 512, k, i;

	for (k = 0; k < 512; k++, h = (h + 1) % 512) {
		if (memo[h].src == needle)
			return memo[h].low;
		if (memo[h].src == NULL && n < sizeof(memo[h].low)) {
			for (i = 0; i <= n; i++)
				memo[h].low[i] = (char)tolower((unsigned char)needle[i]);
			memo[h].src = needle;
			return memo[h].low;
		}
		if (memo[h].src == NULL)
			break;
	}
	for (i = 0; i <= n; i++)
		buf[i] = (char)tolower((unsigned char)needle[i]);
	return buf;
}

/* Finds needle in t under flags; returns where in t->s, or NULL. */
const char *
ex_find(const struct txt *t, const char *needle, unsigned flags)
{
	char nb[128];
	const char *hay = t->s, *p, *q;
	size_t n = strlen(needle);

	if ((flags & M_ICASE) && n < sizeof(nb)) {
		needle = lowered(needle, n, nb);
		hay = t->low;
	}
	for (p = hay;; p++) {
		if ((p = strstr(p, needle)) == NULL)
			return NULL;
		q = t->s + (p - hay);
		if (flags & M_WORD) {
			if ((q > t->s && ex_is_word(q[-1])) || ex_is_word(q[n]) ||
			    (q > t->s && q[-1] == '-' && q - 1 > t->s &&
			    ex_is_word(q[-2])))
				continue;
		}
		if (flags & M_NUM_AFTER) {
			if (q[n] != ' ' || !isdigit((unsigned char)q[n + 1]))
				continue;
		}
		return q;
	}
}

/* 'Protocol error, got "X" as reply type byte': 0x15 (alert) or 0x16
 * (handshake) is a TLS record, so the port speaks TLS. */
static const char *
proto_byte_id(const char *at)
{
	const char *q = strchr(at, '"');

	if (q == NULL)
		return "proto.not_redis";
	q++;
	if (*q == '\x15' || *q == '\x16' ||
	    strncasecmp(q, "\\x15", 4) == 0 || strncasecmp(q, "\\x16", 4) == 0 ||
	    strncasecmp(q, "\\u0015", 6) == 0 || strncasecmp(q, "\\u0016", 6) == 0)
		return "proto.tls_required";
	return "proto.not_redis";
}

static const char *
match_rows(const struct pat *rows, const struct txt *line)
{
	const char *at;
	size_t i;

	for (i = 0; rows[i].s1 != NULL; i++) {
		if ((at = ex_find(line, rows[i].s1, rows[i].flags)) == NULL)
			continue;
		if (rows[i].s2 != NULL && ex_find(line, rows[i].s2,
		    rows[i].flags & M_ICASE) == NULL)
			continue;
		if (rows[i].flags & M_PROTO_BYTE)
			return proto_byte_id(at);
		return rows[i].id;
	}
	return NULL;
}

/* "Error N connecting", "Error N while", "[Errno N]". */
static const char *
match_errno(const char *line)
{
	static const char *const pre[] = { "Error ", "[Errno " };
	const char *p, *q;
	char *end;
	size_t i, k;
	long v;

	for (k = 0; k < 2; k++) {
		for (p = line; (p = strstr(p, pre[k])) != NULL; p++) {
			q = p + strlen(pre[k]);
			if (!isdigit((unsigned char)*q) &&
			    !(*q == '-' && isdigit((unsigned char)q[1])))
				continue;
			v = strtol(q, &end, 10);
			if (k == 0 && strncmp(end, " connecting", 11) != 0 &&
			    strncmp(end, " while", 6) != 0 &&
			    strncmp(end, " reading", 8) != 0 &&
			    strncmp(end, " writing", 8) != 0)
				continue;
			if (k == 1 && *end != ']')
				continue;
			for (i = 0; ex_errno_rows[i].id != NULL; i++) {
				if (ex_errno_rows[i].num != v)
					continue;
				/* Resolver numbers mean a lookup only where one
				 * happens: "Error 8 while writing" is Python's
				 * SSL_ERROR_EOF, not macOS's EAI_NONAME. */
				if (k == 0 && strncmp(ex_errno_rows[i].id, "dns.", 4) == 0 &&
				    strncmp(end, " connecting", 11) != 0)
					break;
				return ex_errno_rows[i].id;
			}
		}
	}
	return NULL;
}

static const char *
client_of(const char *line)
{
	size_t i;

	for (i = 0; ex_client_rows[i].marker != NULL; i++)
		if (strstr(line, ex_client_rows[i].marker) != NULL)
			return ex_client_rows[i].client;
	return NULL;
}

/* A continuation of the previous line's exception: it inherits its client. */
static bool
is_continuation(const char *line)
{
	return line[0] == ' ' || line[0] == '\t' ||
	    strncmp(line, "Caused by:", 10) == 0 ||
	    strncmp(line, "--->", 4) == 0 ||
	    strstr(line, " ---> ") != NULL;
}

/* ---- classification ---- */

bool
explain_classify(const char *line, const char *prev_client,
    struct rd_explain_line *out, char *client_seen, size_t seenlen)
{
	char buf[EXPLAIN_LINE_MAX + 1], low[EXPLAIN_LINE_MAX + 1];
	char red[EXPLAIN_LINE_MAX + 64];
	struct txt t = { buf, low };
	const char *id, *client;
	size_t n, i;

	n = strnlen(line, EXPLAIN_LINE_MAX);
	memcpy(buf, line, n);
	buf[n] = '\0';
	for (i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)buf[i]);

	client = client_of(buf);
	if (client == NULL && prev_client != NULL && prev_client[0] != '\0' &&
	    is_continuation(buf))
		client = prev_client;
	if (client_seen != NULL && seenlen > 0)
		snprintf(client_seen, seenlen, "%s", client ? client : "");

	if ((id = server_reply_id(buf)) == NULL &&
	    (id = match_rows(ex_server_rows, &t)) == NULL &&
	    (id = match_rows(ex_tls_rows, &t)) == NULL &&
	    (id = match_rows(ex_proto_dns_rows, &t)) == NULL &&
	    (id = match_rows(ex_code_rows, &t)) == NULL &&
	    (id = match_errno(buf)) == NULL &&
	    (id = match_rows(ex_text_rows, &t)) == NULL)
		return false;

	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", id);
	snprintf(out->client, sizeof(out->client), "%s", client ? client : "");

	/* Redact the whole line before cutting it, so a cut cannot split a
	 * secret from the marker that announced it; the target is read from
	 * the redacted line too, so a password with a raw '@' in a pasted URL
	 * cannot come back as the host. */
	explain_redact(buf, red, sizeof(red));
	ex_extract_target(red, out->host, sizeof(out->host), &out->port);
	n = strlen(red);
	while (n > 0 && (red[n - 1] == '\r' || red[n - 1] == ' ' ||
	    red[n - 1] == '\t'))
		red[--n] = '\0';
	if (n >= sizeof(out->excerpt)) {
		n = sizeof(out->excerpt) - 4;
		/* Do not end inside a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)red[n] & 0xc0) == 0x80)
			n--;
		memcpy(out->excerpt, red, n);
		memcpy(out->excerpt + n, "...", 4);
	} else
		memcpy(out->excerpt, red, n + 1);
	/* Control bytes would corrupt a terminal; JSON escapes them anyway. */
	for (char *c = out->excerpt; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			*c = '?';
	return true;
}
