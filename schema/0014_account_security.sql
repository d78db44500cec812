-- Issue 18: account security, second pass.

-- Throttle keys: the pair (account, client address) with growing delays replaces the
-- per-account lock; sign-up and sign-in attempts are counted per client address.
ALTER TABLE login_throttle DROP CONSTRAINT login_throttle_key_format;
ALTER TABLE login_throttle ADD CONSTRAINT login_throttle_key_format
    CHECK (char_length(key) <= 330
           AND key ~ '^(account|addr|pair|signup|signin):[^[:space:][:cntrl:]]+$');
-- The per-account counters lock nobody any more.
DELETE FROM login_throttle WHERE key LIKE 'account:%';

-- API token scopes: read (every GET), file (a manufacturer's filings), examine (examiners and
-- administrators), regulate (the regulator). Tokens made before scopes existed could do
-- everything their user could: they keep that.
ALTER TABLE api_tokens ADD COLUMN scopes text[] NOT NULL DEFAULT '{read}'
    CONSTRAINT api_tokens_scopes_check CHECK (
        cardinality(scopes) BETWEEN 1 AND 4
        AND scopes <@ ARRAY['read', 'file', 'examine', 'regulate']::text[]);
UPDATE api_tokens t SET scopes = CASE u.role
        WHEN 'manufacturer' THEN ARRAY['read', 'file']
        WHEN 'examiner' THEN ARRAY['read', 'examine']
        WHEN 'admin' THEN ARRAY['read', 'examine']
        WHEN 'regulator' THEN ARRAY['read', 'regulate'] END
    FROM users u WHERE u.id = t.user_id;
-- Every token now has a maximum lifetime (GITEKI_TOKEN_MAX_DAYS, default 365): the ones
-- without an expiry get a year from today.
UPDATE api_tokens SET expires_on = current_date + 365
    WHERE expires_on IS NULL AND revoked_at IS NULL;

-- E-mail addresses are stored normalised. The server folds with NFKC and Unicode case
-- folding; lower() is the nearest PostgreSQL has and differs only for a few letters (ß folds
-- to ss): such an address stays findable only once its owner's row is corrected by an
-- administrator. A row whose normal form would collide with another's is left as it is.
UPDATE users u SET email = lower(normalize(u.email, NFKC))
    WHERE u.email <> lower(normalize(u.email, NFKC))
      AND NOT EXISTS (SELECT 1 FROM users o
                      WHERE o.id <> u.id AND lower(o.email) = lower(normalize(u.email, NFKC)));
