/* Mail from the services (see mail.h). */
#include "mail/mail.h"

#include "app.h"
#include "db/mail.h"
#include "db/run.h"
#include "log.h"
#include "mail/compose.h"
#include "render/buf.h"
#include "render/i18n.h"
#include "render/template.h"
#include "util/hex.h"

#include <jansson.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* text with each {name} of params replaced by its value (values are not scanned again). */
static char *fill(const char *text, const char *const *params)
{
    gk_buf b;
    gk_buf_init(&b);
    for (const char *p = text; *p;) {
        bool done = false;
        if (*p == '{') {
            for (size_t i = 0; params && params[i] && params[i + 1] && !done; i += 2) {
                size_t n = strlen(params[i]);
                if (!strncmp(p + 1, params[i], n) && p[1 + n] == '}') {
                    gk_buf_puts(&b, params[i + 1]);
                    p += n + 2;
                    done = true;
                }
            }
        }
        if (!done) gk_buf_putc(&b, *p++);
    }
    return gk_buf_steal(&b, NULL);
}

static const char *msg(const char *lang, const char *key)
{
    return gk_messages_get(gk_app.messages, lang, key);
}

char *gk_mail_url(const char *path, const char *token)
{
    gk_buf b;
    gk_buf_init(&b);
    gk_buf_appendf(&b, "%s%s", gk_app.config.public_url ? gk_app.config.public_url : "", path);
    if (token) gk_buf_appendf(&b, "?token=%s", token);
    return gk_buf_steal(&b, NULL);
}

/* The paragraphs of text (separated by blank lines) as a JSON array. */
static json_t *paragraphs(const char *text)
{
    json_t *a = json_array();
    const char *p = text;
    while (a && *p) {
        const char *e = strstr(p, "\n\n");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) json_array_append_new(a, json_stringn(p, n));
        p += n;
        while (*p == '\n')
            p++;
    }
    return a;
}

/* The HTML part from template `mail`, or NULL (the text part alone goes out). */
static char *render_html(const char *lang, const char *subject, const char *body, const char *link,
                         const char *footer)
{
    if (!gk_app.templates) return NULL;
    json_t *model = json_pack("{s:s, s:o, s:s?, s:o}", "subject", subject, "paragraphs",
                              paragraphs(body), "link", link, "footer", paragraphs(footer));
    if (!model) return NULL;
    gk_buf b;
    gk_buf_init(&b);
    int rc = gk_template_render(gk_app.templates, "mail", model, gk_app.messages, lang, &b);
    json_decref(model);
    if (rc != GK_RENDER_OK) {
        gk_buf_free(&b);
        return NULL;
    }
    return gk_buf_steal(&b, NULL);
}

gk_tx_status gk_mail_queue(PGconn *c, const gk_mail *m)
{
    char key[96];
    const char *lang = m->lang && !strcmp(m->lang, "en") ? "en" : "ja";
    /* A parameter "x_key" whose value is a catalogue key gives {x} as that key's text in the
     * recipient's language (a decision, an action). */
    const char *params[34];
    size_t np = 0;
    char names[8][48];
    size_t nn = 0;
    for (size_t i = 0; m->params[i] && i + 1 < 16 && m->params[i + 1] && np + 4 < 34; i += 2) {
        params[np++] = m->params[i];
        params[np++] = m->params[i + 1];
        size_t l = strlen(m->params[i]);
        if (l > 4 && l < 48 && !strcmp(m->params[i] + l - 4, "_key") && nn < 8) {
            snprintf(names[nn], sizeof names[nn], "%.*s", (int)(l - 4), m->params[i]);
            params[np++] = names[nn++];
            params[np++] = msg(lang, m->params[i + 1]);
        }
    }
    params[np] = NULL;
    snprintf(key, sizeof key, "mail.%s.subject", m->kind);
    char *subject = fill(msg(lang, key), params);
    snprintf(key, sizeof key, "mail.%s.body", m->kind);
    char *body = fill(msg(lang, key), params);
    const char *footer = msg(lang, "mail.footer");
    gk_buf text;
    gk_buf_init(&text);
    gk_buf_puts(&text, body ? body : "");
    gk_buf_puts(&text, "\n\n");
    if (m->link) gk_buf_appendf(&text, "%s\n\n", m->link);
    gk_buf_appendf(&text, "-- \n%s\n", footer);
    char *html = subject && body ? render_html(lang, subject, body, m->link, footer) : NULL;

    unsigned char rnd[16];
    char hex[33], mid[160];
    const char *host = "localhost";
    const char *at = strchr(gk_app.config.mail_from ? gk_app.config.mail_from : "", '@');
    if (at && at[1]) host = at + 1;
    bool ok = RAND_bytes(rnd, sizeof rnd) == 1 && gk_hex_encode(rnd, sizeof rnd, hex, sizeof hex);
    snprintf(mid, sizeof mid, "%s.%ld@%s", hex, (long)time(NULL), host);
    gk_mail_msg mm = {.from =
                          gk_app.config.mail_from ? gk_app.config.mail_from : "noreply@localhost",
                      .to = m->to,
                      .subject = subject,
                      .text = gk_buf_cstr(&text),
                      .html = html,
                      .date = time(NULL),
                      .message_id = mid,
                      .kind = m->kind,
                      .list_unsubscribe = m->unsubscribe};
    char *message = ok && subject && body ? gk_mail_compose(&mm) : NULL;
    gk_tx_status st = GK_TX_HARD;
    if (message)
        st = gk_db_mail_insert(c, m->kind, m->to, subject, message, m->secret);
    else
        gk_log("bug", "mail not composed", json_pack("{s:s}", "kind", m->kind));
    free(message);
    free(html);
    gk_buf_free(&text);
    free(subject);
    free(body);
    return st;
}

