/* report.h — the diagnosis: configuration, observations, findings,
 * checklist, verdict and exit code, and the renderers that print it.
 *
 * rules_eval() turns config + observations into findings; report_finish()
 * derives checklist, verdict and exit code.  Renderers only read. */
#ifndef RD_REPORT_H
#define RD_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "obs.h"
#include "topo.h"

#define RD_SCHEMA_VERSION	"1.0"

enum rd_severity { RD_SEV_INFO, RD_SEV_WARNING, RD_SEV_CRITICAL };
extern const char *const rd_severity_names[];	/* "info", "warning", "critical" */

#define RD_MAX_REMEDY	4

struct rd_finding {
	char	 id[48];		/* stable: "tcp.refused" (SPEC section 7) */
	enum rd_severity sev;
	char	 title[160];
	char	 evidence[640];		/* which variables, values, codes; never a secret */
	char	 remediation[RD_MAX_REMEDY][256];
	int	 nremedy;
};

struct rd_findings {
	struct rd_finding *v;
	size_t	 n, cap;
};

/* Appends a finding; returns it (zeroed but for id and sev) or NULL on
 * allocation failure. */
struct rd_finding *findings_add(struct rd_findings *, const char *id,
	    enum rd_severity);
bool	findings_has(const struct rd_findings *, const char *id);
void	findings_free(struct rd_findings *);

/* Append printf-style text to f's evidence, or one remediation line to f,
 * cut to fit.  Nothing happens when f is NULL (findings_add failed, or a
 * rule declined a duplicate), nor to a remediation past RD_MAX_REMEDY
 * lines: the rules call them without checking. */
