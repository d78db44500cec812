/* Scenarios of the deployment hardening of issue 18 (items 6 and 15).
 *
 * Tables: the signed audit checkpoints are public (GET /api/v1/audit/checkpoints) and show
 * nothing of the entries but their hashes.
 *
 * ht_hardening_checks() then does what a table cannot, with raw sockets. First, requests
 * libmicrohttpd refuses by itself (431, 505, 400): their replies must carry our security
 * headers too (http/server.c). Then the stalled-upload flood. Five makers open four uploads each that declare 1 MB and send 200 bytes, then stop
 * (20 in all). A fifth upload of the first maker is refused at once (429 upload.too_many with
 * Retry-After: at most GITEKI_UPLOADS_PER_ACCOUNT = 4 per account); meanwhile an export, a
 * sixth maker's upload and /healthz still answer at once, because a stalled upload holds no
 * database connection (the body is spooled first) and uploads never take the connections
 * kept for reads; and the server cuts the stalled connections after GITEKI_UPLOAD_TIMEOUT
 * (5 s in scripts/test), and a sixth upload that trickles a byte every 0.4 s once it falls
 * below GITEKI_UPLOAD_MIN_RATE after its 10 s of grace. Before issue 18 every stalled upload held a dedicated connection
 * "idle in transaction": the export answered 503. Last, the head the flood moved gets signed
 * by the server (GITEKI_AUDIT_CHECKPOINT_INTERVAL=2 in scripts/test) and published.
 *
 * The database roles and the checkpoint verifier (a rewrite of the whole chain) are checked
 * by the `hardening` stage of scripts/test, which has the owner's and the server's URLs and
 * the key folder. */
#include "bodies.h"
#include "harness.h"
#include "harness_ext.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define JSON_T "application/json"
#define PW "hardening scenario passphrase"

static const ht_step checkpoints[] = {
    {.name = "the checkpoints are public: items, each signed",
     .method = "GET",
     .path = "/api/v1/audit/checkpoints",
     .expect_status = 200,
     .expect_content_type = JSON_T,
     .checks = {JSON_TYPE("items", "array"), JSON_EQ("next", "null"),
                JSON_TYPE("signature", "string"), BODY_LACKS("actor"), BODY_LACKS("detail")}},
    {.name = "the key that signed them is listed",
     .method = "GET",
     .path = "/api/v1/signing-keys",
     .expect_status = 200,
     .checks = {JSON_TYPE("items[0].public_key", "string")}},
};

static const ht_scenario scenarios[] = {
    HT_SCENARIO("audit-checkpoints-public", checkpoints),
};

const ht_group ht_group_hardening = {"hardening", scenarios, HT_COUNT(scenarios)};

/* ---- the stalled-upload flood ---------------------------------------------------------- */

#define MAKERS 6    /* makers 0-4 stall, maker 5 uploads normally */
#define PER_MAKER 4 /* GITEKI_UPLOADS_PER_ACCOUNT's default */
#define STALLED (5 * PER_MAKER)
#define BOUNDARY "gk-hardening-7c2e"

static unsigned failures, passes;