gk_tx_status gk_mail_notify_user(PGconn *c, const char *user_id, const char *pref, const char *kind,
                                 const char *path, const char *const *params)
{
    const char *v[] = {user_id, pref};
    PGresult *res = NULL;
    gk_tx_status st = gk_db_run(c, GK_SQL_MAIL_USER_BY_ID, 2, v, &res, NULL, NULL);
    if (st != GK_TX_OK) return st;
    if (PQntuples(res) != 1 || PQgetvalue(res, 0, 3)[0] != 't') {
        PQclear(res);
        return GK_TX_OK; /* nobody to tell, or they do not want it */
    }
    gk_mail m = {.kind = kind, .to = PQgetvalue(res, 0, 0), .lang = PQgetvalue(res, 0, 2)};
    size_t n = 0;
    m.params[n++] = "name";
    m.params[n++] = PQgetvalue(res, 0, 1);
    for (size_t i = 0; params && params[i] && params[i + 1] && n + 3 < 16; i += 2) {
        m.params[n++] = params[i];
        m.params[n++] = params[i + 1];
    }
    m.params[n] = NULL;
    char *link = path ? gk_mail_url(path, NULL) : NULL;
    m.link = link;
    st = gk_mail_queue(c, &m);
    free(link);
    PQclear(res);
    return st;
}

/* gk_mail_notify_user for each user id the statement stmt($1 key) returns. */
static gk_tx_status notify_each(PGconn *c, const char *stmt, const char *app_id, const char *pref,
                                const char *kind, const char *path, const char *const *params)
{
    const char *v[] = {app_id};
    PGresult *res = NULL;
    gk_tx_status st = gk_db_run(c, stmt, 1, v, &res, NULL, NULL);
    for (int i = 0; st == GK_TX_OK && i < PQntuples(res); i++)
        st = gk_mail_notify_user(c, PQgetvalue(res, i, 0), pref, kind, path, params);
    PQclear(res);
    return st;
}

gk_tx_status gk_mail_notify_applicants(PGconn *c, const char *app_id, const char *pref,
                                       const char *kind, const char *path,
                                       const char *const *params)
{
    return notify_each(c, GK_SQL_MAIL_APPLICANTS, app_id, pref, kind, path, params);
}

gk_tx_status gk_mail_notify_examiner(PGconn *c, const char *app_id, const char *pref,
                                     const char *kind, const char *path, const char *const *params)
{
    return notify_each(c, GK_SQL_MAIL_EXAMINER, app_id, pref, kind, path, params);
}

gk_tx_status gk_mail_notify_cert_holders(PGconn *c, const char *number, const char *pref,
                                         const char *kind, const char *path,
                                         const char *const *params)
{
    return notify_each(c, GK_SQL_MAIL_CERT_HOLDERS, number, pref, kind, path, params);
}

gk_tx_status gk_mail_digest_one(PGconn *c, unsigned hours, bool *done)
{
    *done = false;
    char h[16];
    snprintf(h, sizeof h, "%u", hours);
    const char *hv[] = {h};
    PGresult *sub = NULL;
    gk_tx_status st = gk_db_run(c, GK_SQL_SUB_DUE, 1, hv, &sub, NULL, NULL);
    if (st != GK_TX_OK) return st;
    if (PQntuples(sub) != 1) {
        PQclear(sub);
        return GK_TX_OK;
    }
    *done = true;
    const char *id = PQgetvalue(sub, 0, 0), *lang = PQgetvalue(sub, 0, 3);
    const char *cv[] = {PQgetvalue(sub, 0, 2), PQgetvalue(sub, 0, 5)};
    PGresult *ch = NULL;
    st = gk_db_run(c, GK_SQL_SUB_CHANGES, 2, cv, &ch, NULL, NULL);
    if (st == GK_TX_OK && PQntuples(ch) > 0) {
        /* the public facts only: number, what happened, maker and model */
        gk_buf lines;
        gk_buf_init(&lines);
        for (int i = 0; i < PQntuples(ch); i++) {
            char key[48];
            snprintf(key, sizeof key, "mail.event.%s", PQgetvalue(ch, i, 1));
            gk_buf_appendf(&lines, "%s%s  %s  %s %s", i ? "\n" : "", PQgetvalue(ch, i, 0),
                           msg(lang, key), PQgetvalue(ch, i, 2), PQgetvalue(ch, i, 3));
        }
        char count[16];
        snprintf(count, sizeof count, "%d", PQntuples(ch));
        char *unsub = gk_mail_url("/unsubscribe", PQgetvalue(sub, 0, 4));
        gk_mail m = {.kind = "subscription.digest",
                     .to = PQgetvalue(sub, 0, 1),
                     .lang = lang,
                     .link = unsub,
                     .unsubscribe = unsub,
                     .params = {"query", PQgetvalue(sub, 0, 2), "count", count, "changes",
                                gk_buf_cstr(&lines), NULL}};
        st = unsub && !lines.failed ? gk_mail_queue(c, &m) : GK_TX_HARD;
        free(unsub);
        gk_buf_free(&lines);
    }
    PQclear(ch);
    if (st == GK_TX_OK) {
        const char *dv[] = {id};
        st = gk_db_run(c, GK_SQL_SUB_DIGESTED, 1, dv, NULL, NULL, NULL);
    }
    PQclear(sub);
    return st;
}

gk_tx_status gk_mail_notify_reviewers(PGconn *c, const char *proposer_id, const char *pref,
                                      const char *kind, const char *path, const char *const *params)
{
    return notify_each(c, GK_SQL_MAIL_REVIEWERS, proposer_id, pref, kind, path, params);
}
