#include "service/mark.h"

#include "app.h"
#include "db/certificates.h"
#include "db/db.h"
#include "render/i18n.h"
#include "render/mark.h"
#include "render/pdf.h"
#include "render/qr.h"
#include "service/certificates.h"

#include <stdlib.h>
#include <string.h>

const char *gk_svc_cert_verify_url(const gk_call *call, const char *site, const char *number)
{
    return gk_call_printf(call, "%s/e/%s", site ? site : "", number);
}

static const char *str(json_t *view, const char *key)
{
    const char *s = json_string_value(json_object_get(view, key));
    return s ? s : "";
}

static const char *ja(const char *key)
{
    return gk_messages_get(gk_app.messages, "ja", key);
}

static const char *en(const char *key)
{
    return gk_messages_get(gk_app.messages, "en", key);
}

/* "日本語 / English" of a catalogue key, or one of them when both are the same text. */
static const char *both(const gk_call *call, const char *key)
{
    const char *j = ja(key), *e = en(key);
    return strcmp(j, e) ? gk_call_printf(call, "%s / %s", j, e) : j;
}

/* both() of the key "<prefix><part>" (cert.status.granted, ...). */
static const char *both_f(const gk_call *call, const char *prefix, const char *part)
{
    return both(call, gk_call_printf(call, "%s%s", prefix, part));
}

/* The same text in both languages with {name} filled, joined by a line break. */
static const char *both_lines(const gk_call *call, const char *key, const char *name,
                              const char *value)
{
    gk_call jc = *call, ec = *call;
    jc.lang = "ja";
    ec.lang = "en";
    return gk_call_printf(call, "%s\n%s", gk_call_msgf(&jc, key, name, value, NULL),
                          gk_call_msgf(&ec, key, name, value, NULL));
}

#define ROW(key, v)                                                                                \
    {                                                                                              \
        ja("mark.doc." key), en("mark.doc." key), (v), false                                       \
    }
#define MONO_ROW(key, v)                                                                           \
    {                                                                                              \
        ja("mark.doc." key), en("mark.doc." key), (v), true                                        \
    }

/* A row labelled by a catalogue key of its own (issue 16: the living record). */
#define KEY_ROW(key, v)                                                                            \
    {                                                                                              \
        ja(key), en(key), (v), false                                                               \
    }

/* The non-empty strings of `keys` in o, each once, joined by `sep`; "" when none. */
static const char *joined(const gk_call *call, json_t *o, const char *const *keys, size_t n,
                          const char *sep)
{
    const char *out = "";
    for (size_t i = 0; i < n; i++) {
        const char *s = str(o, keys[i]);
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen = seen || !strcmp(str(o, keys[j]), s);
        if (!*s || seen) continue;
        out = *out ? gk_call_printf(call, "%s%s%s", out, sep, s) : s;
    }
    return out;
}

/* The strings of a JSON array joined by ", ". */
static const char *names_of(const gk_call *call, json_t *a)
{
    const char *out = "";
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        const char *s = json_string_value(x);
        if (s) out = *out ? gk_call_printf(call, "%s, %s", out, s) : s;
    }
    return out;
}

/* The version history, a line each: "v2 2026-12-03 追加型式 / Added model name: summary
 * (model names)". */
static const char *history_of(const gk_call *call, json_t *versions)
{
    const char *out = "";
    size_t i;
    json_t *ver;
    json_array_foreach(versions, i, ver)
    {
        json_int_t n = json_integer_value(json_object_get(ver, "version"));
        const char *summary = str(ver, "summary");
        const char *line =
            gk_call_printf(call, "v%lld %s %s%s%s\n%s", (long long)n, str(ver, "effective_on"),
                           both_f(call, "changes.kind.", str(ver, "kind")), *summary ? "\n" : "",
                           summary, names_of(call, json_object_get(ver, "model_names")));
        out = *out ? gk_call_printf(call, "%s\n%s", out, line) : line;
    }
    return out;
}

