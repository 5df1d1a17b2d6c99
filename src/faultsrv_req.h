/* faultsrv_req.h — the fault server's request parser: client bytes in,
 * commands out, never a socket (the server side of what hiredis's read.c
 * is to a client).  Redis's own request rules: a multibulk request (*N,
 * then N times $LEN and the data) or an inline line split on blanks, with
 * Redis's limits and its protocol error texts.
 *
 * Two layers: fs_parse_request() parses one request from a buffer; a
 * struct fs_reqreader holds the bytes a connection has received and hands
 * out its complete requests one at a time.  faultsrv.h includes this
 * header, so the unit tests and fuzz_faultreq reach both. */
#ifndef RD_FAULTSRV_REQ_H
#define RD_FAULTSRV_REQ_H

#include <stdbool.h>
#include <stddef.h>

#define FS_MAX_ARGS	16		/* arguments kept per request */
#define FS_REQ_MAX	(1024 * 1024)	/* one request; more is refused */
#define FS_INLINE_MAX	(64 * 1024)	/* Redis's PROTO_INLINE_MAX_SIZE */
#define FS_MBULK_MAX	(1024 * 1024)	/* Redis's multibulk count limit */

/* Server-side RESP request parsing.  Parses one request (multibulk or
 * inline) from buf.  Returns 1 with argv filled (pointing into scratch,
 * NUL-terminated; at most FS_MAX_ARGS kept, *argc counts all) and *used
 * set; 0 when more bytes are needed; -1 with *perr set to Redis's own
 * protocol error text (static, or thread-local until the next call). */
int	fs_parse_request(const char *buf, size_t len, size_t *used,
	    int *argc, char **argv, size_t *arglen, char *scratch,
	    size_t scratchlen, const char **perr);

/* Strict integer parse of a whole counted string (Redis's string2ll).
 * Returns true with *out set. */
bool	fs_to_ll(const char *p, size_t n, long long *out);

/* One request: argc counts every argument, argv/arglen hold the first
 * FS_MAX_ARGS (NUL-terminated, in the reader's scratch until its next
 * fs_reqreader_next()). */
struct fs_request {
	int	 argc;
	char	*argv[FS_MAX_ARGS];
	size_t	 arglen[FS_MAX_ARGS];
};

/* The bytes of one connection not yet parsed.  buf is owned (cap bytes);
 * scratch is the caller's, and may be shared by readers that are never
 * parsed at the same time (the server's one thread shares one). */
struct fs_reqreader {
	char	*buf;
	size_t	 cap, len, off;		/* bytes held, bytes parsed */
	char	*scratch;
	size_t	 scratchlen;
	const char *perr;		/* after fs_reqreader_next() == -1 */
};

/* Allocates the buffer.  Returns 0, or -1 (out of memory). */
int	fs_reqreader_init(struct fs_reqreader *, size_t cap, char *scratch,
	    size_t scratchlen);
void	fs_reqreader_free(struct fs_reqreader *);

/* Where received bytes go: returns the room left and (dst not NULL) *dst,
 * so a read can land in place; fs_reqreader_wrote() then counts the n
 * bytes written there. */
size_t	fs_reqreader_room(struct fs_reqreader *, char **dst);
void	fs_reqreader_wrote(struct fs_reqreader *, size_t n);

/* Copies bytes in.  Returns 0, or -1 when they do not fit (nothing is
 * copied then). */
int	fs_reqreader_feed(struct fs_reqreader *, const void *p, size_t n);

/* The next complete request.  Returns 1 with *rq filled, 0 when more
 * bytes are needed, -1 on a protocol error (the text in ->perr; the bad
 * bytes stay unparsed). */
int	fs_reqreader_next(struct fs_reqreader *, struct fs_request *rq);

/* Bytes received and not yet parsed. */
size_t	fs_reqreader_pending(const struct fs_reqreader *);

/* Forgets every byte held (a silent, stalled or closing connection). */
void	fs_reqreader_drop(struct fs_reqreader *);

/* Moves the unparsed bytes to the front, making room for more. */
void	fs_reqreader_compact(struct fs_reqreader *);

#endif
