/* mhd.h — libmicrohttpd, loaded when `serve` starts and not before.
 *
 * Debian's libmicrohttpd links GnuTLS and eight more libraries; linked
 * into the binary they would be loaded and relocated on every run of
 * every command (twice the instructions of a healthy `check`, most of
 * them the dynamic loader's).  serve.c calls the library through this
 * table instead; the types and constants still come from microhttpd.h. */
#ifndef RD_MHD_H
#define RD_MHD_H

#include <stddef.h>

#include <microhttpd.h>

struct rd_mhd {
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_stop_daemon) stop_daemon;
	__typeof__(&MHD_quiesce_daemon) quiesce_daemon;
	__typeof__(&MHD_get_daemon_info) get_daemon_info;
	__typeof__(&MHD_suspend_connection) suspend_connection;
	__typeof__(&MHD_resume_connection) resume_connection;
	__typeof__(&MHD_lookup_connection_value) lookup_connection_value;
	__typeof__(&MHD_get_connection_values) get_connection_values;
	__typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_destroy_response) destroy_response;
};

/* The library's functions once mhd_load() returned 0. */
extern struct rd_mhd mhd;

/* Loads libmicrohttpd (soname libmicrohttpd.so.12, else
 * libmicrohttpd.so) and every function above.  Returns 0, or -1 with why
 * in err.  Call once, before any thread uses mhd. */
int	mhd_load(char *err, size_t errlen);

#endif
