/* rules_hello.c — the findings of the hello step (-2 / -3, hello.c).
 *
 * A HELLO error reply is classified by the one table of server replies
 * (rules_classify_reply): NOAUTH is auth.required, WRONGPASS is
 * auth.wrongpass, LOADING server.loading, ...  What that table does not
 * know is HELLO's own: NOPROTO (the server does not speak that protocol
 * version) and "unknown command 'HELLO'" (Redis before 6), both
 * server.hello_unsupported — a warning, since the probe goes on in RESP2
 * and says whether that works.  A finding the later steps already made
 * (the AUTH step's auth.wrongpass) is not repeated. */
#include <string.h>

#include "catalog.h"
#include "report.h"
#include "rules_int.h"

void
rules_hello(const struct rd_config *cfg, const struct rd_obs *obs,
    struct rd_findings *fs)
{
	const struct rd_hello_obs *h;
	const struct rd_catalog_entry *e;
	struct rd_finding *f;
	const char *id;

	if (obs == NULL || !obs->hello.attempted)
		return;
	h = &obs->hello;
	if (h->reply.kind != RD_R_ERROR)
		return;
	/* Text, not a code: a pre-6 server answers HELLO with a plain ERR
	 * whose only distinguishing part is its wording ("ERR unknown command
	 * 'HELLO'...").  Kept knowingly: there is no error code to match
	 * instead. */
	if (strcmp(h->reply.prefix, "NOPROTO") == 0 ||
	    (strcmp(h->reply.prefix, "ERR") == 0 &&
	    strstr(h->reply.text, "unknown command") != NULL))
		id = "server.hello_unsupported";
	else if ((id = rules_classify_reply(h->reply.text)) == NULL)
		id = "server.error";
	if (findings_has(fs, id))
		return;
	e = catalog_find(id);
	if ((f = findings_add(fs, id, e != NULL ? e->sev : RD_SEV_CRITICAL)) == NULL)
		return;
	catalog_title(f);
	EVID(f, "HELLO %d%s answered -%s", h->proto_asked,
	    h->with_auth ? " AUTH <user> ****" : "", h->reply.text);
	if (strcmp(id, "server.hello_unsupported") == 0 &&
	    obs->steps[RD_STEP_PING].status == RD_ST_OK)
		EVID(f, "; PING works in RESP2");
	if (cfg != NULL && cfg->host != NULL)
		EVID(f, " (%s)", cfg->host);
	catalog_remedies(f);
}
