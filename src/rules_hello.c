/* rules_hello.c — the findings of the hello step (-2 / -3, hello.c).
 *
 * A HELLO error reply is classified by the one table of server replies
 * (rules_classify_reply): NOAUTH is auth.required, WRONGPASS is
 * auth.wrongpass, LOADING server.loading, ...  What that table does not
 * know is HELLO's own: NOPROTO (the server does not speak that protocol
 * version) and "unknown command 'HELLO'" (Redis before 6), both
 * server.hello_unsupported — a warning, since the probe goes on in RESP2
 * and says whether that works — or critical, when the modelled client
 * sends HELLO itself and does not fall back (node-redis).  A finding the
 * later steps already made (the AUTH step's auth.wrongpass) is not
 * repeated, nor the answer to a client's HELLO that carried its AUTH
 * (obs.auth holds it: the auth rules judge it). */
#include <string.h>

#include "catalog.h"
#include "clients.h"
#include "hello.h"
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
	bool stops;

	if (obs == NULL || !obs->hello.attempted)
		return;
	h = &obs->hello;
	if (h->reply.kind != RD_R_ERROR)
		return;
	/* The client's HELLO carried its AUTH: the auth rules judge that
	 * answer (obs.auth). */
	if (h->auth_inside)
		return;
	if (hello_reply_unsupported(&h->reply))
		id = "server.hello_unsupported";
	else if ((id = rules_classify_reply(h->reply.text)) == NULL)
		id = "server.error";
	if (findings_has(fs, id))
		return;
	e = catalog_find(id);
	/* A client that does not fall back fails there (node-redis). */
	stops = h->client_stops && cfg != NULL && cfg->model != NULL &&
	    strcmp(id, "server.hello_unsupported") == 0;
	if ((f = findings_add(fs, id, stops ? RD_SEV_CRITICAL : e != NULL ?
	    e->sev : RD_SEV_CRITICAL)) == NULL)
		return;
	catalog_title(f);
	EVID(f, "HELLO %d%s answered -%s", h->proto_asked,
	    h->with_auth ? " AUTH <user> ****" : "", h->reply.text);
	if (stops)
		EVID(f, "; %s sends HELLO %d and does not fall back to RESP2: the "
		    "connection fails there", cfg->client_label, h->proto_asked);
	else if (h->as_client && h->unsupported && cfg != NULL)
		EVID(f, "; %s falls back to RESP2 and a legacy AUTH",
		    cfg->client_label);
	if (strcmp(id, "server.hello_unsupported") == 0 &&
	    obs->steps[RD_STEP_PING].status == RD_ST_OK)
		EVID(f, "; PING works in RESP2");
	if (cfg != NULL && cfg->host != NULL)
		EVID(f, " (%s)", cfg->host);
	if (stops && cfg->model->opt_resp2[0] != '\0')
		finding_remedy(f, "%s: pass %s (RESP2: no HELLO)",
		    cfg->model->name, cfg->model->opt_resp2);
	catalog_remedies(f);
}
