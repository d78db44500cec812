/* The template engine: the input is a template, optionally followed by a line "====" and a
 * JSON view model. The template is written as t.xhtml into a private temporary folder next to
 * a copy of the real layout (templates/layout.xhtml), loaded with gk_templates_load as the
 * server loads its folder, and rendered in both languages with the real message catalogues.
 *
 * Oracles: a template that loads renders (GK_RENDER_OK) into a NUL-terminated buffer, twice
 * the same (rendering is pure); a refused load gives a message; unless the template itself
 * mentions "script", the output has no "<script" whatever the model holds (model text is
 * always escaped). */
#include "fuzz_common.h"

#include "render/buf.h"
#include "render/i18n.h"
#include "render/template.h"

#include <ftw.h>
#include <jansson.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static char tpath[128];
static gk_messages *msgs;

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static void cleanup(void)
{
    if (dir[0]) nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out) {
        fprintf(stderr, "fuzz_template: cannot copy %s to %s\n", from, to);
        abort();
    }
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(dir, sizeof dir, "%s", "/tmp/gk_fuzz_tpl_XXXXXX");
    if (!mkdtemp(dir)) abort();
    atexit(cleanup);
    char to[128];
    snprintf(to, sizeof to, "%s/layout.xhtml", dir);
    copy_file(GITEKI_SOURCE_DIR "/templates/layout.xhtml", to);
    snprintf(tpath, sizeof tpath, "%s/t.xhtml", dir);
    char *err = NULL;
    msgs = gk_messages_load(GITEKI_SOURCE_DIR "/templates/messages", &err);
    if (!msgs) {
        fprintf(stderr, "fuzz_template: messages: %s\n", err ? err : "?");
        abort();
    }
    return 0;
}

#define LAYOUT_SCRIPT "<script src=\"/static/js/giteki.js\" defer=\"defer\"></script>"

static bool mentions_script(const char *s)
{
    for (const char *p = s; *p; p++)
        if (!strncasecmp(p, "script", 6)) return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *tpl, *model_text;
    fz_split(data, size, "\n====\n", &tpl, &model_text);
    FILE *f = fopen(tpath, "wb");
    if (!f) abort();
    fwrite(tpl, 1, strlen(tpl), f);
    fclose(f);
    json_t *model = model_text ? json_loads(model_text, JSON_DECODE_ANY, NULL) : NULL;

    char *err = NULL;
    gk_templates *t = gk_templates_load(dir, &err);
    if (!t) {
        FZ_CHECK(err && err[0]);
        free(err);
    } else {
        FZ_CHECK(gk_templates_has(t, "t") && gk_templates_has(t, "layout"));
        const char *langs[] = {"ja", "en"};
        for (int i = 0; i < 2; i++) {
            gk_buf out = GK_BUF_INIT, again = GK_BUF_INIT;
            FZ_CHECK(gk_template_render(t, "t", model, msgs, langs[i], &out) == GK_RENDER_OK);
            FZ_CHECK(gk_template_render(t, "t", model, msgs, langs[i], &again) == GK_RENDER_OK);
            FZ_CHECK(out.len == again.len && (!out.len || !memcmp(out.data, again.data, out.len)));
            if (out.len) FZ_CHECK(out.data[out.len] == 0);
            if (!mentions_script(tpl) && out.len) {
                /* The only script element is the layout's own, from /static/ (no data in it). */
                for (const char *p = out.data; (p = strchr(p, '<')); p++)
                    FZ_CHECK(strncasecmp(p + 1, "script", 6) != 0 ||
                             !strncmp(p, LAYOUT_SCRIPT, sizeof LAYOUT_SCRIPT - 1));
            }
            gk_buf_free(&out);
            gk_buf_free(&again);
        }
        gk_buf nf = GK_BUF_INIT;
        FZ_CHECK(gk_template_render(t, "no/such", model, msgs, "en", &nf) == GK_RENDER_NOT_FOUND);
        gk_buf_free(&nf);
        gk_templates_free(t);
    }
    json_decref(model);
    free(tpl);
    free(model_text);
    return 0;
}
