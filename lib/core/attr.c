#include "core/attr.h"

#include <string.h>

const segi_attr *segi_attr_find(const segi_attr *attrs, int n_attrs, const char *name)
{
    for (int i = 0; i < n_attrs; i++)
        if (strcmp(attrs[i].name, name) == 0)
            return &attrs[i];
    return NULL;
}
