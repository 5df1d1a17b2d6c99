/* dotenv.h — env-file parser: bytes in, (name, value, line) entries out.
 *
 * Pure: no file system, no environment.  Syntax (the subset the dotenv
 * libraries agree on):
 *   # comment            blank lines
 *   NAME=value           [export ]NAME = value   (spaces around '=' allowed)
 *   NAME=value # note    unquoted: '#' after a blank starts a comment,
 *                        surrounding blanks are trimmed
 *   NAME='literal'       single quotes: no escapes, may span lines
 *   NAME="a\nb \" \\"    double quotes: \n \r \t \" \\ escapes, may span lines
 * CRLF line ends are accepted.  An error names the line and what is wrong,
 * never the value (it may be a secret). */
#ifndef RD_DOTENV_H
#define RD_DOTENV_H

#include <stddef.h>

#define RD_DOTENV_MAX_BYTES	(1024 * 1024)	/* larger input is refused */
#define RD_DOTENV_MAX_ENTRIES	4096
#define RD_DOTENV_MAX_NAME	255

struct rd_dotenv_entry {
	char	*name;
	char	*value;
	int	 line;		/* 1-based line where NAME starts */
};

struct rd_dotenv {
	struct rd_dotenv_entry *v;
	size_t	 n, cap;
};

struct rd_dotenv_err {
	int	 line;		/* 1-based; 0 when not about a line */
	char	 msg[128];	/* "missing '=' after the name"; never a value */
};

/* Parses len bytes of buf into *out (zeroed by the caller, released with
 * dotenv_free()).  Returns 0, or -1 with *err filled; on -1 out holds the
 * entries parsed before the error, which the caller should not use. */
int	dotenv_parse(const char *buf, size_t len, struct rd_dotenv *out,
	    struct rd_dotenv_err *err);

void	dotenv_free(struct rd_dotenv *);

#endif
