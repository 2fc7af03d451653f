/*
 * cmdop/pager.h — one opaque iterator for all three page styles (cursor,
 * offset, page-number). Created by the generated typed helpers
 * (cmdop_<ns>_<iter|pages>...) and advanced by their typed _next functions.
 */
#ifndef CMDOP_PAGER_H
#define CMDOP_PAGER_H

#include "cmdop/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cmdop_pager cmdop_pager;

/* Frees a pager and any page it buffered. NULL is a no-op. */
CMDOP_EXTERN void cmdop_pager_free(cmdop_pager *pager);

#ifdef __cplusplus
}
#endif
#endif /* CMDOP_PAGER_H */