static bool render_pdf(const gk_call *call, json_t *v, json_t *body_name, const gk_qr *qr,
                       const char *url, gk_buf *out)
{
    const char *number = str(v, "number");
    const char *status =
        gk_call_printf(call, "%s (%s)", both_f(call, "cert.status.", str(v, "status")),
                       str(v, "status_changed_on"));
    const char *basis = both_f(call, "cert.basis.", str(v, "basis"));
    if (json_is_true(json_object_get(v, "grandfathered")))
        basis = gk_call_printf(call, "%s\n%s", basis, both(call, "mark.doc.grandfathered"));
    const char *category =
        gk_call_printf(call, "%s / %s", str(v, "category_title_ja"), str(v, "category_title_en"));
    size_t nlen = strlen(number);
    const char *code = nlen >= 3 ? number + nlen - 3 : number;
    gk_call jc = *call, ec = *call;
    jc.lang = "ja";
    ec.lang = "en";
    /* The body's name from its row (certification_body), with its code; the code alone when
     * the row cannot be read. */
    const char *name_ja = json_string_value(json_object_get(body_name, "ja"));
    const char *name_en = json_string_value(json_object_get(body_name, "en"));
    const char *body =
        name_ja && name_en
            ? gk_call_printf(
                  call, "%s\n%s",
                  gk_call_msgf(&jc, "mark.body_named", "name", name_ja, "code", code, NULL),
                  gk_call_msgf(&ec, "mark.body_named", "name", name_en, "code", code, NULL))
            : gk_call_printf(call, "%s\n%s", gk_call_msgf(&jc, "mark.body", "code", code, NULL),
                             gk_call_msgf(&ec, "mark.body", "code", code, NULL));
    const char *sig = str(v, "signature");
    bool signed_ = *sig != '\0';
    const char *check =
        !signed_                                       ? both(call, "mark.doc.unsigned")
        : json_is_true(json_object_get(v, "verified")) ? both(call, "mark.doc.verified")
        : json_object_get(v, "mismatched_fields")      ? both(call, "mark.doc.tampered")
                                                       : both(call, "mark.doc.not_verified");
    /* issue 16: the holder and the model names as they stand now (the current version) */
    json_t *holder = json_object_get(v, "holder");
    static const char *const holder_names[] = {"name", "name_ja", "name_en"};
    static const char *const holder_addresses[] = {"address_ja", "address_en"};
    const char *holder_name = joined(call, holder, holder_names, 3, "\n");
    const char *address = joined(call, holder, holder_addresses, 2, "\n");
    const char *models = names_of(call, json_object_get(v, "model_names"));
    json_t *versions = json_object_get(v, "versions");
    const char *current = "";
    json_int_t cur = json_integer_value(json_object_get(v, "current_version"));
    size_t vi;
    json_t *ver;
    json_array_foreach(versions, vi, ver)
    {
        if (json_integer_value(json_object_get(ver, "version")) == cur)
            current = gk_call_printf(call, "%lld (%s)", (long long)cur, str(ver, "effective_on"));
    }
    gk_pdf_row rows[24];
    size_t n = 0;
    rows[n++] = (gk_pdf_row)ROW("number", number);
    rows[n++] = (gk_pdf_row)ROW("holder", *holder_name ? holder_name : str(v, "manufacturer"));
    if (*address) rows[n++] = (gk_pdf_row)KEY_ROW("changes.pdf.address", address);
    rows[n++] = (gk_pdf_row)ROW("model", *models ? models : str(v, "model_name"));
    if (*current) rows[n++] = (gk_pdf_row)KEY_ROW("changes.pdf.current_version", current);
    if (*str(v, "type_name")) rows[n++] = (gk_pdf_row)ROW("type", str(v, "type_name"));
    rows[n++] = (gk_pdf_row)ROW("category", category);
    rows[n++] = (gk_pdf_row)ROW("route", both_f(call, "cert.route.", str(v, "route")));
    rows[n++] = (gk_pdf_row)ROW("rule_set", str(v, "rule_set"));
    rows[n++] = (gk_pdf_row)ROW("basis", basis);
    rows[n++] = (gk_pdf_row)ROW("granted_on", str(v, "granted_on"));
    rows[n++] = (gk_pdf_row)ROW("status", status);
    if (json_array_size(versions))
        rows[n++] = (gk_pdf_row)KEY_ROW("changes.pdf.versions", history_of(call, versions));
    rows[n++] = (gk_pdf_row)ROW("body", body);
    if (signed_) {
        rows[n++] = (gk_pdf_row)MONO_ROW("key_id", str(v, "key_id"));
        rows[n++] = (gk_pdf_row)MONO_ROW("signature", sig);
    }
    rows[n++] = (gk_pdf_row)ROW("check", check);
    rows[n++] = (gk_pdf_row)MONO_ROW("verify", url);
    gk_pdf_certificate doc = {
        .title_ja = ja("cert.heading"),
        .title_en = en("cert.heading"),
        .statement = both_lines(call, "mark.doc.statement", "number", number),
        .number = number,
        .rows = rows,
        .n_rows = n,
        .qr = qr,
        .qr_caption = url,
        .footer = both_lines(call, "mark.doc.footer", "url", url),
        .pdf_title = gk_call_printf(call, "%s %s", en("cert.heading"), number),
    };
    return gk_pdf_certificate_render(&doc, out);
}

