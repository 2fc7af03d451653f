/*
 * cmdop.h — umbrella header of libcmdop: include this one.
 * Only standard headers are pulled in; no libcurl/jansson types leak.
 */
#ifndef CMDOP_H
#define CMDOP_H

#include "cmdop/version.h"
#include "cmdop/error.h"
#include "cmdop/client.h"
#include "cmdop/pager.h"
/* Generated from idl/ (gen/c/include): record types and typed op functions. */
#include "cmdop/types.h"
#include "cmdop/ops.h"
/* machines.ask streams (the open call cmdop_machines_ask is in ops.h). */
#include "cmdop/ask.h"

#endif /* CMDOP_H */
