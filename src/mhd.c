/* mhd.c — libmicrohttpd through dlopen (see mhd.h). */
#include <dlfcn.h>
#include <stdio.h>

#include "mhd.h"

struct rd_mhd mhd;

int
mhd_load(char *err, size_t errlen)
{
	static const char *const sonames[] = { "libmicrohttpd.so.12",
	    "libmicrohttpd.so" };
	void *h = NULL;
	size_t i;

	for (i = 0; h == NULL && i < sizeof(sonames) / sizeof(sonames[0]); i++)
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(err, errlen, "cannot load libmicrohttpd (%s): install "
		    "the distribution's libmicrohttpd12", dlerror());
		return -1;
	}
#define SYM(f) do { \
	*(void **)&mhd.f = dlsym(h, "MHD_" #f); \
	if (mhd.f == NULL) { \
		snprintf(err, errlen, "libmicrohttpd has no MHD_%s", #f); \
		return -1; \
	} } while (0)
	SYM(start_daemon);
	SYM(stop_daemon);
	SYM(quiesce_daemon);
	SYM(get_daemon_info);
	SYM(suspend_connection);
	SYM(resume_connection);
	SYM(lookup_connection_value);
	SYM(get_connection_values);
	SYM(create_response_from_buffer);
	SYM(add_response_header);
	SYM(queue_response);
	SYM(destroy_response);
#undef SYM
	return 0;
}
