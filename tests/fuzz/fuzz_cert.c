/* fuzz_cert.c — libFuzzer target for certificate facts (tls_cert_facts in
 * tls.c) on whatever a peer could send as its certificate.
 *
 * The input is DER: d2i_X509 takes what parses.  The bytes after the
 * certificate are the name to check it against (up to a NUL, 255 bytes at
 * most; an IP address when inet_pton takes it); with none left, the first
 * byte picks one of: none, "", localhost, 127.0.0.1, ::1.  The facts are
 * taken into a struct filled with 0xAA first, so a string left unterminated
 * shows.  Invariants (abort() when broken):
 *
 *  - 0 and have_cert for a certificate; subject, issuer, each SAN and the
 *    validity times NUL-terminated inside their arrays, without control
 *    bytes; SANs "DNS:..." or "IP:...", at most RD_MAX_SANS;
 *  - hostname_match is -1, 0 or 1, and -1 when no name was given; the
 *    name checked is recorded as given (truncated to its array);
 *  - a certificate matches its own names: checked against its first plain
 *    DNS SAN (letters, digits, dots, hyphens) or IP SAN, hostname_match
 *    is 1. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_str(const char *s, size_t size)
{
	const char *nul = memchr(s, '\0', size);
	const char *p;

	if (nul == NULL)
		abort();		/* not terminated inside its array */
	for (p = s; p < nul; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();	/* a control byte got through */
}

static bool
is_ip(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* A DNS name OpenSSL must match exactly: [a-z0-9.-], starting with a
 * letter or digit, no empty label, no trailing dot, not truncated. */
static bool
plain_dns(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 100 || s[n - 1] == '.' || s[0] == '.' || s[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-'))
			return false;
		if (c == '.' && s[i + 1] == '.')
			return false;
	}
	return true;
}

static void
facts(X509 *x, const char *name, bool ip, struct rd_tls_obs *o)
{
	int i;

	memset(o, 0xAA, sizeof(*o));
	if (tls_cert_facts(x, name, ip, o) != 0 || !o->have_cert)
		abort();
	ERR_clear_error();
	check_str(o->subject, sizeof(o->subject));
	check_str(o->issuer, sizeof(o->issuer));
	check_str(o->not_before, sizeof(o->not_before));
	check_str(o->not_after, sizeof(o->not_after));
	if (o->nsans < 0 || o->nsans > RD_MAX_SANS)
		abort();
	for (i = 0; i < o->nsans; i++) {
		check_str(o->sans[i], sizeof(o->sans[i]));
		if (strncmp(o->sans[i], "DNS:", 4) != 0 &&
		    strncmp(o->sans[i], "IP:", 3) != 0)
			abort();
	}
	if (o->hostname_match < -1 || o->hostname_match > 1)
		abort();
	if (name == NULL || name[0] == '\0') {
		if (o->hostname_match != -1)
			abort();
	} else {
		/* Recorded as given (it is the caller's, not the peer's:
		 * control bytes are the config's to refuse). */
		if (memchr(o->expected_name, '\0',
		    sizeof(o->expected_name)) == NULL)
			abort();
		if (strncmp(o->expected_name, name,
		    sizeof(o->expected_name) - 1) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *fixed[] = { NULL, "", "localhost", "127.0.0.1", "::1" };
	const unsigned char *p = data;
	struct rd_tls_obs *o;
	char name[256];
	const char *nm;
	X509 *x;
	size_t rest;
	int i;

	if ((x = d2i_X509(NULL, &p, (long)size)) == NULL) {
		ERR_clear_error();
		/* Nothing parsed: the facts of no certificate. */
		if ((o = malloc(sizeof(*o))) == NULL)
			return 0;
		if (tls_cert_facts(NULL, "localhost", false, o) != -1 ||
		    o->hostname_match != -1)
			abort();
		free(o);
		return 0;
	}
	rest = size - (size_t)(p - data);
	if (rest > 0) {
		size_t n = rest < sizeof(name) - 1 ? rest : sizeof(name) - 1;

		memcpy(name, p, n);
		name[n] = '\0';		/* and up to an embedded NUL */
		nm = name;
	} else
		nm = fixed[size > 0 ? data[0] % 5 : 0];

	/* The struct is large (32 SANs): on the heap, as ASan sees best. */
	if ((o = malloc(sizeof(*o))) == NULL) {
		X509_free(x);
		return 0;
	}
	facts(x, nm, nm != NULL && is_ip(nm), o);

	/* Its own first plain name must match. */
	for (i = 0; i < o->nsans; i++) {
		char own[128];

		if (strncmp(o->sans[i], "DNS:", 4) == 0 &&
		    plain_dns(o->sans[i] + 4)) {
			snprintf(own, sizeof(own), "%s", o->sans[i] + 4);
			facts(x, own, false, o);
			if (o->hostname_match != 1)
				abort();
			break;
		}
		if (strncmp(o->sans[i], "IP:", 3) == 0) {
			snprintf(own, sizeof(own), "%s", o->sans[i] + 3);
			facts(x, own, true, o);
			if (o->hostname_match != 1)
				abort();
			break;
		}
	}
	free(o);
	X509_free(x);
	return 0;
}
