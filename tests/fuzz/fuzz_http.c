/* A whole raw HTTP request through the real server: libmicrohttpd with the real dispatcher,
 * route table, handlers, templates, messages and static files, started once in this process
 * (gk_server_start on a free loopback port, no database configured, so routes that need one
 * answer 503 and everything before the database runs for real). Each input is written as-is
 * to a new TCP connection, the write side is shut, and the answer is read to EOF.
 *
 * Oracles: the bytes that come back are a sequence of well-formed HTTP/1.x responses (status
 * line, CRLF headers, a body that matches Content-Length or valid chunked framing); each
 * status is one the server (or libmicrohttpd itself, for requests it refuses before our code
 * runs) may send; 500 is never acceptable; every response our dispatcher built (it carries
 * X-Request-Id) has the security headers; the server answers within 10 s (no hang).
 *
 * Run with -close_fd_mask=2 (scripts/fuzz does): the server logs one line per request on
 * stderr. Oracle messages go to a copy of stderr made before libFuzzer closes it.
 *
 * Why TCP and not a socketpair: MHD_add_connection needs the daemon, which server.c keeps
 * private (see tests/fuzz/README.md for the hook that would allow it). */
#include "fuzz_common.h"

#include "app.h"
#include "auth/auth.h"
#include "config.h"
#include "http/server.h"
#include "render/i18n.h"
#include "render/template.h"
#include "web/static_files.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int report_fd = 2;
static uint16_t port;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            dprintf(report_fd, "fuzz_http: oracle failed: %s: ", #cond);                           \
            dprintf(report_fd, __VA_ARGS__);                                                       \
            dprintf(report_fd, "\n");                                                              \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void die(const char *what, char *err)
{
    dprintf(report_fd, "fuzz_http: %s: %s\n", what, err ? err : "?");
    abort();
}

static uint16_t pick_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) ||
        getsockname(s, (struct sockaddr *)&a, &len))
        die("pick a port", strerror(errno));
    close(s);
    return ntohs(a.sin_port);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    report_fd = dup(2);
    signal(SIGPIPE, SIG_IGN);
    /* No database: whatever the environment says. */
    unsetenv("GITEKI_DATABASE_URL");
    unsetenv("GITEKI_READ_DATABASE_URL");
    gk_config *c = &gk_app.config;
    char *err = NULL;
    if (gk_config_load_env(c, &err)) die("config", err);
    port = pick_port();
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
    if (gk_config_apply_flag(c, "listen", listen, &err) ||
        gk_config_apply_flag(c, "threads", "2", &err) ||
        gk_config_apply_flag(c, "conn-timeout", "3", &err) ||
        gk_config_apply_flag(c, "data-dir", GITEKI_SOURCE_DIR, &err) ||
        gk_config_finish(c, false, &err))
        die("config", err);

    char path[4096];
    snprintf(path, sizeof path, "%s/templates", c->data_dir);
    if (!(gk_app.templates = gk_templates_load(path, &err))) die("templates", err);
    snprintf(path, sizeof path, "%s/templates/messages", c->data_dir);
    if (!(gk_app.messages = gk_messages_load(path, &err))) die("messages", err);
    snprintf(path, sizeof path, "%s/static", c->data_dir);
    if (!(gk_app.static_files = gk_static_load(path, &err))) die("static files", err);
    gk_auth_init(); /* the real authentication hook: with no database it refuses with 503 */

    if (!gk_server_start(c, &err)) die("server", err);
    return 0;
}

/* ---- the client side ---------------------------------------------------------------- */

#define MAX_ANSWER (4u << 20)

typedef struct {
    char *data;
    size_t len, cap;
} bytes;

static void put(bytes *b, const char *d, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data) abort();
    }
    memcpy(b->data + b->len, d, n);
    b->len += n;
    b->data[b->len] = 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the oracle: well-formed responses ----------------------------------------------- */

