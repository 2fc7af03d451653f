/* op_find.c — cmdop__op_find over the generated table. */
#include <string.h>

#include "op_table.h"

const cmdop__op_desc *cmdop__op_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < cmdop__ops_count; i++)
        if (strcmp(cmdop__ops[i]->name, name) == 0)
            return cmdop__ops[i];
    return NULL;
}
