/* Moved: the determination and rule-set views live in service/determinations.h. This header
 * only keeps api/applications.c and web/applications.c building until their includes are
 * switched; delete it then. */
#ifndef GK_API_VIEWS_H
#define GK_API_VIEWS_H

#include "service/determinations.h"

#endif
