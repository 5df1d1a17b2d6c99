/* render_int.h — what the renderers share and nothing else includes: the
 * name of a configuration problem's kind, and the small cJSON adders and
 * printer of the JSON renderers (render_json.c, render_json_obs.c,
 * render_watch.c). */
#ifndef RD_RENDER_INT_H
#define RD_RENDER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

/* "invalid_url", "invalid_port", ... for a problem kind (render.c). */
const char *render_problem_kind(enum rd_problem_kind);

/* render_json.c.  json_str adds v, or null when v is NULL or "";
 * json_known adds v, or null when v < 0 (unknown). */
struct cJSON;
void	json_str(struct cJSON *, const char *k, const char *v);
void	json_known(struct cJSON *, const char *k, int64_t v);
/* Numbers, printed as cJSON would (json_ms: µs as milliseconds, 1.234). */
void	json_num(struct cJSON *, const char *k, double v);
void	json_ms(struct cJSON *, const char *k, int64_t us);

/* A step's error object, or null when none (render_json.c). */
struct rd_err;
struct cJSON *json_error(const struct rd_err *err);

/* Adds the observation sections of the report to o, in the report's
 * order: "timings" to "latency", each null or empty when obs is NULL
 * (render_json_obs.c). */
struct rd_obs;
void	json_observations(struct cJSON *o, const struct rd_obs *obs);

/* The topology{} object (render_json_topo.c), and the text drawing of
 * it (render_text_topo.c); nothing when t is NULL. */
struct rd_topology;
struct cJSON *json_topology(const struct rd_topology *t);
int	text_topology(const struct rd_topology *t, FILE *out, bool color);

/* Prints o and a newline (indented when pretty) and frees o.  Returns 0,
 * or -1 when o is NULL or a write failed. */
int	json_emit(struct cJSON *o, FILE *out, bool pretty);

/* Runs fn(arg, memory) and writes what it printed to out through the one
 * sanitizer (rd_fput_clean, text mode): how every renderer that writes
 * text it did not all write itself reaches its reader.  Returns fn's
 * status, or -1 on a write error. */
int	render_clean(FILE *out, int (*fn)(const void *arg, FILE *),
	    const void *arg);

/* The machine formats (render_formats.c, render_prom.c, render_junit.c)
 * say that a report went out: render_formats_printed() in report.h. */
void	render_mark_printed(void);

#endif
