-- Audit log: the chain's shape (seq, prev_hash = previous hash), append-only, guarded head.
BEGIN;
\ir lib/helpers.sql

CREATE FUNCTION t.audit_sql(seq bigint, prev bytea, hash bytea, actor text DEFAULT 'system',
                            action text DEFAULT 'application.submit', detail text DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
    SELECT format($q$INSERT INTO audit_log (seq, actor, action, object, detail, prev_hash, hash)
                     VALUES (%s, %L, %L, 'application:1', %L, %L, %L)$q$, seq, actor, action, detail, prev, hash)
$$;

CREATE TEMP TABLE z AS SELECT decode(repeat('00', 32), 'hex') AS zero;

SELECT t.rejects('first entry not after genesis', (SELECT t.audit_sql(1, t.h('x'), t.h('e1')) FROM z), 'audit_log_chain', '40001');
SELECT t.rejects('first entry not numbered 1', (SELECT t.audit_sql(2, zero, t.h('e1')) FROM z), 'audit_log_chain', '40001');
SELECT t.accepts('first entry', (SELECT t.audit_sql(1, zero, t.h('e1'), 'user:8f0c2f3e-0000-4000-8000-000000000001',
                                                      'session.create', '{"b": 1,  "a": [2, 1]}') FROM z));
SELECT t.accepts('second entry', t.audit_sql(2, t.h('e1'), t.h('e2')));
SELECT t.rejects('stale head: prev_hash is not the last hash', t.audit_sql(3, t.h('e1'), t.h('e3')), 'audit_log_chain', '40001');
SELECT t.rejects('gap in seq', t.audit_sql(4, t.h('e2'), t.h('e4')), 'audit_log_chain', '40001');
SELECT t.rejects('fork at an older entry', t.audit_sql(2, t.h('e1'), t.h('e2b')), 'audit_log_chain', '40001');
SELECT t.rejects('hash of the wrong length', t.audit_sql(3, t.h('e2'), '\x0102'), 'gk_sha256_length');
SELECT t.rejects('actor with spaces', t.audit_sql(3, t.h('e2'), t.h('e3'), actor => 'Mallory the admin'), 'audit_log_actor_format');
SELECT t.rejects('action with a newline', t.audit_sql(3, t.h('e2'), t.h('e3'), action => E'a\nb'), 'audit_log_action_format');
SELECT t.rejects('detail not JSON', t.audit_sql(3, t.h('e2'), t.h('e3'), detail => '{oops'), NULL, '22P02');
SELECT t.accepts('third entry', t.audit_sql(3, t.h('e2'), t.h('e3'), action => 'certificate.revoke'));

DO $$
BEGIN
    PERFORM t.assert_eq((SELECT (seq, hash = t.h('e3'))::text FROM audit_chain_head), '(3,t)', 'head follows the chain');
    PERFORM t.assert_eq((SELECT detail::text FROM audit_log WHERE seq = 1), '{"b": 1,  "a": [2, 1]}',
                        'detail kept byte for byte as hashed');
    PERFORM t.assert((SELECT bool_and(l.prev_hash = p.hash) FROM audit_log l JOIN audit_log p ON p.seq = l.seq - 1),
                     'each entry links to its predecessor');
END $$;

SELECT t.rejects('entry rewritten', $q$UPDATE audit_log SET action = 'nothing.happened' WHERE seq = 2$q$, 'audit_log_append_only');
SELECT t.rejects('entry deleted', 'DELETE FROM audit_log WHERE seq = 3', 'audit_log_append_only');
SELECT t.rejects('log truncated', 'TRUNCATE audit_log', 'audit_log_append_only');
SELECT t.rejects('head moved directly', $q$UPDATE audit_chain_head SET seq = 0, hash = decode(repeat('00', 32), 'hex')$q$,
                 'audit_chain_head_guarded');
SELECT t.rejects('head deleted', 'DELETE FROM audit_chain_head', 'audit_chain_head_guarded');
SELECT t.rejects('second head', $q$INSERT INTO audit_chain_head VALUES (false, 0, decode(repeat('00', 32), 'hex'))$q$,
                 'audit_chain_head_guarded');
SELECT t.rejects('head truncated', 'TRUNCATE audit_chain_head', 'audit_chain_head_guarded');

ROLLBACK;