static const char *current = "stalled-uploads";

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (cond) {                                                                                \
            passes++;                                                                              \
        } else {                                                                                   \
            failures++;                                                                            \
            printf("FAIL hardening/%s: ", current);                                                \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

typedef struct {
    char actor[32], email[64], cookie[256], csrf[128], app[64];
} maker;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long send_json(ht_client *c, const char *actor, const char *method, const char *path,
                      const char *body, ht_response *r)
{
    ht_request q = {.method = method,
                    .path = path,
                    .body = body,
                    .body_len = body ? strlen(body) : 0,
                    .content_type = body ? JSON_T : NULL};
    ht_send(c, actor, &q, r);
    return r->status;
}

/* Sign up maker i (its own organisation), sign in, keep the session cookie and CSRF token,
 * and create a draft to upload to. */
static bool maker_ready(ht_client *c, const char *database_url, unsigned run, int i, maker *m)
{
    snprintf(m->actor, sizeof m->actor, "stall-maker-%d", i);
    snprintf(m->email, sizeof m->email, "stall%u-%d@hardening.test", run, i);
    char body[1024];
    ht_response r;
    snprintf(body, sizeof body,
             "{\"organization\": {\"name\": \"Stall Devices %u-%d\", \"representative\":"
             " \"Stall Rep\"}, \"user\": {\"email\": \"%s\", \"password\": \"" PW "\","
             " \"name\": \"Stall %d\"}}",
             run, i, m->email, i);
    long st = send_json(c, NULL, "POST", "/api/v1/signup", body, &r);
    ht_response_free(&r);
    if (st != 202) return false;
    /* issue 19: the address is confirmed by the mail's link; here in SQL, as scripts/bench */
    char sql[256], out[64];
    snprintf(sql, sizeof sql, "UPDATE users SET email_verified_at = now() WHERE email = '%s'",
             m->email);
    if (!database_url || htx_sql(database_url, sql, out, sizeof out) != 0) return false;
    snprintf(body, sizeof body, "{\"email\": \"%s\", \"password\": \"" PW "\"}", m->email);
    st = send_json(c, m->actor, "POST", "/api/v1/session", body, &r);
    const char *sc = ht_response_header(&r, "Set-Cookie");
    const char *csrf = json_string_value(json_object_get(r.json, "csrf_token"));
    bool ok = st == 200 && sc && csrf;
    if (ok) {
        snprintf(m->cookie, sizeof m->cookie, "%.*s", (int)strcspn(sc, ";"), sc);
        snprintf(m->csrf, sizeof m->csrf, "%s", csrf);
    }
    ht_response_free(&r);
    if (!ok) return false;
    snprintf(body, sizeof body,
             "{\"route\": \"conformity\", \"device\": {\"model_name\": \"Stall Router %d\","
             " \"type_name\": \"ST-1\", \"category\": \"router\", \"facts\": " FACTS_ALL_HOLD
             "}, \"declarations\": {}}",
             i);
    st = send_json(c, m->actor, "POST", "/api/v1/applications", body, &r);
    const char *id = json_string_value(json_object_get(r.json, "id"));
    ok = st == 201 && id;
    if (ok) snprintf(m->app, sizeof m->app, "%s", id);
    if (!ok) printf("  (create a draft as %s: %ld %.200s)\n", m->actor, st, r.body ? r.body : "");
    ht_response_free(&r);
    return ok;
}

static int connect_to(const char *base_url)
{
    const char *hp = strstr(base_url, "://");
    hp = hp ? hp + 3 : base_url;
    char host[128];
    snprintf(host, sizeof host, "%s", hp);
    char *colon = strrchr(host, ':');
    const char *port = "80";
    if (colon) {
        *colon = 0;
        port = colon + 1;
    }
    char *slash = strchr(port, '/');
    if (slash) *slash = 0;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    if (getaddrinfo(host, port, &hints, &ai) != 0) return -1;
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

/* An upload that declares 1 MB and sends its headers and the first 200 bytes of its body. */
static int stalled_upload(const char *base_url, const maker *m)
{
    int fd = connect_to(base_url);
    if (fd < 0) return -1;
    char body[512];
    int bn = snprintf(body, sizeof body,
                      "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n"
                      "manual\r\n--" BOUNDARY "\r\nContent-Disposition: form-data;"
                      " name=\"confidentiality\"\r\n\r\nconfidential\r\n--" BOUNDARY
                      "\r\nContent-Disposition: form-data; name=\"file\";"
                      " filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%%PDF-1.7\n");
    char req[2048];
    int n = snprintf(req, sizeof req,
                     "POST /api/v1/applications/%s/documents HTTP/1.1\r\nHost: localhost\r\n"
                     "Cookie: %s\r\nX-CSRF-Token: %s\r\n"
                     "Content-Type: multipart/form-data; boundary=" BOUNDARY "\r\n"
                     "Content-Length: 1000000\r\n\r\n%.*s",
                     m->app, m->cookie, m->csrf, bn < 200 ? bn : 200, body);
    if (n <= 0 || send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
        close(fd);
        return -1;
    }
    return fd;
}

/* What came back on fd within timeout_ms: the bytes (cut to cap), 0 when the server closed
 * the connection without an answer, -1 when nothing came. */
static int read_answer(int fd, char *buf, size_t cap, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0) return -1;
    ssize_t n = recv(fd, buf, cap - 1, 0);
    if (n < 0) return errno == ECONNRESET ? 0 : -1;
    buf[n] = 0;
    return (int)n;
}

/* ---- libmicrohttpd's own replies ------------------------------------------------------- */

static void count(ht_totals *totals, unsigned checks, unsigned failed)
{
    if (!totals) return;
    totals->scenarios_run++;
    totals->steps_run += checks;
    totals->steps_failed += failed;
    if (failed) totals->scenarios_failed++;
}

/* Requests libmicrohttpd refuses itself, before our handler runs: a header block over the
 * connection's memory (431), an HTTP version it does not speak (505), a chunked body that is
 * not chunked (400). Their replies must carry our security headers (issue 18 item 15). */
static int mhd_own_replies(const ht_options *opts, ht_totals *totals)
{
    if (!htx_selected(opts, "hardening", "mhd-own-replies")) return 0;
    failures = passes = 0;
    current = "mhd-own-replies";
    static char big[48 * 1024];
    int bn = snprintf(big, sizeof big, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(big + bn, 'a', sizeof big - (size_t)bn - 5);
    memcpy(big + sizeof big - 5, "\r\n\r\n", 5);
    static const struct {
        const char *name, *status;
        const char *req;
        size_t len;
    } cases[] = {
        {"a 48 KiB header block", " 431 ", big, sizeof big - 1},
        {"HTTP/3.0", " 505 ", "GET /healthz HTTP/3.0\r\nHost: x\r\n\r\n", 0},
        {"a chunked body that is not", " 400 ",
         "POST /api/v1/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
         0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int fd = connect_to(opts->base_url);
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].req);
        char buf[4096] = "";
        int got = -1;
        if (fd >= 0 && send(fd, cases[i].req, len, MSG_NOSIGNAL) == (ssize_t)len)
            got = read_answer(fd, buf, sizeof buf, 3000);
        if (fd >= 0) close(fd);
        char *end = got > 0 ? strstr(buf, "\r\n\r\n") : NULL;
        if (end) *end = 0;
        EXPECT(got > 0 && strstr(buf, cases[i].status), "%s: wanted%sfrom libmicrohttpd, got %.80s",
               cases[i].name, cases[i].status, got > 0 ? buf : "nothing");
        EXPECT(got > 0 && strcasestr(buf, "\nX-Content-Type-Options: nosniff") &&
                   strcasestr(buf, "\nContent-Security-Policy: default-src 'self'") &&
                   strcasestr(buf, "\nX-Frame-Options: DENY") &&
                   strcasestr(buf, "\nReferrer-Policy: same-origin"),
               "%s: libmicrohttpd's own reply lacks our security headers:\n%s", cases[i].name,
               got > 0 ? buf : "(no reply)");
    }
    printf("%s hardening/mhd-own-replies (%u checks, %u failed)\n", failures ? "FAIL" : "ok",
           passes + failures, failures);
    count(totals, passes + failures, failures);
    return failures ? 1 : 0;
}

static int stalled_uploads(const ht_options *opts, ht_totals *totals)
{
    if (!htx_selected(opts, "hardening", "stalled-uploads")) return 0;
    current = "stalled-uploads";
    ht_client *c = ht_client_new(opts->base_url);
    if (!c) return 1;
    failures = passes = 0;
    unsigned run = (unsigned)time(NULL);
    maker makers[MAKERS];
    bool ready = true;
    for (int i = 0; i < MAKERS && ready; i++)
        ready = maker_ready(c, opts->database_url, run, i, &makers[i]);
    EXPECT(ready, "could not sign up the makers and create their drafts");
    int fds[STALLED];
    int nfd = 0, trickle = -1;
    if (ready) {
        /* makers 0-4: four stalled uploads each */
        for (int i = 0; i < 5; i++)
            for (int k = 0; k < PER_MAKER; k++) {
                int fd = stalled_upload(opts->base_url, &makers[i]);
                if (fd >= 0) fds[nfd++] = fd;
            }
        EXPECT(nfd == STALLED, "opened %d stalled uploads of %d", nfd, STALLED);
        usleep(300 * 1000); /* let the server read what they sent */
        char buf[2048];
        int early = 0;
        for (int i = 0; i < nfd; i++)
            if (read_answer(fds[i], buf, sizeof buf, 0) > 0) early++;
        EXPECT(early == 0, "%d stalled uploads were answered before their body ended", early);

        /* a fifth upload of maker 0: refused at once, not queued */
        int extra = stalled_upload(opts->base_url, &makers[0]);
        int got = extra >= 0 ? read_answer(extra, buf, sizeof buf, 3000) : -1;
        EXPECT(got > 0 && strstr(buf, " 429 ") && strstr(buf, "upload.too_many") &&
                   (strstr(buf, "Retry-After:") || strstr(buf, "retry-after:")),
               "a fifth concurrent upload of one account: wanted 429 upload.too_many with "
               "Retry-After at once, got %.120s",
               got > 0    ? buf
               : got == 0 ? "(closed)"
                          : "(nothing within 3 s)");
        if (extra >= 0) close(extra);

        /* meanwhile: an export, another maker's upload, the health check */
        ht_response r;
        double t0 = now_s();
        ht_request q = {.method = "GET", .path = "/api/v1/certificates/export?format=csv"};
        ht_send(c, NULL, &q, &r);
        double took = now_s() - t0, took_export = took;
        EXPECT(r.status == 200 && took < 5.0,
               "the export during 20 stalled uploads: %ld in %.2f s (wanted 200 at once)", r.status,
               took);
        ht_response_free(&r);
        char path[160];
        snprintf(path, sizeof path, "/api/v1/applications/%s/documents", makers[5].app);
        static const char up[] =
            "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nmanual\r\n"
            "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"confidentiality\"\r\n\r\n"
            "confidential\r\n--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\";"
            " filename=\"m.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n\r\n--" BOUNDARY "--\r\n";
        ht_request u = {.method = "POST",
                        .path = path,
                        .body = up,
                        .body_len = sizeof up - 1,
                        .content_type = "multipart/form-data; boundary=" BOUNDARY};
        t0 = now_s();
        ht_send(c, makers[5].actor, &u, &r);
        took = now_s() - t0;
        double took_upload = took;
        EXPECT(r.status == 201 && took < 5.0,
               "another maker's upload during 20 stalled uploads: %ld in %.2f s (wanted 201): "
               "%.200s",
               r.status, took, r.body ? r.body : "");
        ht_response_free(&r);
        q.path = "/healthz";
        t0 = now_s();
        ht_send(c, NULL, &q, &r);
        took = now_s() - t0;
        EXPECT(r.status == 200 && took < 1.0, "/healthz during the flood: %ld in %.2f s", r.status,
               took);
        ht_response_free(&r);
        double took_health = took;

        /* the server cuts the stalled uploads (GITEKI_UPLOAD_TIMEOUT=5 in scripts/test), and
         * the trickling one once it is below the minimum rate after its 10 s of grace */
        /* maker 5 trickles an upload, a byte every 0.4 s: never silent long enough for the
         * idle timeout, but far below GITEKI_UPLOAD_MIN_RATE (1 KiB/s after 10 s) */
        trickle = stalled_upload(opts->base_url, &makers[5]);
        double trickle_start = now_s(), trickle_sent = now_s(), trickle_cut = 0;
        bool open[STALLED];
        for (int i = 0; i < nfd; i++)
            open[i] = true;
        int cut = 0;
        double deadline = now_s() + 25.0;
        while (now_s() < deadline && (cut < nfd || (trickle >= 0 && !trickle_cut))) {
            for (int i = 0; i < nfd; i++)
                if (open[i] && read_answer(fds[i], buf, sizeof buf, 0) >= 0) {
                    open[i] = false; /* closed, or closed after an answer */
                    cut++;
                }
            if (trickle >= 0 && !trickle_cut) {
                if (read_answer(trickle, buf, sizeof buf, 0) >= 0) {
                    trickle_cut = now_s();
                } else if (now_s() - trickle_sent > 0.4) {
                    if (send(trickle, "x", 1, MSG_NOSIGNAL) != 1) trickle_cut = now_s();
                    trickle_sent = now_s();
                }
            }
            usleep(50 * 1000);
        }
        EXPECT(cut == nfd, "the server cut %d of %d stalled uploads within 25 s", cut, nfd);
        double after = trickle_cut ? trickle_cut - trickle_start : -1;
        printf("  stalled uploads %d: export %.0f ms, another maker's upload %.0f ms, /healthz "
               "%.0f ms; the trickling upload cut after %.1f s\n",
               nfd, took_export * 1000, took_upload * 1000, took_health * 1000, after);
        EXPECT(trickle >= 0 && after >= 9.5 && after < 25.0,
               "the trickling upload (a byte every 0.4 s): wanted it cut after its 10 s of "
               "grace, below GITEKI_UPLOAD_MIN_RATE; cut after %.1f s (-1: not cut)",
               after);
        /* and nothing of theirs was stored */
        char sql[512], out[64] = "";
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM documents d JOIN applications a ON a.id = d.application_id"
                 " JOIN users u ON u.organization_id = a.organization_id"
                 " WHERE u.email LIKE 'stall%u-%%@hardening.test' AND d.filename = 'big.pdf'",
                 run);
        if (opts->database_url && htx_sql(opts->database_url, sql, out, sizeof out) == 0)
            EXPECT(!strcmp(out, "0"), "documents stored from stalled uploads: %s", out);
    }
    for (int i = 0; i < nfd; i++)
        close(fds[i]);
    if (trickle >= 0) close(trickle);
    ht_client_free(c);
    printf("%s hardening/stalled-uploads (%u checks, %u failed)\n", failures ? "FAIL" : "ok",
           passes + failures, failures);
    count(totals, passes + failures, failures);
    return failures ? 1 : 0;
}

