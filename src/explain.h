/* explain.h — classification of a Redis client's error text (explain).
 *
 * Pure functions over strings, kept apart from cmd_explain so the table
 * can be unit-tested without the pipeline: explain_classify() turns one
 * line into a finding id, a client name and the host:port it names;
 * explain_redact() masks secrets in pasted text.  The title, severity and
 * fixes of each id are the catalog's (catalog.h). */
#ifndef RD_EXPLAIN_H
#define RD_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

/* Longest line classified; the rest of a longer line is dropped. */
#define EXPLAIN_LINE_MAX	4096

/* Classifies line (NUL-terminated, at most EXPLAIN_LINE_MAX bytes used).
 * prev_client is the client named by an earlier line, inherited by a
 * continuation ("Caused by:", an indented stack line); may be NULL or "".
 * Returns true and fills out (id, client, host, port, redacted excerpt;
 * lineno is left to the caller) when the line names a known failure.
 * client_seen, when not NULL, receives the client the line names even
 * when it names no failure ("" when none). */
bool	explain_classify(const char *line, const char *prev_client,
	    struct rd_explain_line *out, char *client_seen, size_t seenlen);

/* Copies in to out (NUL-terminated, truncated to outlen) with passwords
 * masked as "****": URL user info (redis://user:pass@), -a PASS, --pass,
 * AUTH [user] pass, requirepass/masterauth VALUE, and KEY=VALUE or
 * KEY: VALUE where KEY names a password, secret or token. */
void	explain_redact(const char *in, char *out, size_t outlen);


#endif
