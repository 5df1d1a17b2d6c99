/* secret.h — the one place a secret lives: the vault.
 *
 * Resolution puts every password (and every user-only URL's user info,
 * which redis-cli reads as a password) into a vault and keeps only a slot
 * number and "password_set" in the configuration, so the configuration,
 * the observations and the report hold no secret and no renderer can
 * print one.  Two things use the vault:
 *   - the probe, which alone reveals a secret to build AUTH/HELLO;
 *   - the door: every byte a server sent passes vault_mask() once, where
 *     it enters the observations, after it was classified raw and before
 *     it is cut short.
 * vault_mask() catches a secret raw, as rd_printable() escapes it, and
 * percent-encoded (either hex case), and any fragment of four or more of
 * its characters (a whole secret when it is shorter); it writes into a new
 * buffer and never scans its own output, so it cannot loop.
 *
 * A vault is not thread-safe for vault_put(); once filled, any number of
 * threads may reveal and mask. */
#ifndef RD_SECRET_H
#define RD_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define RD_VAULT_MAX	64		/* secrets one vault holds */
#define RD_SECRET_MAX	4096		/* bytes of one secret */
#define RD_MASK		"****"

struct rd_vault;

/* An empty vault, or NULL on allocation failure.  vault_free() wipes and
 * releases it (NULL is fine). */
struct rd_vault *vault_new(void);
void	vault_free(struct rd_vault *);

/* Keeps a copy of s[len].  Returns its slot (0, 1, ...), the slot it
 * already has when the same secret was put before, or -1 when s is empty,
 * too long, the vault is full or memory ran out (v may be NULL: -1). */
int	vault_put(struct rd_vault *v, const char *s, size_t len);

/* For the probe alone: the secret in slot and its length, or NULL when
 * slot is -1 or unknown.  The pointer lives as long as the vault. */
const char *vault_reveal(const struct rd_vault *v, int slot, size_t *len);

/* The door: copies in[inlen] to out[outsz] with every form of every
 * secret in v replaced by "****", NUL-terminated, cut to fit (never inside
 * a mask).  in may hold any bytes, NUL included; out holds the same kind
 * of bytes (render them with rd_printable()).  v may be NULL (a plain
 * bounded copy).  Returns the length written. */
size_t	vault_mask(const struct rd_vault *v, const void *in, size_t inlen,
	    char *out, size_t outsz);

/* The door for bytes a server sent: raw[len] masked (looking far enough
 * past the cut that no secret straddles it), then rendered printable with
 * rd_printable() and cut to out[outsz]. */
void	vault_door(const struct rd_vault *v, const void *raw, size_t len,
	    char *out, size_t outsz);

/* vault_mask() of a NUL-terminated string, in place. */
void	vault_mask_str(const struct rd_vault *v, char *s, size_t sz);

/* The longest form of any secret in v (0 when none): how many raw bytes
 * past a cut a caller must mask along so that no secret straddles it. */
size_t	vault_max_form(const struct rd_vault *v);

#endif