/* ---- the chain head gets signed ------------------------------------------------------- */

/* After the flood appended audit entries, the server's checkpoint thread (every 2 s in
 * scripts/test) signs the new head: within 10 s the newest published checkpoint names the
 * head's seq and the hash the log holds there. */
static int checkpoints_signed(const ht_options *opts, ht_totals *totals)
{
    if (!htx_selected(opts, "hardening", "checkpoints-signed") || !opts->database_url) return 0;
    current = "checkpoints-signed";
    failures = passes = 0;
    ht_client *c = ht_client_new(opts->base_url);
    if (!c) return 1;
    char head[160] = "", got[160] = "";
    double deadline = now_s() + 10.0;
    while (now_s() < deadline) {
        if (htx_sql(opts->database_url,
                    "SELECT h.seq || ':' || encode(a.hash, 'hex') FROM audit_chain_head h"
                    " JOIN audit_log a ON a.seq = h.seq",
                    head, sizeof head) != 0)
            break;
        ht_response r;
        ht_request q = {.method = "GET", .path = "/api/v1/audit/checkpoints"};
        ht_send(c, NULL, &q, &r);
        json_t *k = json_array_get(json_object_get(r.json, "items"), 0);
        const char *hash = json_string_value(json_object_get(k, "hash"));
        const char *sig = json_string_value(json_object_get(k, "signature"));
        const char *key = json_string_value(json_object_get(k, "key_id"));
        snprintf(got, sizeof got, "%lld:%s",
                 (long long)json_integer_value(json_object_get(k, "seq")), hash ? hash : "");
        bool signed_ok = sig && strlen(sig) == 86 && key && strlen(key) == 16;
        ht_response_free(&r);
        if (*head && !strcmp(head, got) && signed_ok) break;
        usleep(250 * 1000);
    }
    EXPECT(*head && !strcmp(head, got),
           "the newest checkpoint within 10 s: wanted the head %s, got %s", head, got);
    ht_client_free(c);
    printf("%s hardening/checkpoints-signed (%u checks, %u failed)\n", failures ? "FAIL" : "ok",
           passes + failures, failures);
    count(totals, passes + failures, failures);
    return failures ? 1 : 0;
}

int ht_hardening_checks(const ht_options *opts, ht_totals *totals)
{
    if (opts->list) {
        static const char *names[] = {"mhd-own-replies", "stalled-uploads", "checkpoints-signed"};
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (htx_selected(opts, "hardening", names[i])) printf("hardening/%s\n", names[i]);
        return 0;
    }
    int rc = mhd_own_replies(opts, totals);
    rc |= stalled_uploads(opts, totals);
    return checkpoints_signed(opts, totals) | rc;
}
