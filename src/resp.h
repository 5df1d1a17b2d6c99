/* resp.h — RESP replies under limits: a streaming guard in front of
 * hiredis's redisReader, and command formatting.
 *
 * The guard walks the RESP structure byte by byte as data arrives and
 * refuses a reply before hiredis sees it when a line, a bulk, an array, the
 * nesting or the whole reply is over its limits (hiredis 0.14 has none of
 * these, overflows an int on *4294967295 and is quadratic on a long line
 * without CRLF).  A stream whose reply does not start with a RESP type byte
 * is not RESP at all (an HTTP or SSH banner, a TLS alert).  Bytes in,
 * replies out: nothing here touches a socket. */
#ifndef RD_RESP_H
#define RD_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "strutil.h"

struct resp_limits {
	size_t	 max_line;		/* one +, -, :, $ or * line, CRLF excluded */
	int64_t	 max_bulk;		/* one $ bulk string */
	int64_t	 max_elems;		/* elements declared in one reply, all arrays */
	int	 max_depth;		/* array nesting; hiredis 0.14 handles 7 */
	size_t	 max_total;		/* bytes of one top-level reply */
};

/* 64 KiB line, 16 MiB bulk, 1M elements, depth 7, 32 MiB per reply. */
extern const struct resp_limits resp_default_limits;

enum resp_status { RESP_OK = 0, RESP_NOT_RESP, RESP_HOSTILE, RESP_ERROR };

struct resp_reader;

/* A reader with limits (NULL: the defaults); NULL on allocation failure.
 * Released with resp_reader_free(). */
struct resp_reader *resp_reader_new(const struct resp_limits *);
void	resp_reader_free(struct resp_reader *);

/* Feeds bytes.  Returns 0, or -1 once the stream is refused (not RESP,
 * over a limit, or hiredis failed); the state is sticky and replies that
 * completed before the offending byte can still be taken. */
int	resp_feed(struct resp_reader *, const void *buf, size_t len);

/* Takes the next complete reply: 1 and *out (the caller frees it with
 * freeReplyObject()), 0 when none is complete yet, -1 on a hiredis error. */
int	resp_get(struct resp_reader *, redisReply **out);

enum resp_status resp_status(const struct resp_reader *);
/* Why the stream was refused ("bulk length 2147483648 > 16777216"). */
const char *resp_why(const struct resp_reader *);
/* Printable start of the refused reply (or of the stream), "" if none. */
const char *resp_first_bytes(const struct resp_reader *);
/* The same bytes raw, *len of them (what the probe masks before it
 * renders them). */
const unsigned char *resp_first_raw(const struct resp_reader *, size_t *len);
/* Bytes fed so far. */
uint64_t resp_nread(const struct resp_reader *);
/* True while a top-level reply is partly read (the guard is inside it):
 * the stream ended mid-reply if it ends now. */
bool	resp_pending(const struct resp_reader *);

#define RESP_MAX_CMDS	16

/* One command: argc words (1 to 8). */
struct resp_cmd {
	int		 argc;
	const char	**argv;
};

/* Formats a command with hiredis; returns its length and *out (free with
 * resp_free_cmd(), which wipes it: AUTH carries the password), or -1. */
long	resp_format(char **out, int argc, const char **argv);
/* The same for n (1 to RESP_MAX_CMDS) commands one after the other in
 * one buffer: what one write sends as a pipeline. */
long	resp_format_n(char **out, int n, const struct resp_cmd *cmds);
void	resp_free_cmd(char *, long len);

/* rd_printable(), the rendering of bytes for a person, is in strutil.h. */

#endif
