/* render_scenarios.c — `simulate --list --format json`: the scenario table
 * as a JSON array (schema: $defs.scenario_list).  The only simulate file
 * that includes cJSON. */
#include <stdio.h>
#include <stdlib.h>

#include <cJSON.h>

#include "scenarios.h"

int
render_scenarios_json(FILE *out)
{
	const struct rd_scenario *sc;
	cJSON *arr, *o;
	char *s;
	size_t i;
	int rc = -1;

	if ((arr = cJSON_CreateArray()) == NULL)
		return -1;
	for (i = 0; i < rd_nscenarios; i++) {
		sc = &rd_scenarios[i];
		if ((o = cJSON_CreateObject()) == NULL)
			goto out;
		cJSON_AddItemToArray(arr, o);
		if (cJSON_AddStringToObject(o, "name", sc->name) == NULL ||
		    cJSON_AddStringToObject(o, "description", sc->desc) == NULL ||
		    (sc->finding != NULL ?
		    cJSON_AddStringToObject(o, "finding", sc->finding) :
		    cJSON_AddNullToObject(o, "finding")) == NULL ||
		    cJSON_AddNumberToObject(o, "exit_code", sc->exit_code) == NULL ||
		    cJSON_AddStringToObject(o, "verdict", sc->verdict) == NULL ||
		    cJSON_AddBoolToObject(o, "tls", scenario_tls(sc)) == NULL)
			goto out;
	}
	if ((s = cJSON_Print(arr)) == NULL)
		goto out;
	rc = fprintf(out, "%s\n", s) < 0 ? -1 : 0;
	free(s);
out:
	cJSON_Delete(arr);
	return rc;
}
