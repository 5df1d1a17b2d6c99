/* secret.c — the vault and the door (see secret.h).
 *
 * Each secret is kept with the forms it can take on the way back to us:
 * raw, escaped the way rd_printable() renders bytes (a peer's first bytes
 * are stored rendered), and percent-encoded in upper and lower hex (a
 * proxy or a URL parser echoing it).  Masking looks, at every position of
 * the input, for the longest run that is a fragment of some form, four
 * bytes or more (the whole form when it is shorter), and writes "****"
 * for it.  The output is a new buffer that is never scanned again, so a
 * secret of "****" masks to "****" once and stops. */
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "strutil.h"

#define MIN_FRAGMENT	4
#define NFORMS		4

struct form {
	char	*s;
	size_t	 len;
};

struct secret {
	struct form f[NFORMS];		/* f[0] is the secret itself */
	int	 nf;
};

struct rd_vault {
	struct secret s[RD_VAULT_MAX];
	int	 n;
	size_t	 maxform;
};

struct rd_vault *
vault_new(void)
{
	return calloc(1, sizeof(struct rd_vault));
}

void
vault_free(struct rd_vault *v)
{
	int i, k;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++)
		for (k = 0; k < v->s[i].nf; k++) {
			explicit_bzero(v->s[i].f[k].s, v->s[i].f[k].len);
			free(v->s[i].f[k].s);
		}
	explicit_bzero(v, sizeof(*v));
	free(v);
}

static bool
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* s[len] percent-encoded into a new string, hex digits from xd. */
static char *
pct(const char *s, size_t len, const char *xd, size_t *outlen)
{
	char *o = malloc(len * 3 + 1);
	size_t i, n = 0;

	if (o == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (unreserved(c))
			o[n++] = (char)c;
		else {
			o[n++] = '%';
			o[n++] = xd[c >> 4];
			o[n++] = xd[c & 15];
		}
	}
	o[n] = '\0';
	*outlen = n;
	return o;
}

/* Adds a form unless an earlier one is the same; takes ownership of s. */
static void
add_form(struct rd_vault *v, struct secret *sc, char *s, size_t len)
{
	int k;

	if (s == NULL)
		return;
	for (k = 0; k < sc->nf; k++)
		if (sc->f[k].len == len && memcmp(sc->f[k].s, s, len) == 0) {
			explicit_bzero(s, len);
			free(s);
			return;
		}
	sc->f[sc->nf].s = s;
	sc->f[sc->nf].len = len;
	sc->nf++;
	if (len > v->maxform)
		v->maxform = len;
}

int
vault_put(struct rd_vault *v, const char *s, size_t len)
{
	struct secret *sc;
	char *raw, *esc;
	size_t n;
	int i;

	if (v == NULL || s == NULL || len == 0 || len > RD_SECRET_MAX)
		return -1;
	for (i = 0; i < v->n; i++)
		if (v->s[i].f[0].len == len && memcmp(v->s[i].f[0].s, s, len) == 0)
			return i;
	if (v->n == RD_VAULT_MAX || (raw = malloc(len + 1)) == NULL)
		return -1;
	memcpy(raw, s, len);
	raw[len] = '\0';
	sc = &v->s[v->n];
	memset(sc, 0, sizeof(*sc));
	add_form(v, sc, raw, len);
	/* rd_printable() writes at most four bytes per input byte. */
	if ((esc = malloc(len * 4 + 1)) != NULL) {
		rd_printable(s, len, esc, len * 4 + 1);
		add_form(v, sc, esc, strlen(esc));
	}
	esc = pct(s, len, "0123456789ABCDEF", &n);
	add_form(v, sc, esc, n);
	esc = pct(s, len, "0123456789abcdef", &n);
	add_form(v, sc, esc, n);
	return v->n++;
}

const char *
vault_reveal(const struct rd_vault *v, int slot, size_t *len)
{
	if (v == NULL || slot < 0 || slot >= v->n) {
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	if (len != NULL)
		*len = v->s[slot].f[0].len;
	return v->s[slot].f[0].s;
}

size_t
vault_max_form(const struct rd_vault *v)
{
	return v != NULL ? v->maxform : 0;
}

/* The longest run at in[0..n) that is a maskable fragment of form f:
 * MIN_FRAGMENT bytes or more of it, or all of a shorter form.  0 when
 * none. */
static size_t
fragment_at(const unsigned char *in, size_t n, const struct form *f)
{
	const unsigned char *fs = (const unsigned char *)f->s;
	size_t best = 0, j, l, need;

	need = f->len < MIN_FRAGMENT ? f->len : MIN_FRAGMENT;
	if (n < need)
		return 0;
	for (j = 0; j + need <= f->len; j++) {
		if (fs[j] != in[0])
			continue;
		for (l = 1; j + l < f->len && l < n && fs[j + l] == in[l]; l++)
			;
		if (l >= need && l > best)
			best = l;
	}
	return best;
}

size_t
vault_mask(const struct rd_vault *v, const void *in, size_t inlen, char *out,
    size_t outsz)
{
	const unsigned char *p = in;
	size_t i = 0, o = 0, m;
	int k, f;

	if (outsz == 0)
		return 0;
	while (i < inlen) {
		m = 0;
		for (k = 0; v != NULL && k < v->n; k++)
			for (f = 0; f < v->s[k].nf; f++) {
				size_t l = fragment_at(p + i, inlen - i,
				    &v->s[k].f[f]);

				if (l > m)
					m = l;
			}
		if (m > 0) {
			if (o + strlen(RD_MASK) >= outsz)
				break;
			memcpy(out + o, RD_MASK, strlen(RD_MASK));
			o += strlen(RD_MASK);
			i += m;
			continue;
		}
		if (o + 1 >= outsz)
			break;
		out[o++] = (char)p[i++];
	}
	out[o] = '\0';
	return o;
}

void
vault_door(const struct rd_vault *v, const void *raw, size_t len, char *out,
    size_t outsz)
{
	size_t win, n;
	char *m;

	if (outsz == 0)
		return;
	out[0] = '\0';
	/* One byte renders as one character or more: outsz raw bytes cover
	 * what is kept, the longest form what straddles the cut. */
	win = outsz + vault_max_form(v);
	if (len > win)
		len = win;
	/* Masking lengthens a secret shorter than "****". */
	if ((m = malloc(len * 4 + 1)) == NULL)
		return;
	n = vault_mask(v, raw, len, m, len * 4 + 1);
	rd_printable(m, n, out, outsz);
	explicit_bzero(m, len * 4 + 1);
	free(m);
}

void
vault_mask_str(const struct rd_vault *v, char *s, size_t sz)
{
	char *tmp;
	size_t n;

	if (v == NULL || v->n == 0 || s == NULL || sz == 0)
		return;
	n = strnlen(s, sz);
	if ((tmp = malloc(n + 1)) == NULL) {
		s[0] = '\0';		/* cannot check it: print nothing */
		return;
	}
	memcpy(tmp, s, n);
	vault_mask(v, tmp, n, s, sz);
	explicit_bzero(tmp, n);
	free(tmp);
}
