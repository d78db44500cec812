#!/usr/bin/env python3
"""tests/national/national.py: the national view across certification bodies (issue 17).

Two certification bodies (giteki serve, codes 101 and 102, each with its own database and
signing keys) and one aggregator (giteki serve with GITEKI_AGGREGATE), in one PostgreSQL on
different ports. Each body is reached by the aggregator through a tiny proxy of this script,
which can tamper with the feed (flip one byte of a served signed payload) or hang (a body that
is down). Certificates are granted through each body's API as examiners would.

Checks:
  signed-feed     the body's Atom feed is well-formed Atom whose entries carry
                  gk:certificate (base64url payload, signature, key id) that verify
  pinning         with another key pinned for a body, none of its entries is stored (all
                  refused as unknown_key); pinned right, its whole feed is read again
  national-search one search of the aggregator finds a certificate of each body, with the body
                  as a column and as a filter
  malformed       an entry with an impossible time is refused as malformed, the pull goes on
  tampered        an entry whose served payload has one changed byte is refused: not in the
                  search, listed in /api/v1/national/rejections (bad_signature), counted in
                  /metrics, logged
  down            while one body hangs, a new certificate of the other body is found at once;
                  the hanging body is reported (bodies: up false, last_error; metrics up 0)
  caught-up       when the body answers again, its certificate granted meanwhile is found
  status          a suspension and a reinstatement at a body show in the national view
  unsigned        an imported certificate (never signed) is listed as unsigned, not stored,
                  not counted as a refusal
  export, stats   the national CSV/JSON export and the counts cover both bodies
  page            /national in both languages

usage: national.py --giteki BIN --pg-host H --pg-port P --work DIR --logs DIR [--keep-running]
   --keep-running  (scripts/national) leave everything running until interrupted
"""
import argparse
import base64
import http.client
import http.cookiejar
import http.server
import json
import os
import re
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

PW = 'national-test-passphrase-9'
ATOM = '{http://www.w3.org/2005/Atom}'
GKNS = '{urn:giteki:signed-certificate:1}'
FACTS = {"directly_connectable": True, "data_transmission_facility": True, "uses_ip": True,
         "remotely_configurable": True, "user_installable_security_software": False}
DECLS = {"SR-1": {"description": "The admin UI requires a password."},
         "SR-2": {"measure": "unique_per_device", "description": "Unique initial password."},
         "SR-3": {"description": "Signed firmware updates."},
         "SR-4": {"description": "Kept in flash."}}

RESULTS = []
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def check(name, ok, detail=''):
    RESULTS.append((name, bool(ok)))
    print('  %-4s %-58s %s' % ('ok' if ok else 'FAIL', name, detail), flush=True)
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_until(fn, timeout, step=0.25):
    end = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() >= end:
            return v
        time.sleep(step)


# ---- a client per actor --------------------------------------------------------------------

class Client:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None
        self.user = None

    def req(self, method, path, body=None, ctype='application/json', expect=(200, 201, 202)):
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        r = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            r.add_header('Content-Type', ctype)
        if self.csrf and method not in ('GET', 'HEAD'):
            r.add_header('X-CSRF-Token', self.csrf)
        try:
            with self.op.open(r, timeout=30) as resp:
                status, raw, headers = resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as e:
            status, raw, headers = e.code, e.read(), e.headers
        if expect and status not in expect:
            raise RuntimeError('%s %s answered %s: %s' % (method, path, status, raw[:400]))
        if 'json' in (headers.get('Content-Type') or ''):
            return status, json.loads(raw)
        return status, raw

    def signin(self, email):
        _, d = self.req('POST', '/api/v1/session', {"email": email, "password": PW})
        self.csrf = d['csrf_token']
        self.user = d['user']
        return self