static bool status_allowed(int st)
{
    static const int ok[] = {
        100, 200, 204, 301, 302, 303, 304,           /* ours and MHD's */
        400, 401, 403, 404, 405, 413, 414, 415, 422, /* ours (and MHD's 400/413/414) */
        411, 417, 431, 501, 505,                     /* libmicrohttpd's own refusals */
        503,                                         /* no database */
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (ok[i] == st) return true;
    /* GK_FUZZ_HTTP_ALLOW="500,..." tolerates statuses of findings already reported, to keep
     * fuzzing past them; scripts/fuzz never sets it. */
    const char *extra = getenv("GK_FUZZ_HTTP_ALLOW");
    for (const char *p = extra; p && *p;) {
        char *stop;
        long v = strtol(p, &stop, 10);
        if (stop == p) break;
        if (v == st) return true;
        p = *stop == ',' ? stop + 1 : stop;
    }
    return false;
}

static const char *find_crlf(const char *p, const char *end)
{
    for (; p + 1 < end; p++)
        if (p[0] == '\r' && p[1] == '\n') return p;
    return NULL;
}

typedef enum { PARSE_OK, PARSE_MORE, PARSE_BAD } parse_result;

#define BAD(reason) return (*why = (reason), PARSE_BAD)
#define MORE() return PARSE_MORE

/* Parse one response at *pp. PARSE_MORE: a well-formed beginning that needs more bytes. */
static parse_result one_response(const char **pp, const char *end, const char **why)
{
    const char *p = *pp;
    static const char proto[] = "HTTP/1.";
    size_t have = (size_t)(end - p);
    if (memcmp(p, proto, have < 7 ? have : 7)) BAD("no status line");
    if (have < 13) MORE();
    if ((p[7] != '0' && p[7] != '1') || p[8] != ' ') BAD("bad protocol version");
    int st = 0;
    for (int i = 9; i < 12; i++) {
        if (p[i] < '0' || p[i] > '9') BAD("status is not 3 digits");
        st = st * 10 + (p[i] - '0');
    }
    if (p[12] != ' ' && p[12] != '\r') BAD("bad status line");
    if (!status_allowed(st)) BAD("a status the server must not send");
    const char *line_end = find_crlf(p, end);
    if (!line_end) MORE();
    p = line_end + 2;
    long long clen = -1;
    bool chunked = false, request_id = false, nosniff = false, csp = false;
    while (1) {
        const char *e = find_crlf(p, end);
        if (!e) MORE();
        if (e == p) {
            p += 2;
            break;
        }
        const char *colon = memchr(p, ':', (size_t)(e - p));
        if (!colon || colon == p) BAD("header line without a name");
        for (const char *q = p; q < e; q++)
            if ((unsigned char)*q < 0x20 && *q != '\t') BAD("control byte in a header");
        size_t nl = (size_t)(colon - p);
        const char *v = colon + 1;
        while (v < e && *v == ' ')
            v++;
        if (nl == 14 && !strncasecmp(p, "Content-Length", 14)) {
            if (clen >= 0) BAD("two Content-Length headers");
            if (v == e) BAD("empty Content-Length");
            clen = 0;
            for (const char *q = v; q < e; q++) {
                if (*q < '0' || *q > '9' || clen > (1LL << 40)) BAD("bad Content-Length");
                clen = clen * 10 + (*q - '0');
            }
        } else if (nl == 17 && !strncasecmp(p, "Transfer-Encoding", 17)) {
            chunked = (size_t)(e - v) >= 7 && !strncasecmp(v, "chunked", 7);
        } else if (nl == 12 && !strncasecmp(p, "X-Request-Id", 12)) {
            request_id = true;
        } else if (nl == 22 && !strncasecmp(p, "X-Content-Type-Options", 22)) {
            nosniff = true;
        } else if (nl == 23 && !strncasecmp(p, "Content-Security-Policy", 23)) {
            csp = true;
        }
        p = e + 2;
    }
    if (request_id && (!nosniff || !csp)) BAD("a reply of ours without the security headers");
    if (st == 100) { /* interim: the final answer follows */
        *pp = p;
        return PARSE_OK;
    }
    if (chunked) {
        while (1) {
            const char *e = find_crlf(p, end);
            if (!e) MORE();
            char *stop;
            unsigned long long n = strtoull(p, &stop, 16);
            if (stop == p) BAD("bad chunk size");
            p = e + 2;
            if (n == 0) {
                while (1) { /* trailers, then the empty line */
                    const char *t = find_crlf(p, end);
                    if (!t) MORE();
                    bool empty = t == p;
                    p = t + 2;
                    if (empty) break;
                }
                break;
            }
            if ((unsigned long long)(end - p) < n + 2) MORE();
            p += n;
            if (p[0] != '\r' || p[1] != '\n') BAD("chunk not followed by CRLF");
            p += 2;
        }
    } else if (clen >= 0) {
        /* A reply to HEAD carries the length but no body: the next response (or the end)
         * then follows at once. */
        size_t rest = (size_t)(end - p);
        if (rest >= (size_t)clen &&
            (rest == (size_t)clen || (rest - (size_t)clen >= 7 && !memcmp(p + clen, proto, 7))))
            p += clen;
        else if (rest == 0 || (rest >= 7 && !memcmp(p, proto, 7)))
            ; /* HEAD */
        else if (rest < (size_t)clen)
            MORE();
        else
            BAD("body does not match Content-Length");
    } else {
        p = end; /* body to the end of the connection */
    }
    *pp = p;
    return PARSE_OK;
}

/* The whole answer: PARSE_OK when it is complete responses only. */
static parse_result parse_answer(const char *data, size_t len, const char **why, size_t *at,
                                 int *count)
{
    const char *p = data, *end = data + len;
    *count = 0;
    while (p < end) {
        *at = (size_t)(p - data);
        parse_result r = one_response(&p, end, why);
        if (r != PARSE_OK) return r;
        ++*count;
    }
    return PARSE_OK;
}

/* Send the request, half-close, and read the answer until the server closes, or until it
 * is complete responses and the server has been quiet for QUIET_MS, or until nothing at all
 * came for IDLE_MS. libmicrohttpd with epoll often notices our FIN only at its connection
 * timeout (after a complete keep-alive request, or in the middle of a body), so waiting for
 * EOF would cost seconds per input. Without a database every answer takes well under
 * IDLE_MS; a server that stops answering altogether is caught by the health probe in
 * LLVMFuzzerTestOneInput, and a response cut off in the middle by the 10 s deadline. */
#define QUIET_MS 3
#define IDLE_MS 50

static void exchange(const uint8_t *data, size_t size, bytes *answer)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(s >= 0, "socket: %s", strerror(errno));
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int rc;
    for (int tries = 0; (rc = connect(s, (struct sockaddr *)&a, sizeof a)) && tries < 100; tries++)
        usleep(10000); /* a full accept backlog is not a finding */
    CHECK(rc == 0, "connect: %s", strerror(errno));
    size_t off = 0;
    double deadline = now_s() + 10.0;
    bool write_open = true;
    char buf[16384];
    while (1) {
        struct pollfd p = {.fd = s, .events = POLLIN | (write_open ? POLLOUT : 0)};
        int left_ms = (int)((deadline - now_s()) * 1000);
        CHECK(left_ms > 0, "no end of the answer within 10 s (%zu bytes so far)", answer->len);
        const char *why;
        size_t at;
        int count;
        bool complete = !write_open && answer->len &&
                        parse_answer(answer->data, answer->len, &why, &at, &count) == PARSE_OK;
        int wait_ms = complete ? QUIET_MS : !write_open && !answer->len ? IDLE_MS : left_ms;
        int rcp = poll(&p, 1, wait_ms < left_ms ? wait_ms : left_ms);
        if (rcp == 0 && (complete || (!write_open && !answer->len))) break;
        if (rcp < 0) continue;
        if (write_open && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = off < size ? send(s, data + off, size - off, MSG_NOSIGNAL) : 0;
            if (w > 0) off += (size_t)w;
            if (w < 0 || off >= size) {
                shutdown(s, SHUT_WR); /* the server may refuse early: stop writing */
                write_open = false;
            }
        }
        if (p.revents & (POLLIN | POLLERR | POLLHUP)) {
            ssize_t n = recv(s, buf, sizeof buf, 0);
            if (n <= 0) break; /* EOF or reset: the server is done with us */
            put(answer, buf, (size_t)n);
            CHECK(answer->len <= MAX_ANSWER, "answer larger than %u bytes", MAX_ANSWER);
        }
    }
    close(s);
}

/* Every PROBE_EVERY inputs, GET /healthz must still be answered 200: the server has not
 * hung (all workers stuck) while inputs kept "timing out" as incomplete requests. */
#define PROBE_EVERY 500

static void probe(void)
{
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n";
    bytes answer = {0};
    exchange((const uint8_t *)req, sizeof req - 1, &answer);
    CHECK(answer.len > 12 && !memcmp(answer.data, "HTTP/1.1 200", 12),
          "the health probe was not answered 200 (%zu bytes)", answer.len);
    free(answer.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned long runs;
    if (++runs % PROBE_EVERY == 1) probe();
    bytes answer = {0};
    exchange(data, size, &answer);
    if (!answer.len) return 0; /* closed without an answer (an incomplete request) */
    const char *why = "cut short";
    size_t at = 0;
    int count = 0;
    if (parse_answer(answer.data, answer.len, &why, &at, &count) != PARSE_OK) {
        dprintf(report_fd, "--- answer (%zu bytes) ---\n%.*s\n--- end ---\n", answer.len,
                (int)(answer.len > 4000 ? 4000 : answer.len), answer.data);
        CHECK(false, "response %d at offset %zu: %s", count, at, why);
    }
    free(answer.data);
    return 0;
}
