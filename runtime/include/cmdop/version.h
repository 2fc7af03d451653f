/* cmdop/version.h — library version. */
#ifndef CMDOP_VERSION_H
#define CMDOP_VERSION_H

#include "cmdop/export.h"

#define CMDOP_VERSION "0.1.0"
#define CMDOP_VERSION_MAJOR 0
#define CMDOP_VERSION_MINOR 1
#define CMDOP_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

/* Static string: the library's version ("0.1.0"). */
CMDOP_EXTERN const char *cmdop_version(void);

/* Static string: hex sha256 of the canonical IDL model the library was
 * generated from (the same hash gen/surface.json states). */
CMDOP_EXTERN const char *cmdop_idl_hash(void);

#ifdef __cplusplus
}
#endif
#endif /* CMDOP_VERSION_H */
