/*
 * cmdop/export.h — CMDOP_EXTERN marks every public declaration of libcmdop.
 *
 * The library is built with -fvisibility=hidden and a symbol version script
 * (runtime/libcmdop.map): only what a public header declares with
 * CMDOP_EXTERN is exported from libcmdop.so; the internal cmdop__* symbols
 * are not (docs/abi.md).
 *
 * A tool that parses the headers with a plain C parser (pycparser, cffi)
 * defines CMDOP_EXTERN as empty before including them (-DCMDOP_EXTERN=).
 */
#ifndef CMDOP_EXPORT_H
#define CMDOP_EXPORT_H

#ifndef CMDOP_EXTERN
#  if defined(__GNUC__) || defined(__clang__)
#    define CMDOP_EXTERN __attribute__((visibility("default")))
#  else
#    define CMDOP_EXTERN
#  endif
#endif

#endif /* CMDOP_EXPORT_H */