void	finding_evid(struct rd_finding *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	finding_remedy(struct rd_finding *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

enum rd_cl_status { RD_CL_SKIP, RD_CL_PASS, RD_CL_FAIL, RD_CL_WARN };
extern const char *const rd_cl_status_names[];	/* "skip", "pass", "fail", "warn" */

enum rd_cl_id {
	RD_CL_REMOTE_HOST, RD_CL_PASSWORD, RD_CL_TLS_SCHEME, RD_CL_SNI,
	RD_CL_CERTIFICATE, RD_CL_ENV_REACHES_APP, RD_CL_DNS, RD_CL_TCP,
	RD_CL_TLS_HANDSHAKE, RD_CL_AUTH, RD_CL_PING, RD_CL_SERVER_READY,
	RD_CL_MEMORY_HEADROOM, RD_CL_CLIENT_HEADROOM, RD_CL__COUNT
};

struct rd_cl_item {
	const char *id;			/* "remote_host", ... (SPEC section 6 order) */
	const char *title;
	enum rd_cl_status status;
	char	 note[200];
};

enum rd_verdict {
	RD_V_OK, RD_V_WARN, RD_V_REJECTING, RD_V_UNREACHABLE, RD_V_NO_ATTEMPT
};
extern const char *const rd_verdict_names[];	/* "ok", "warn", "rejecting", "unreachable", "no_attempt" */

/* Exit codes, SPEC section 8. */
enum {
	RD_EXIT_OK = 0,			/* PONG (warnings allowed unless --strict) */
	RD_EXIT_REJECTING = 1,		/* answered but refused, or warnings under --strict */
	RD_EXIT_UNREACHABLE = 2,	/* no Redis conversation */
	RD_EXIT_NO_ATTEMPT = 3		/* bad configuration or usage */
};

enum rd_format {
	RD_FMT_JSON, RD_FMT_TEXT, RD_FMT_NDJSON, RD_FMT_NAGIOS,
	RD_FMT_PROMETHEUS, RD_FMT_JUNIT
};

/* Monitoring thresholds (--warning/--critical, SPEC section 15): each
 * -1 when not given.  latency in microseconds (p99), memory and clients in
 * percent of maxmemory/maxclients, cert_days in days left (lower is worse). */
struct rd_thresholds {
	int64_t	 latency_us;
	int	 memory_pct;
	int	 clients_pct;
	int	 cert_days;
};

/* --label k=v: extra labels on every Prometheus series. */
#define RD_MAX_LABELS	8
struct rd_label {
	const char *key, *value;	/* point into argv */
};

struct rd_report_opts {
	enum rd_format format;
	bool	 strict;
	bool	 quiet;
	bool	 color;
	int64_t	 latency_threshold_us;	/* latency.high above this p99 */
	struct rd_thresholds warn, crit;	/* nagios state and perfdata */
	struct rd_label labels[RD_MAX_LABELS];
	int	 nlabels;
	const char *name_label;	/* --targets, serve: the target's name, the
				   first label of every Prometheus series */
};

/* The result of probing one further candidate (--all-candidates). */
struct rd_cand_result {
	const struct rd_candidate *cand;
	enum rd_verdict verdict;
	int	 exit_code;
	char	 summary[256];
	bool	 probed;
	enum rd_status steps[RD_STEP__COUNT];	/* each step's, when probed */
};

/* SPEC 12: one variation of the application's connection, probed under
 * the same deadline after the attempt as the application failed. */
enum rd_alt_kind {
	RD_ALT_SNI, RD_ALT_TLS_ON, RD_ALT_TLS_OFF, RD_ALT_FAMILY,
	RD_ALT_NO_PASSWORD, RD_ALT_PASSWORD, RD_ALT_CANDIDATE
};

struct rd_alt_result {
	enum rd_alt_kind kind;
	char	 change[128];		/* "SNI = localhost", "TLS off", ... */
	const struct rd_candidate *cand;	/* RD_ALT_CANDIDATE */
	const struct rd_spare_pw *spare;	/* RD_ALT_PASSWORD */
	enum rd_verdict verdict;
	int	 exit_code;
	char	 summary[256];
};

/* explain: one classified line of pasted text or a log. */
struct rd_explain_line {
	int	 lineno;
	char	 id[48];			/* finding id */
	char	 client[32];		/* "ioredis", "redis-py", ... or "" */
	char	 host[256];		/* extracted, or "" */
	int	 port;			/* extracted, or 0 */
	char	 excerpt[200];		/* the line, URLs redacted */
};

struct rd_report {
	const char *command;		/* "check", "env", "simulate", "explain", "watch" */
	const struct rd_config *cfg;	/* never NULL for check/env/simulate */
	const struct rd_obs *obs;	/* NULL when no network step ran (env) */
	struct rd_topology *topo;	/* cluster or sentinel behind the target, else
					   NULL; owned (report_free releases it) */
	const char *scenario;		/* simulate: the scenario name, else NULL */
	struct rd_findings findings;
	struct rd_cl_item checklist[RD_CL__COUNT];
	enum rd_verdict verdict;
	int	 exit_code;
	char	 summary[1024];		/* explain lists every id's count */
	struct rd_cand_result *cands;	/* --all-candidates, else NULL */
	size_t	 ncands;
	struct rd_alt_result *alts;	/* the variations tried, else NULL */
	size_t	 nalts;
	const struct rd_explain_line *lines;	/* explain, else NULL */
	size_t	 nlines;
	bool	 no_input;		/* explain: no text at all (exit 3) */
	struct rd_report_opts opts;
};

/* Turns config (+ observations when obs != NULL) into findings, running
 * every rule of the table in rules.c. */
void	rules_eval(const struct rd_config *, const struct rd_obs *,
	    const struct rd_report_opts *, struct rd_findings *);

/* The configuration half of the rules (rules_config.c): config.* and
 * provider.* findings.  obs may be NULL (env) or the probe's observations,
 * which can sharpen severity (loopback in a container that then failed). */
void	rules_config(const struct rd_config *, const struct rd_obs *,
	    const struct rd_report_opts *, struct rd_findings *);

/* The client-model half (rules_client.c): config.not_read_by_app,
 * config.loose_value, config.client_disagreement, client.*. */
void	rules_client(const struct rd_config *, const struct rd_obs *,
	    struct rd_findings *);

/* The hello step's findings (rules_hello.c) and a Unix socket's
 * connection findings (rules_unix.c), called by rules_eval() after the
 * table. */
void	rules_hello(const struct rd_config *, const struct rd_obs *,
	    struct rd_findings *);
void	rules_unix(const struct rd_config *, const struct rd_obs *,
	    struct rd_findings *);

/* The one table of server error replies (rules.c): the finding id a RESP
 * error text names ("NOAUTH Authentication required." -> "auth.required"),
 * or NULL when it names none.  A leading '-' and blanks are skipped; explain
 * reuses it for pasted errors. */
const char *rules_classify_reply(const char *err_text);

/* The topology half of the rules (rules_topo.c): cluster.* and
 * sentinel.* findings from t (nothing when t is NULL). */
void	rules_topo(const struct rd_config *, const struct rd_obs *,
	    const struct rd_topology *t, struct rd_findings *);

/* Fills checklist, verdict, exit_code and summary from cfg, obs and the
 * findings already in r. */
void	report_finish(struct rd_report *r);

/* Frees the findings and r->cands (malloc'd by whoever filled them);
 * cfg, obs and lines stay the caller's. */
void	report_free(struct rd_report *r);

/* Prints r in r->opts.format.  Returns 0, or -1 on a write error. */
int	report_render(const struct rd_report *r, FILE *out);

/* env --list-clients (clients true) / --list-profiles: the model rows as
 * JSON (fmt json or ndjson) or text.  Returns 0, -1 on a write error
 * (render_models.c). */
int	render_models(enum rd_format fmt, bool clients, FILE *out);

/* Renderers, one per file; report_render() dispatches. */
int	render_json(const struct rd_report *, FILE *, bool pretty);
int	render_text(const struct rd_report *, FILE *);
int	render_ndjson(const struct rd_report *, FILE *);
int	render_nagios(const struct rd_report *, FILE *);
int	render_prometheus(const struct rd_report *, FILE *);
int	render_junit(const struct rd_report *, FILE *);

/* The monitoring-plugin state of r (render_formats.c): 0 OK, 1 WARNING,
 * 2 CRITICAL (unreachable and rejecting), 3 UNKNOWN (no attempt), from
 * the verdict, the findings and the --warning/--critical thresholds, the
 * same ones the perfdata prints.  report_finish() makes it the exit code
 * under --format nagios (SPEC section 15). */
int	report_nagios_state(const struct rd_report *);

/* The threshold in force for the nagios state and perfdata: the one
 * given, else the default (warning latency: --latency-threshold; warning
 * memory and clients: 90%; warning cert_days: 14).  -1 when none. */
void	report_thresholds(const struct rd_report_opts *, struct rd_thresholds *warn,
	    struct rd_thresholds *crit);

/* True once render_nagios, render_prometheus or render_junit printed a
 * report in this process: main prints a stand-in (REDIS UNKNOWN, an up of
 * 0) for a run that ended before any report, such as a usage error. */
bool	render_formats_printed(void);

/* --verbose: the run as a trace of "* " lines (render_trace.c), for
 * stderr.  Reads r only; never prints a secret.  Returns 0 or -1 on a
 * write error. */
int	render_trace(const struct rd_report *, FILE *);

/* Presentation helpers shared by every renderer (render.c).  They decide
 * nothing new: they read r and return the same answer to every format. */

/* The step as renderers show it: obs->steps[id], or for the config step of
 * a report without observations (env, an invalid configuration) one made
 * from cfg (ok, or fail with the first fatal problem).  A step that is ok
 * but has a warning finding of its own (tls.insecure on tls, auth.noperm
 * on info, config.* on config, ...) is shown as warn. */
void	report_step(const struct rd_report *, enum rd_step_id, struct rd_step *out);

/* "NAME: detail" for a configuration problem, without naming the
 * variable twice when the detail already starts with it. */
void	report_problem_text(const struct rd_problem *, char *buf, size_t sz);

/* The checklist item's id and title, even when report_finish() left them
 * NULL (fixed SPEC section 6 table). */
const char *report_cl_id(const struct rd_report *, enum rd_cl_id);
const char *report_cl_title(const struct rd_report *, enum rd_cl_id);

/* True when finding id explains checklist item cl, as its catalog row
 * says (junit failures and the text checklist name the findings behind an
 * item; report_finish decided the item from the same rows). */
bool	report_finding_for_item(const char *id, enum rd_cl_id cl);

/* The report as a cJSON tree (render_json.c), for renderers that embed it
 * (watch).  The caller frees it with cJSON_Delete().  NULL on allocation
 * failure. */
struct cJSON;
struct cJSON *report_to_cjson(const struct rd_report *);

/* The JSON Schema of every report (redisdiag schema). */
const char *report_schema(void);

/* watch: one probe, and the summary at the end (render_watch.c). */
struct rd_watch_event {
	int64_t	 seq;
	char	 ts[40];		/* RFC 3339 UTC */
	const char *state;		/* "up", "down", "recovered" */
	int	 consecutive_failures;
	const struct rd_report *r;
};

/* watch --hold: one line per PING on the held connection and one when it
 * died; finding is conn.idle_reset (or NULL). */
struct rd_hold_line {
	char	 ts[40];
	int64_t	 seq;			/* the probe count it belongs to */
	const char *event;		/* "pong", "reply", "reset", "timeout" */
	int64_t	 connection;		/* 1 for the first, +1 per reconnect */
	int64_t	 age_us, idle_us, rtt_us;	/* -1 unknown */
	const char *target;
	const struct rd_finding *finding;
};

int	render_hold_line(const struct rd_hold_line *, FILE *);

struct rd_watch_summary {
	int64_t	 reconnects, idle_resets;	/* watch --hold; 0 otherwise */
	int64_t	 probes, failures;
	double	 availability;		/* 0..1 */
	int64_t	 min_us, p50_us, p99_us, max_us;	/* over successful probes */
	const char *state;
	int	 exit_code;
};

int	render_watch_event(const struct rd_watch_event *, FILE *);
int	render_watch_summary(const struct rd_watch_summary *, FILE *);

#endif
