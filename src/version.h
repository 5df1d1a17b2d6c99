/* version.h — the one place the version lives. */
#ifndef RD_VERSION_H
#define RD_VERSION_H
#define RD_NAME		"redisdiag"
#define RD_VERSION	"0.1.0"
#endif
