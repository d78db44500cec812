/* GET /api/v1/applications/{id}/history: every status change of the case, oldest first,
 * with who (id, name, role), when and why (application_events, append-only). */
#include "http/handlers.h"
#include "db/applications.h"
#include "db/db.h"
#include "db/tx.h"
#include "http/reply.h"

void gk_h_applications_history(gk_request *r)
{
    gk_error e;
    json_t *app = gk_app_load(r, r->params[0], false, &e);
    if (!app) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    json_decref(app);
    json_t *items = NULL;
    gk_tx_status s = gk_db_app_history(gk_db_conn(), r->params[0], &items);
    if (s != GK_TX_OK || !items) {
        gk_reply_problem(r, gk_tx_error(s), NULL,
                         NULL);
        return;
    }
    gk_reply_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next"));
}
