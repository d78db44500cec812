#!/usr/bin/python3
"""tests/mail/check.py: the mail checks of issue 19 that need more than one request.

  subjects  --mail-dir DIR --database-url CONNINFO
      Every mail the API scenarios received (scripts/mailsink files) parses with Python's
      `email` package: its Subject decodes (RFC 2047) to exactly a subject the outbox holds,
      Japanese ones included; it is multipart/alternative with a text and an HTML part in
      UTF-8; Date and Message-ID are there and Date parses.
  delivery  --database-url CONNINFO --binary GITEKI --key-dir DIR [--outage SECONDS] [--mails N]
      Two `giteki serve` instances share the outbox while their SMTP server is down (nothing
      listens on its port): the mails wait (attempts grow, none is failed); then a mail sink
      starts on that port and every mail arrives exactly once (FOR UPDATE SKIP LOCKED: no
      instance sends a mail another holds), and every row is marked sent.

Prints one "ok"/"FAIL" line per check; exits 1 when one failed. /usr/bin/python3: the
mail sink needs Debian's python3-aiosmtpd.
"""
import argparse
import email
import email.policy
import email.utils
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
JAPANESE = re.compile('[\u3040-\u30ff\u3400-\u9fff]')


def psql(url, sql):
    r = subprocess.run(['psql', url, '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError('psql: %s' % r.stderr.strip())
    return r.stdout


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def check_subjects(a):
    fails = []
    subjects = set(psql(a.database_url, 'SELECT subject FROM mail_outbox').splitlines())
    files = sorted(f for f in os.listdir(a.mail_dir) if f.endswith('.eml'))
    japanese = 0
    for f in files:
        raw = open(os.path.join(a.mail_dir, f), 'rb').read()
        m = email.message_from_bytes(raw, policy=email.policy.default)
        subj = str(m['subject'])
        if subj not in subjects:
            fails.append('%s: subject %r is not an outbox subject' % (f, subj))
        if JAPANESE.search(subj):
            japanese += 1
            if '=?' not in raw.split(b'\r\n\r\n', 1)[0].decode('ascii'):
                fails.append('%s: Japanese subject not RFC 2047 encoded' % f)
        if m.get_content_type() != 'multipart/alternative':
            fails.append('%s: %s, not multipart/alternative' % (f, m.get_content_type()))
        kinds = [p.get_content_type() for p in m.iter_parts()]
        if kinds != ['text/plain', 'text/html']:
            fails.append('%s: parts %s' % (f, kinds))
        for p in m.iter_parts():
            if p.get_content_charset() != 'utf-8':
                fails.append('%s: part charset %s' % (f, p.get_content_charset()))
            p.get_content()  # decodes (base64, UTF-8) or raises
        if not m['message-id'] or not m['date']:
            fails.append('%s: no Message-ID or Date' % f)
        else:
            email.utils.parsedate_to_datetime(str(m['date']))
    if not files:
        fails.append('no mail in %s' % a.mail_dir)
    if not japanese:
        fails.append('no Japanese subject among %d mails' % len(files))
    return fails, '%d mails parsed by Python email, %d Japanese subjects decoded' % (
        len(files), japanese)


def message(i, to):
    return ('Date: Thu, 03 Dec 2026 00:00:00 +0000\r\nFrom: noreply@api.test\r\nTo: %s\r\n'
            'Subject: delivery %d\r\nMessage-ID: <delivery-%d@api.test>\r\nX-Test-Seq: %d\r\n'
            'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nmail %d\r\n'
            % (to, i, i, i, i))


def check_delivery(a):
    fails = []
    tmp = tempfile.mkdtemp(prefix='giteki-mail-')
    smtp_port = free_port()
    n = a.mails
    tag = str(int(time.time()))
    values = ','.join("('delivery.test', 'd%d-%s@delivery.test', 'delivery %d', $m$%s$m$)"
                      % (i, tag, i, message(i, 'd%d-%s@delivery.test' % (i, tag)))
                      for i in range(n))
    psql(a.database_url, 'INSERT INTO mail_outbox (kind, recipient, subject, message) VALUES '
         + values)
    servers = []
    try:
        for k in range(2):
            port = free_port()
            env = dict(os.environ, GITEKI_DATABASE_URL=a.database_url,
                       GITEKI_LISTEN='127.0.0.1:%d' % port, GITEKI_KEY_DIR=a.key_dir,
                       GITEKI_MIGRATE_ON_START='0', GITEKI_SMTP_URL='smtp://127.0.0.1:%d' % smtp_port,
                       GITEKI_MAIL_POLL_MS='50', GITEKI_MAIL_RETRY='1', GITEKI_MAIL_TRIES='12',
                       GITEKI_MAIL_FROM='noreply@api.test')
            log = open(os.path.join(tmp, 'serve-%d.log' % k), 'w')
            servers.append(subprocess.Popen([a.binary, 'serve'], env=env, stdout=log,
                                            stderr=subprocess.STDOUT))
        time.sleep(a.outage)
        row = psql(a.database_url, "SELECT count(*) FILTER (WHERE status = 'queued'),"
                   " count(*) FILTER (WHERE status = 'failed'), min(attempts)"
                   " FROM mail_outbox WHERE kind = 'delivery.test'").strip().split('|')
        queued, failed, min_attempts = int(row[0]), int(row[1]), int(row[2] or 0)
        if queued != n or failed:
            fails.append('during the outage: %d queued, %d failed of %d' % (queued, failed, n))
        if min_attempts < 1:
            fails.append('during the outage a mail was never tried')
        sink_dir = os.path.join(tmp, 'mail')
        sink = subprocess.Popen(['/usr/bin/python3', os.path.join(ROOT, 'scripts', 'mailsink'),
                                 '--dir', sink_dir, '--port', str(smtp_port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t0 = time.time()
        sent = 0
        while time.time() - t0 < 90:
            sent = int(psql(a.database_url, "SELECT count(*) FROM mail_outbox WHERE"
                            " kind = 'delivery.test' AND status = 'sent'").strip())
            if sent == n:
                break
            time.sleep(0.5)
        delay = time.time() - t0
        time.sleep(1)
        sink.terminate()
        sink.wait()
        seqs = []
        for f in os.listdir(sink_dir) if os.path.isdir(sink_dir) else []:
            if f.endswith('.eml'):
                m = re.search(rb'X-Test-Seq: (\d+)', open(os.path.join(sink_dir, f), 'rb').read())
                if m:
                    seqs.append(int(m.group(1)))
        if sent != n:
            fails.append('after the outage only %d of %d marked sent within 90 s' % (sent, n))
        if sorted(seqs) != list(range(n)):
            dup = len(seqs) - len(set(seqs))
            fails.append('the sink got %d mails for %d rows (%d duplicates, %d missing)'
                         % (len(seqs), n, dup, n - len(set(seqs))))
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            try:
                s.wait(20)
            except subprocess.TimeoutExpired:
                s.kill()
        psql(a.database_url, "DELETE FROM mail_outbox WHERE kind = 'delivery.test'")
    return fails, ('%d mails, 2 instances, SMTP down %.0f s: none lost, none twice, all sent %.1f s'
                   ' after the server came back' % (n, a.outage, delay))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('subjects')
    s.add_argument('--mail-dir', required=True)
    s.add_argument('--database-url', required=True)
    d = sub.add_parser('delivery')
    d.add_argument('--database-url', required=True)
    d.add_argument('--binary', required=True)
    d.add_argument('--key-dir', required=True)
    d.add_argument('--outage', type=float, default=10)
    d.add_argument('--mails', type=int, default=40)
    a = ap.parse_args()
    try:
        fails, what = check_subjects(a) if a.cmd == 'subjects' else check_delivery(a)
    except Exception as e:  # a check that cannot run fails
        fails, what = ['%s: %s' % (type(e).__name__, e)], a.cmd
    if fails:
        print('FAIL mail/%s' % a.cmd)
        for f in fails:
            print('    ' + f)
        return 1
    print('ok   mail/%s: %s' % (a.cmd, what))
    return 0


if __name__ == '__main__':
    sys.exit(main())
