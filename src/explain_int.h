/* explain_int.h — what the parts of explain share and nothing else
 * includes:
 *
 *   explain_table.c   the rows: server rewordings, TLS, protocol and DNS,
 *                     system codes, errno numbers, fixed wordings, clients
 *   explain_match.c   one line against the rows (explain_classify)
 *   explain_redact.c  host:port extraction and secret masking */
#ifndef RD_EXPLAIN_INT_H
#define RD_EXPLAIN_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Match flags of a row. */
#define M_ICASE		0x01	/* case-insensitive */
#define M_WORD		0x02	/* s1 is a whole word (not inside another) */
#define M_NUM_AFTER	0x04	/* s1 is followed by " <digits>" (MOVED 3999) */
#define M_PROTO_BYTE	0x08	/* 'Protocol error, got "X"': X decides */

struct pat {
	const char *s1;		/* must occur */
	const char *s2;		/* must also occur (anywhere), or NULL */
	unsigned flags;
	const char *id;
};

struct ex_errno_row {
	int	 num;
	const char *id;
};

struct ex_client_row {
	const char *marker;
	const char *client;
};

/* The tables, each ended by a row whose first member is NULL (0 for
 * ex_errno_rows, whose id is NULL). */
extern const struct pat ex_server_rows[], ex_tls_rows[], ex_proto_dns_rows[],
	ex_code_rows[], ex_text_rows[];
extern const struct ex_errno_row ex_errno_rows[];
extern const struct ex_client_row ex_client_rows[];

/* A finding id whose lines name no cause, and the note its finding gets. */
struct ex_ambiguity {
	const char *id;
	const char *note;
};
extern const struct ex_ambiguity ex_ambiguities[];

/* A line and its lower-case copy: case-insensitive rows search the copy
 * with strstr, which is several times faster than strcasestr over a
 * million-line log. */
struct txt {
	const char *s;
	const char *low;
};

/* explain_match.c.  ex_is_word: a letter, digit or '_'.  ex_find: where
 * needle occurs in t under the M_* flags, or NULL. */
bool	ex_is_word(char c);
const char *ex_find(const struct txt *t, const char *needle, unsigned flags);

/* explain_redact.c: the host and port line names ("" and 0 when none). */
void	ex_extract_target(const char *line, char *host, size_t hostlen,
	    int *port);

#endif