bool gk_svc_cert_may_get_labels(const gk_call *call, json_t *view)
{
    if (gk_call_is_staff(call)) return true;
    /* The holder's organisation is not in the public view: asked of the certificates. */
    return gk_svc_cert_held_by_caller(call, json_string_value(json_object_get(view, "number")));
}

void gk_svc_cert_file(const gk_call *call, const gk_cert_file_in *in, gk_cert_file *file,
                      gk_outcome *out)
{
    memset(file, 0, sizeof *file);
    gk_svc_cert_get(call, in->number, out);
    if (out->err != GK_ERR_OK) return;
    json_t *v = out->view;
    out->view = NULL;
    const char *number = gk_call_printf(call, "%s", str(v, "number"));
    if (in->kind == GK_CERT_FILE_LABELS_PDF && !gk_svc_cert_may_get_labels(call, v)) {
        json_decref(v);
        gk_fail(out, call, GK_ERR_FORBIDDEN, NULL, NULL);
        return;
    }
    const char *url = gk_svc_cert_verify_url(call, in->site, number);
    gk_qr qr = {0};
    bool need_qr = in->kind != GK_CERT_FILE_MARK_SVG;
    bool ok = !need_qr || gk_qr_encode(url, &qr);
    gk_buf b = GK_BUF_INIT;
    unsigned char *png = NULL;
    size_t png_len = 0;
    const char *ext = "svg";
    switch (in->kind) {
    case GK_CERT_FILE_MARK_SVG:
        file->content_type = "image/svg+xml";
        ok = gk_mark_svg(number, gk_call_msgf(call, "mark.svg_title", "number", number, NULL), &b);
        ext = "mark.svg";
        break;
    case GK_CERT_FILE_QR_SVG:
        file->content_type = "image/svg+xml";
        ok = ok && gk_qr_svg(&qr, gk_call_msgf(call, "mark.qr_title", "url", url, NULL), &b);
        ext = "qr.svg";
        break;
    case GK_CERT_FILE_QR_PNG:
        file->content_type = "image/png";
        ok = ok && gk_qr_png(&qr, 8, &png, &png_len);
        ext = "qr.png";
        break;
    case GK_CERT_FILE_PDF:
        file->content_type = "application/pdf";
        {
            json_t *body_name = NULL;
            PGconn *c = gk_db_read_conn();
            if (c) gk_db_cert_body_name(c, &body_name); /* optional: the code stands in for it */
            ok = ok && render_pdf(call, v, body_name, &qr, url, &b);
            json_decref(body_name);
        }
        ext = "certificate.pdf";
        break;
    case GK_CERT_FILE_LABELS_PDF: {
        file->content_type = "application/pdf";
        gk_pdf_labels l = {
            .number = number,
            .heading = gk_call_printf(call, "%s\n%s", str(v, "model_name"), str(v, "manufacturer")),
            .note = both_lines(call, "mark.labels.note", "min", "3"),
            .qr = &qr,
            .pdf_title = gk_call_printf(call, "%s %s", number, en("mark.labels.title")),
        };
        ok = ok && gk_pdf_labels_render(&l, &b);
        ext = "labels.pdf";
        break;
    }
    }
    gk_qr_free(&qr);
    json_decref(v);
    if (png) {
        file->data = png;
        file->len = png_len;
    } else if (ok) {
        file->data = (unsigned char *)gk_buf_steal(&b, &file->len);
        ok = file->data != NULL;
    }
    gk_buf_free(&b);
    if (!ok) {
        free(file->data);
        file->data = NULL;
        gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    file->filename = gk_call_printf(call, "%s-%s", number, ext);
}