def multipart(fields, files):
    bnd = '----giteki-national-%d' % time.time_ns()
    out = b''
    for k, v in fields.items():
        out += ('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (bnd, k, v)).encode()
    for k, (name, ctype, data) in files.items():
        out += ('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                'Content-Type: %s\r\n\r\n' % (bnd, k, name, ctype)).encode() + data + b'\r\n'
    out += ('--%s--\r\n' % bnd).encode()
    return 'multipart/form-data; boundary=' + bnd, out


# ---- processes -----------------------------------------------------------------------------

class Giteki:
    def __init__(self, name, args, db, env_extra):
        self.name, self.args, self.db = name, args, db
        self.port = free_port()
        self.base = 'http://127.0.0.1:%d' % self.port
        self.keys = os.path.join(args.work, 'keys-' + name)
        os.makedirs(self.keys, mode=0o700, exist_ok=True)
        os.chmod(self.keys, 0o700)
        self.url = 'host=%s port=%s user=giteki dbname=%s' % (args.pg_host, args.pg_port, db)
        self.env = dict(os.environ, GITEKI_DATABASE_URL=self.url,
                        GITEKI_LISTEN='127.0.0.1:%d' % self.port, GITEKI_PUBLIC_URL=self.base,
                        GITEKI_KEY_DIR=self.keys, GITEKI_SCRYPT_LOG2N='10',
                        GITEKI_SIGNUP_LIMIT='100000', GITEKI_SIGNIN_LIMIT='100000',
                        # as scripts/test runs the server (these matter to a sanitizer build)
                        ASAN_OPTIONS='detect_leaks=1:abort_on_error=1',
                        LSAN_OPTIONS='suppressions=' + os.path.join(ROOT, 'tests', 'lsan.supp'),
                        UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1', **env_extra)
        self.log = os.path.join(args.logs, 'national-%s.log' % name)
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([self.args.giteki, 'serve'], env=self.env,
                                     stdout=open(self.log, 'wb'), stderr=subprocess.STDOUT)

        def up():
            if self.proc.poll() is not None:
                raise RuntimeError('%s exited at start (see %s)' % (self.name, self.log))
            try:
                with urllib.request.urlopen(self.base + '/healthz', timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False
        if not wait_until(up, 60):
            raise RuntimeError('%s did not answer /healthz' % self.name)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def user(self, email, role):
        subprocess.run([self.args.giteki, 'user', 'create', '--email', email, '--name', email,
                        '--role', role, '--password', PW], env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def psql(args, db, sql):
    subprocess.run(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', args.pg_host, '-p',
                    str(args.pg_port), '-U', 'giteki', '-d', db, '-c', sql], check=True,
                   stdout=subprocess.DEVNULL)


# ---- the proxy in front of a body ----------------------------------------------------------

class Proxy:
    """Forwards GETs to a body. mode 'tamper': in the feed, a signed payload whose JSON holds
    the marker gets one byte changed; 'hang': holds the connection without answering."""

    def __init__(self, target_port, marker=None):
        self.target_port = target_port
        self.marker = marker
        self.mode = 'pass'
        self.hanging = 0
        self.held = 0
        self.tampered = 0
        self.release = threading.Event()
        proxy = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.0'

            def log_message(self, *a):
                pass

            def do_GET(self):
                if proxy.mode == 'hang':
                    proxy.hanging += 1
                    proxy.held += 1
                    proxy.release.wait(60)
                    proxy.hanging -= 1
                    self.close_connection = True
                    return
                c = http.client.HTTPConnection('127.0.0.1', proxy.target_port, timeout=30)
                c.request('GET', self.path)
                r = c.getresponse()
                body = r.read()
                if proxy.marker and self.path.startswith('/api/v1/feed.atom'):
                    body = proxy.tamper(body)
                    # and an entry of its own whose time the database could not read: refused
                    # as malformed, and the pull goes on
                    body = body.replace(b'<entry>', b'<entry><id>urn:national-test:bad-time</id>'
                                        b'<title>x</title><updated>2026-13-45T99:99:99Z</updated>'
                                        b'<link rel="alternate" href="/certificates/D26-9999102"/>'
                                        b'<category term="grant"/></entry><entry>', 1)
                self.send_response(r.status)
                self.send_header('Content-Type', r.getheader('Content-Type') or 'text/plain')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.srv = S(('127.0.0.1', 0), H)
        self.port = self.srv.server_address[1]
        self.base = 'http://127.0.0.1:%d' % self.port
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def tamper(self, body):
        marker = self.marker.encode()

        def one(m):
            text = m.group(2).decode()
            raw = base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))
            if marker not in raw:
                return m.group(0)
            i = raw.index(marker)
            raw = raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1:]  # one changed byte
            self.tampered += 1
            return m.group(1) + base64.urlsafe_b64encode(raw).rstrip(b'=') + m.group(3)
        return re.sub(rb'(<gk:certificate[^>]*>)([A-Za-z0-9_-]+)(</gk:certificate>)', one, body)

    def set_mode(self, mode):
        self.mode = mode
        if mode != 'hang':
            self.release.set()
            self.release = threading.Event()

    def close(self):
        self.set_mode('pass')
        self.srv.shutdown()


# ---- granting a certificate through a body's API ------------------------------------------

class Body:
    def __init__(self, g):
        self.g = g
        self.maker = self.ex1 = self.ex2 = None

    def setup(self):
        g = self.g
        g.user('ex1@national.test', 'examiner')
        g.user('ex2@national.test', 'examiner')
        g.user('admin@national.test', 'admin')
        st, _ = Client(g.base).req('POST', '/api/v1/signup', {
            "organization": {"name": "Maker of %s" % g.name, "representative": "R"},
            "user": {"email": "maker@national.test", "password": PW, "name": "M"}}, expect=(202,))
        # issue 19: the address is confirmed by a mail's link; these bodies send none
        psql(g.args, g.db, "UPDATE users SET email_verified_at = now()"
                           " WHERE email = 'maker@national.test'")
        self.maker = Client(g.base).signin('maker@national.test')
        # issue 16: a filing needs the complete holder record (docs/rules.md H3)
        self.maker.req('PUT', '/api/v1/organizations/me', {
            "name": "Maker of %s" % g.name, "name_ja": "Maker of %s" % g.name, "country": "JP",
            "corporate_number": "5160000000005", "address_ja": "東京都千代田区霞が関1-1",
            "representative": "R", "representative_title": "代表取締役",
            "contact": {"name": "C", "phone": "03-1234-5678", "email": "c@national.test"}})
        self.ex1 = Client(g.base).signin('ex1@national.test')
        self.ex2 = Client(g.base).signin('ex2@national.test')

    def grant(self, model, category='router'):
        m = self.maker
        _, app = m.req('POST', '/api/v1/applications', {
            "route": "conformity", "declarations": DECLS,
            "device": {"model_name": model, "type_name": model + "-JP", "category": category,
                       "description": "national view test", "facts": FACTS}})
        aid = app['id']
        for kind in ('outline', 'test_report', 'external_view', 'connection_diagram',
                     'block_diagram', 'manual'):
            ct, body = multipart({'kind': kind, 'confidentiality': 'confidential'},
                                 {'file': (kind + '.pdf', 'application/pdf',
                                           b'%PDF-1.4\n% ' + kind.encode() + b'\n%%EOF\n')})
            m.req('POST', '/api/v1/applications/%s/documents' % aid, body, ctype=ct)
        m.req('POST', '/api/v1/applications/%s/submit' % aid, {})
        e1 = self.ex1
        e1.req('POST', '/api/v1/applications/%s/assign' % aid, {"examiner_id": e1.user['id']})
        e1.req('POST', '/api/v1/applications/%s/requirements/SR-1/evidence' % aid,
               {"procedure": "Tried to log in without a password.", "result": "Refused.",
                "document_ids": []})
        for q in ('SR-1', 'SR-2', 'SR-3', 'SR-4'):
            e1.req('PUT', '/api/v1/applications/%s/requirements/%s/verdict' % (aid, q),
                   {"verdict": "pass"})
        e1.req('POST', '/api/v1/applications/%s/proposal' % aid,
               {"decision": "grant", "reason": "All requirements met."})
        _, d = self.ex2.req('POST', '/api/v1/applications/%s/review' % aid,
                            {"approve": True, "comment": "Checked."})
        return d['certificate_number']

    def key_id(self):
        _, d = Client(self.g.base).req('GET', '/api/v1/signing-keys')
        return [k['key_id'] for k in d['items'] if k['active']][0]


# ---- the checks ----------------------------------------------------------------------------

def verify_feed(base, body_code):
    """Parse the body's feed; verify every gk:certificate with the published key (openssl)."""
    with urllib.request.urlopen(base + '/api/v1/feed.atom?limit=500', timeout=10) as r:
        root = ET.fromstring(r.read())
    with urllib.request.urlopen(base + '/api/v1/signing-keys', timeout=10) as r:
        keys = {k['key_id']: k['public_key'] for k in json.load(r)['items']}
    entries = root.findall(ATOM + 'entry')
    signed = [e.find(GKNS + 'certificate') for e in entries]
    signed = [s for s in signed if s is not None]
    good = 0
    for s in signed:
        raw = base64.urlsafe_b64decode(s.text + '=' * (-len(s.text) % 4))
        doc = json.loads(raw)
        if doc.get('certification_body') == body_code and s.get('key-id') in keys and \
                ed25519_ok(keys[s.get('key-id')], raw, s.get('signature')):
            good += 1
    return root.tag == ATOM + 'feed', len(entries), len(signed), good


def ed25519_ok(pub_b64, msg, sig_b64):
    """Verify with openssl's command line (DER SubjectPublicKeyInfo of the raw key)."""
    import tempfile
    pub = base64.urlsafe_b64decode(pub_b64 + '=' * (-len(pub_b64) % 4))
    sig = base64.urlsafe_b64decode(sig_b64 + '=' * (-len(sig_b64) % 4))
    der = bytes.fromhex('302a300506032b6570032100') + pub
    with tempfile.TemporaryDirectory() as d:
        for n, b in (('k.der', der), ('m', msg), ('s', sig)):
            with open(os.path.join(d, n), 'wb') as f:
                f.write(b)
        r = subprocess.run(['openssl', 'pkeyutl', '-verify', '-pubin', '-inkey',
                            os.path.join(d, 'k.der'), '-keyform', 'DER', '-rawin', '-in',
                            os.path.join(d, 'm'), '-sigfile', os.path.join(d, 's')],
                           capture_output=True)
        return r.returncode == 0


def national(agg, query):
    _, d = Client(agg.base).req('GET', '/api/v1/national/certificates?' + urllib.parse.urlencode(query))
    return d['items']


def metric(base, name, body):
    with urllib.request.urlopen(base + '/metrics', timeout=5) as r:
        text = r.read().decode()
    m = re.search(r'^%s\{body="%s"\} (-?\d+)' % (re.escape(name), body), text, re.M)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--giteki', required=True)
    ap.add_argument('--pg-host', default='127.0.0.1')
    ap.add_argument('--pg-port', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--logs', required=True)
    ap.add_argument('--keep-running', action='store_true')
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.logs, exist_ok=True)
    t_start = time.time()
    for db in ('national_a', 'national_b', 'national_agg'):
        psql(args, 'postgres', 'DROP DATABASE IF EXISTS %s' % db)
        psql(args, 'postgres', 'CREATE DATABASE %s' % db)
    a = Giteki('body-101', args, 'national_a', {'GITEKI_BODY_CODE': '101'})
    b = Giteki('body-102', args, 'national_b', {'GITEKI_BODY_CODE': '102'})
    procs = [a, b]
    proxies = []
    try:
        a.start()
        b.start()
        # the body's code is configuration (GITEKI_BODY_CODE) and a row (certification_body,
        # checked against every number): both say the same
        psql(args, 'national_a', "UPDATE certification_body SET body_code = '101'")
        psql(args, 'national_b', "UPDATE certification_body SET body_code = '102'")
        A, B = Body(a), Body(b)
        A.setup()
        B.setup()
        print('bodies: 101 on %s, 102 on %s' % (a.base, b.base), flush=True)
        a1 = A.grant('NV-A1 national router')
        b1 = B.grant('NV-B1 national camera', 'camera')
        b2 = B.grant('NV-B2 TAMPERME gateway', 'gateway')
        print('granted: %s (101), %s and %s (102)' % (a1, b1, b2), flush=True)
        # an imported certificate: never signed, so nothing the aggregator could verify
        A.ex1.req('POST', '/api/v1/certificates/import',
                  b'number,route,category,manufacturer,model_name,type_name,granted_on\r\n'
                  b'D19-0001101,conformity,router,Old Maker,NV-OLD imported router,,2019-05-01\r\n',
                  ctype='text/csv')

        ok, n, ns, good = verify_feed(b.base, '102')
        check('signed-feed: body 102 feed is Atom, entries signed and verify',
              ok and n >= 2 and ns == n and good == n, '%d entries, %d signed, %d verified' % (n, ns, good))

        pa, pb = Proxy(a.port), Proxy(b.port, marker='TAMPERME')
        proxies += [pa, pb]

        def aggregator(key_b):
            spec = '101=%s=%s;102=%s=%s' % (pa.base, A.key_id(), pb.base, key_b)
            g = Giteki('aggregator', args, 'national_agg',
                       {'GITEKI_AGGREGATE': spec, 'GITEKI_AGGREGATE_INTERVAL': '1',
                        'GITEKI_AGGREGATE_TIMEOUT': '6', 'GITEKI_BODY_CODE': '900'})
            procs.append(g)
            g.start()
            print('aggregator on %s: GITEKI_AGGREGATE=%s' % (g.base, spec), flush=True)
            return g

        # first with another key pinned for 102: nothing of 102 may be stored
        agg = aggregator('0123456789abcdef')
        agg.user('admin@national.test', 'admin')
        admin = Client(agg.base).signin('admin@national.test')
        got_a = wait_until(lambda: national(agg, {'q': 'national', 'body': '101'}), 30)

        def unknown():
            _, d = admin.req('GET', '/api/v1/national/rejections?body=102')
            return {r['number'] for r in d['items'] if r['reason'] == 'unknown_key'} >= {b1, b2}
        refused = wait_until(unknown, 15)
        check('pinning: entries signed by a key not pinned are refused (unknown_key)',
              got_a and refused and not national(agg, {'body': '102'}),
              '101 stored: %s; 102 refused: %s; 102 stored: %d'
              % (bool(got_a), bool(refused), len(national(agg, {'body': '102'}))))
        def unsigned():
            _, d = admin.req('GET', '/api/v1/national/rejections?body=101')
            return [r for r in d['items'] if r['number'] == 'D19-0001101']
        ru = wait_until(unsigned, 10)
        check('unsigned: an imported certificate is listed as unsigned, not stored, not a refusal',
              ru and ru[0]['reason'] == 'unsigned' and not national(agg, {'q': 'NV-OLD'}) and
              metric(agg.base, 'giteki_national_unsigned_total', '101') == 1 and
              metric(agg.base, 'giteki_national_rejected_total', '101') == 0,
              'unsigned_total %s, rejected_total %s' % (
                  metric(agg.base, 'giteki_national_unsigned_total', '101'),
                  metric(agg.base, 'giteki_national_rejected_total', '101')))
        rc = agg.stop()
        procs.remove(agg)
        check('aggregator (first configuration) stopped cleanly', rc == 0, 'exit status %s' % rc)
        # then the body's real key: the changed configuration reads 102's feed again
        agg = aggregator(B.key_id())
        admin = Client(agg.base).signin('admin@national.test')

        def both():
            items = national(agg, {'q': 'national'})
            nums = {(i['body'], i['number']) for i in items}
            return items if ('101', a1) in nums and ('102', b1) in nums else None
        t0 = time.time()
        items = wait_until(both, 30)
        check('national-search: one search finds a certificate of each body', items,
              '%s after %.1f s: %s' % ('found' if items else 'not found', time.time() - t0,
                                      sorted((i['body'], i['number']) for i in (items or []))))
        only = national(agg, {'q': 'national', 'body': '101'})
        check('national-search: body is a filter', [i['number'] for i in only] == [a1],
              str([i['number'] for i in only]))
        if items:
            i1 = [i for i in items if i['number'] == b1][0]
            check('national-search: the item says body, model, status, provenance',
                  i1['body'] == '102' and i1['model_name'] == 'NV-B1 national camera' and
                  i1['status'] == 'granted' and i1['verified'] is True and
                  i1['feed_entry_id'].startswith('urn:giteki:certificate-event:') and
                  'application_id' not in i1 and 'organization_id' not in i1, json.dumps(i1)[:200])

        _, rej = admin.req('GET', '/api/v1/national/rejections')
        bad = [r for r in rej['items'] if r['entry_id'] == 'urn:national-test:bad-time']
        check('malformed: an entry the database could not read is refused, the pull goes on',
              bad and bad[0]['reason'] == 'malformed', json.dumps(bad)[:160])
        r2 = [r for r in rej['items'] if r['number'] == b2 and r['reason'] == 'bad_signature']
        check('tampered: the changed entry is refused (bad_signature)',
              pb.tampered > 0 and r2 and r2[0]['body'] == '102',
              'proxy changed %d payload(s); rejections: %s' % (pb.tampered, json.dumps(r2)[:200]))
        check('tampered: never stored', not national(agg, {'q': 'TAMPERME'}), '')
        check('tampered: counted in /metrics',
              (metric(agg.base, 'giteki_national_rejected_total', '102') or 0) >= 1,
              'giteki_national_rejected_total{body="102"} %s'
              % metric(agg.base, 'giteki_national_rejected_total', '102'))
        with open(agg.log) as f:
            logged = 'national entry refused' in f.read()
        check('tampered: logged', logged, 'national entry refused in %s' % os.path.basename(agg.log))
        st, _ = Client(agg.base).req('GET', '/api/v1/national/rejections', expect=None)
        check('tampered: rejections are not public', st == 401, 'anonymous: %s' % st)

        # body 101 goes down (its connections hang), while both bodies keep granting
        pa.set_mode('hang')
        wait_until(lambda: pa.held > 0, 10)  # 101's puller is now stuck in a request
        a2 = A.grant('NV-A2 national ONU', 'onu_modem')
        b3 = B.grant('NV-B3 national NAS', 'nas')
        t0 = time.time()
        found = wait_until(lambda: national(agg, {'q': 'NV-B3'}), 20)
        waited = time.time() - t0
        check('down: the other body is not delayed',
              found and waited < 6 and pa.hanging > 0 and not national(agg, {'q': 'NV-A2'}),
              'NV-B3 of 102 found %.1f s after its grant, while %d request(s) to 101 hang'
              % (waited, pa.hanging))

        def reported():
            _, d = admin.req('GET', '/api/v1/national/bodies')
            x = [i for i in d['items'] if i['code'] == '101']
            return x[0] if x and not x[0]['up'] and x[0]['last_error'] else None
        rep = wait_until(reported, 15)
        check('down: reported (bodies up false, metrics up 0)',
              rep and metric(agg.base, 'giteki_national_body_up', '101') == 0,
              'last_error: %s' % (rep or {}).get('last_error'))

        pa.set_mode('pass')
        t0 = time.time()
        back = wait_until(lambda: national(agg, {'q': 'NV-A2'}), 30)
        check('caught-up: the body\'s certificate of the meantime is found',
              back and back[0]['number'] == a2 and back[0]['body'] == '101',
              '%s %.1f s after the body answered again' % (a2, time.time() - t0))
        # a suspension at the body reaches the national view through its feed entry
        B.ex1.req('POST', '/api/v1/certificates/%s/suspend' % b1,
                  {"reason": "Market surveillance found a default password."})
        sus = wait_until(lambda: [i for i in national(agg, {'q': b1, 'status': 'suspended'})], 15)
        check('status: a suspension at the body shows in the national view',
              sus and sus[0]['body'] == '102' and 'reason' not in sus[0],
              json.dumps(sus[0] if sus else None)[:160])
        B.ex1.req('POST', '/api/v1/certificates/%s/reinstate' % b1, {"reason": "Fixed by an update."})
        back = wait_until(lambda: [i for i in national(agg, {'q': b1, 'status': 'granted'})], 15)
        check('status: and its reinstatement', back, '')
        _, st = Client(agg.base).req('GET', '/api/v1/national/stats')
        check('stats: counts by body', {x['value']: x['count'] for x in st['by_body']} == {'101': 2, '102': 2},
              json.dumps(st['by_body']))

        st, csv = Client(agg.base).req('GET', '/api/v1/national/certificates/export?format=csv&q=national')
        rows = csv.decode('utf-8-sig').strip().split('\r\n')
        check('export: CSV has the body as its first column, both bodies',
              rows[0].startswith('body,number,') and
              {r.split(',')[0] + ' ' + r.split(',')[1] for r in rows[1:]} ==
              {'101 ' + a1, '101 ' + a2, '102 ' + b1, '102 ' + b3}, '%d rows' % (len(rows) - 1))
        _, js = Client(agg.base).req('GET', '/api/v1/national/certificates/export?format=json&body=102')
        check('export: JSON with the body filter', sorted(i['number'] for i in js) == sorted([b1, b3]),
              str([i['number'] for i in js]))
        for lang in ('ja', 'en'):
            st, html = Client(agg.base).req('GET', '/national?q=national&lang=' + lang)
            html = html.decode()
            check('page: /national (%s) lists both bodies\' certificates' % lang,
                  st == 200 and all(x in html for x in (a1, a2, b1, b3, '>101<', '>102<')) and
                  b2 not in html, 'status %s, %d bytes' % (st, len(html)))
        st, html = Client(agg.base).req('GET', '/national?body=1x', expect=None)
        check('page: a bad filter is named', st == 400 and 'body' in html.decode(), 'status %s' % st)

        if args.keep_running:
            print('\nrunning: body 101 %s, body 102 %s, aggregator %s (national search: '
                  '%s/api/v1/national/certificates). Ctrl-C stops.' % (a.base, b.base, agg.base, agg.base),
                  flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    except Exception as e:  # a step that could not run is a failure, not a crash
        check('the scenario ran to its end', False, str(e)[:400])
    finally:
        for p in proxies:
            p.close()
        for p in reversed(procs):
            rc = p.stop()
            check('%s stopped cleanly' % p.name, rc == 0, 'exit status %s' % rc)
    failed = [n for n, ok in RESULTS if not ok]
    print('summary: %d checks, %d failed, %.1f s' % (len(RESULTS), len(failed), time.time() - t_start))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
