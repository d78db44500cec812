#include "errors.h"
#include "render/i18n.h"

#include <string.h>

static const struct {
    const char *code;
    unsigned status;
    const char *en;
    const char *ja;
} catalogue[GK_ERR__COUNT] = {
#define GK_ERROR(name, c, s, e, j) [GK_ERR_##name] = {c, s, e, j},
#include "errors.def"
#undef GK_ERROR
};

const char *gk_error_code(gk_error e)
{
    return (unsigned)e < GK_ERR__COUNT ? catalogue[e].code : "server.internal";
}

unsigned gk_error_status(gk_error e)
{
    return (unsigned)e < GK_ERR__COUNT ? catalogue[e].status : 500;
}

const char *gk_error_title(gk_error e, const char *lang)
{
    if ((unsigned)e >= GK_ERR__COUNT) e = GK_ERR_INTERNAL;
    return gk_lang_is_ja(lang) ? catalogue[e].ja : catalogue[e].en;
}
