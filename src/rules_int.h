/* rules_int.h — what the rule files share (rules.c, rules_net.c,
 * rules_tls.c, rules_reply.c, rules_config.c): the rule context, short
 * names for filling a finding, so a rule reads as the sentence it writes,
 * and the helpers and rules one file defines for another.  Internal:
 * nothing outside the rules includes it. */
#ifndef RD_RULES_INT_H
#define RD_RULES_INT_H

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "catalog.h"
#include "dns.h"
#include "report.h"
#include "strutil.h"
#include "tcp.h"
#include "tls.h"

/* Append to a finding's title or evidence, or add a remediation line;
 * each does nothing when f is NULL (see finding_evid() in report.h). */
#define TITLE(f, ...)	do { if ((f) != NULL) \
	rd_appendf((f)->title, sizeof((f)->title), __VA_ARGS__); } while (0)
#define EVID(f, ...)	finding_evid(f, __VA_ARGS__)
#define REMEDY(f, ...)	finding_remedy(f, __VA_ARGS__)

/* What every rule reads and writes. */
struct rctx {
	const struct rd_config *cfg;
	const struct rd_obs *obs;
	const struct rd_report_opts *opts;
	struct rd_findings *fs;
	char	 target[300];		/* "host:port" as configured */
	char	 peer[300];		/* the address that answered, else target */
};

/* Helpers and rules (each file says what they do).  ru_emit() adds finding
 * id unless one with that id is already there: the first rule to explain a
 * failure wins; it returns NULL when it was a duplicate. */
struct rd_finding *ru_emit(struct rctx *c, const char *id, enum rd_severity sev);
const char *ru_ms(char *buf, size_t sz, int64_t us);
/* "a status", "a bulk string", "an array", ... for a reply's kind. */
const char *ru_reply_kind(const struct rd_reply_obs *r);
int64_t	ru_elapsed(const struct rctx *c, enum rd_step_id step);
const char *ru_errno_name(int e, char *buf, size_t sz);
const char *ru_alert_name(int a);
void	ru_evid_source(struct rctx *c, struct rd_finding *f);
void	ru_remedy_target(struct rctx *c, struct rd_finding *f);
void	rule_dns(struct rctx *c);
void	rule_tcp(struct rctx *c);
const char *ru_other_protocol(const char *b);
void	rule_tls(struct rctx *c);
void	rule_tls_insecure(struct rctx *c);
void	rule_tls_name_unchecked(struct rctx *c);
void	rule_tls_expiring(struct rctx *c);
void	rule_conversation(struct rctx *c);
void	rule_replies(struct rctx *c);
void	rule_server(struct rctx *c);
void	rule_health(struct rctx *c);
void	rule_latency(struct rctx *c);

#endif
