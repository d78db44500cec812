#!/usr/bin/env python3
"""tests/national/measure.py: how fast an aggregator takes in a body's signed feed.

One body (code 101) with M imported certificates, then N granted through its API, and one
aggregator pulling it directly (no proxy). Prints: the time of the body's feed pages
(limit=200) with their signed records, the aggregator's first pull (from its start until every
signed certificate is in the national search and every imported one listed as unsigned), and
the time of a later pull that re-reads them all, every one known (giteki_national_last_pull_seconds).

usage: measure.py --giteki BIN --pg-port P --work DIR --logs DIR [--granted N] [--imported M]
"""
import argparse
import json
import os
import re
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import national as nv  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--giteki', required=True)
    ap.add_argument('--pg-host', default='127.0.0.1')
    ap.add_argument('--pg-port', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--logs', required=True)
    ap.add_argument('--granted', type=int, default=100)
    ap.add_argument('--imported', type=int, default=5000)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    for db in ('measure_a', 'measure_agg'):
        nv.psql(args, 'postgres', 'DROP DATABASE IF EXISTS %s' % db)
        nv.psql(args, 'postgres', 'CREATE DATABASE %s' % db)
    a = nv.Giteki('measure-body', args, 'measure_a', {'GITEKI_BODY_CODE': '101'})
    procs = [a]
    try:
        a.start()
        nv.psql(args, 'measure_a', "UPDATE certification_body SET body_code = '101'")
        A = nv.Body(a)
        A.setup()
        rows = ['number,route,category,manufacturer,model_name,type_name,granted_on']
        rows += ['D19-%04d101,conformity,router,Old Maker,OLD-%04d,,2019-05-01' % (i + 1, i)
                 for i in range(args.imported)]
        A.ex1.req('POST', '/api/v1/certificates/import', ('\r\n'.join(rows) + '\r\n').encode(),
                  ctype='text/csv')
        t0 = time.time()
        for i in range(args.granted):
            A.grant('MS-%04d measured router' % i)
        print('granted %d certificates through the API in %.1f s' % (args.granted, time.time() - t0))
        times = []
        for _ in range(20):
            t = time.time()
            with urllib.request.urlopen(a.base + '/api/v1/feed.atom?limit=200', timeout=30) as r:
                body = r.read()
            times.append(time.time() - t)
        times.sort()
        print('feed page limit=200 (%d bytes: the newest entries, the granted ones with their signed records): '
              'median %.1f ms, max %.1f ms over 20' % (len(body), 1000 * times[10], 1000 * times[-1]))
        agg = nv.Giteki('measure-aggregator', args, 'measure_agg',
                        {'GITEKI_AGGREGATE': '101=%s=%s' % (a.base, A.key_id()),
                         'GITEKI_AGGREGATE_INTERVAL': '2', 'GITEKI_BODY_CODE': '900'})
        procs.append(agg)
        t0 = time.time()
        agg.start()
        agg.user('admin@national.test', 'admin')
        admin = nv.Client(agg.base).signin('admin@national.test')

        def complete():
            _, d = admin.req('GET', '/api/v1/national/bodies')
            b = d['items'][0]
            return b if b['certificates'] == args.granted and b['last_success_at'] else None
        b = nv.wait_until(complete, 600, 0.2)
        first = time.time() - t0
        _, st = nv.Client(agg.base).req('GET', '/api/v1/national/stats')
        print('aggregator first pull: %d signed certificates stored, %d imported entries listed as '
              'unsigned, in %.1f s (%d entries, %.0f entries/s)'
              % (st['total'], nv.metric(agg.base, 'giteki_national_unsigned_total', '101') or 0,
                 first, args.granted + args.imported, (args.granted + args.imported) / first))
        # later pulls re-read the entries of the last five minutes (the overlap window): here
        # every entry, all known (accepted, or listed as unsigned), so nothing is written
        time.sleep(6)
        with urllib.request.urlopen(agg.base + '/metrics', timeout=5) as r:
            m = re.search(r'^giteki_national_last_pull_seconds\{body="101"\} ([0-9.]+)',
                          r.read().decode(), re.M)
        again = float(m.group(1)) if m else -1
        print('a later pull re-reading all %d entries (all known): %.2f s'
              % (args.granted + args.imported, again))
        print(json.dumps({'granted': args.granted, 'imported': args.imported,
                          'feed_median_ms': round(1000 * times[10], 1),
                          'first_pull_s': round(first, 1), 'repeat_pull_s': again}))
    finally:
        for p in reversed(procs):
            p.stop()


if __name__ == '__main__':
    main()
