/* version.c — what this build is, for --version and the stdio handshake. */
#include "cmdop/version.h"
#include "op_table.h"

const char *cmdop_version(void) { return CMDOP_VERSION; }

const char *cmdop_idl_hash(void) { return cmdop__idl_hash; }
