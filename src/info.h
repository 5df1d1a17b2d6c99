/* info.h — the text of INFO (and CLUSTER INFO) into struct rd_server_obs.
 *
 * Pure: bytes in, fields out.  Lines are "key:value" with CRLF or LF;
 * sections ("# Server"), unknown keys, garbage and overlong values are
 * skipped.  Numbers that do not parse stay unknown (-1). */
#ifndef RD_INFO_H
#define RD_INFO_H

#include <stddef.h>

#include "obs.h"

/* Sets every field of *s to unknown: -1, "" and hit_rate -1. */
void	info_init(struct rd_server_obs *s);

/* Fills the fields text names into *s (call info_init first), then
 * derives hit_rate.  text need not be NUL-terminated. */
void	info_parse(const char *text, size_t len, struct rd_server_obs *s);

#endif
