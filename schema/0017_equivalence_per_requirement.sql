-- 0017 equivalence per requirement (issue 15, items 4 and 6).
--
-- Report (3), table 1.1, 「同等以上の機能」 (l. 370-375): a product with a security certification
-- under an international standard "such as CC" whose security functions are recognised as
-- equivalent to or better than the functions above is deemed to meet *that* requirement. The
-- decision is per requirement: each accepted decision lists the requirements it covers with the
-- certified functions that cover them (`equivalence_mappings`), and a `met_by_equivalence`
-- verdict names the decision whose mapping it rests on. An equivalent function without any
-- certificate (同等以上の機能, Art. 34-10 「又はこれと同等以上」) is a decision of basis
-- `equivalent_function` with exactly one mapping and its justification.
--
-- A verdict that is replaced or removed is kept in `verdict_history` (nothing is silently
-- overwritten), and evidence may carry structured findings (SR-2: are per-device values
-- derivable from printed or broadcast identifiers; SR-3: secure and automatic updates, method).

-- ---- recognised schemes (data, not code) --------------------------------------------------
CREATE TABLE recognised_schemes (
    id              text PRIMARY KEY
        CONSTRAINT recognised_schemes_id_format CHECK (id ~ '^[a-z][a-z0-9_]{0,63}$'),
    name_en         gk_label NOT NULL,
    name_ja         gk_label NOT NULL,
    issuing_body_en gk_label NOT NULL,
    issuing_body_ja gk_label NOT NULL,
    standard        gk_label NOT NULL,
    covers_en       gk_prose NOT NULL,
    covers_ja       gk_prose NOT NULL,
    -- its certificates are in our registry (cc_certificates) and cited by id
    in_registry     boolean NOT NULL DEFAULT false,
    sort_order      integer NOT NULL
        CONSTRAINT recognised_schemes_sort_order_key UNIQUE
);

INSERT INTO recognised_schemes (id, name_en, name_ja, issuing_body_en, issuing_body_ja, standard,
                                covers_en, covers_ja, in_registry, sort_order)
VALUES
('cc', 'Common Criteria', 'コモンクライテリア（CC認証）',
 'The national certification schemes of the CCRA members (e.g. JISEC in Japan)',
 'CCRA加盟国の認証機関（日本ではJISEC）',
 'ISO/IEC 15408',
 'The security functions of the Target of Evaluation as its Security Target states them (e.g. identification and authentication FIA, trusted update FPT_TUD, protection of stored data FPT); only the functions of the certified TOE and version count.',
 'セキュリティターゲットに記載された評価対象（TOE）のセキュリティ機能（識別認証FIA、高信頼アップデートFPT_TUD、保存データの保護FPT等）。認証された TOE とその版の機能に限る。',
 true, 10),
('iec_62443_4_2', 'IEC 62443-4-2 component certification', 'IEC 62443-4-2 コンポーネント認証',
 'IECEE CB Scheme certification bodies (IECEE OD-2061) or ISASecure (CSA)',
 'IECEE CBスキームの認証機関（IECEE OD-2061）又は ISASecure（CSA）',
 'IEC 62443-4-2',
 'Component requirements at the certified security level: human user identification and authentication (CR 1.1), authenticator management and strength (CR 1.5, CR 1.7), software and information integrity and update (CR 3.4, EDR/NDR 3.10), system backup and recovery (CR 7.3, CR 7.4).',
 '認証されたセキュリティレベルのコンポーネント要件：利用者の識別認証（CR 1.1）、認証子の管理と強度（CR 1.5、CR 1.7）、ソフトウェア・情報の完全性と更新（CR 3.4、EDR/NDR 3.10）、バックアップと復旧（CR 7.3、CR 7.4）。',
 false, 20),
('etsi_en_303_645', 'Schemes based on ETSI EN 303 645', 'ETSI EN 303 645 に基づく認証制度',
 'The scheme owner (e.g. Traficom Cybersecurity label, CSA Singapore Cybersecurity Labelling Scheme)',
 '制度の運営者（例：フィンランド Traficom サイバーセキュリティラベル、シンガポール CSA ラベリング制度）',
 'ETSI EN 303 645',
 'Consumer IoT baseline provisions as assessed by the scheme: no universal default passwords (5.1), keep software updated (5.3), securely store sensitive parameters (5.4), make systems resilient to outages (5.9).',
 '制度が評価した消費者向けIoTの基本規定：共通の初期パスワードの禁止（5.1）、ソフトウェアの更新（5.3）、機微なパラメータの安全な保存（5.4）、停止に対する回復力（5.9）。',
 false, 30);

-- ---- equivalence decisions: what they cite -------------------------------------------------
ALTER TABLE equivalence_decisions
    ADD COLUMN basis text NOT NULL DEFAULT 'certificate'
        CONSTRAINT equivalence_decisions_basis_check
            CHECK (basis IN ('certificate', 'equivalent_function')),
    ADD COLUMN scheme_id text DEFAULT 'cc'   -- a certificate decision before 0017 cited CC
        CONSTRAINT equivalence_decisions_scheme_id_fkey REFERENCES recognised_schemes (id),
    ADD COLUMN certificate_ref gk_label,      -- a scheme certificate outside our registry
    ADD COLUMN certificate_valid_until date,  -- its end of validity when known
    ALTER COLUMN cc_certificate_id DROP NOT NULL,
    ADD CONSTRAINT equivalence_decisions_id_application_key UNIQUE (id, application_id);
-- A certificate decision cites a scheme and one certificate: of the registry (CC, by id) or by
-- its reference; an equivalent function cites none.
ALTER TABLE equivalence_decisions ADD CONSTRAINT equivalence_decisions_cites CHECK (
    (basis = 'certificate' AND scheme_id IS NOT NULL
     AND num_nulls(cc_certificate_id, certificate_ref) = 1
     AND (scheme_id = 'cc') = (cc_certificate_id IS NOT NULL))
    OR (basis = 'equivalent_function' AND accepted
        AND num_nulls(scheme_id, cc_certificate_id, certificate_ref, certificate_valid_until) = 4));

CREATE FUNCTION gk_equivalence_scheme_valid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.accepted AND NEW.certificate_valid_until IS NOT NULL
       AND NEW.certificate_valid_until < NEW.decided_on THEN
        PERFORM gk_reject('equivalence_decisions_scheme_valid',
                          'equivalence needs a certificate valid on the decision date',
                          format('%s until %s', NEW.certificate_ref, NEW.certificate_valid_until));
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER equivalence_decisions_scheme_valid BEFORE INSERT ON equivalence_decisions
    FOR EACH ROW EXECUTE FUNCTION gk_equivalence_scheme_valid();

-- ---- the mapping: which requirement, covered by which certified functions ------------------
CREATE TABLE equivalence_mappings (
    decision_id    bigint NOT NULL,
    application_id uuid NOT NULL,
    rule_set_id    text NOT NULL,           -- filled from the application when omitted
    requirement_id text NOT NULL,
    justification  gk_prose NOT NULL,
    PRIMARY KEY (decision_id, requirement_id),
    CONSTRAINT equivalence_mappings_decision_fkey
        FOREIGN KEY (decision_id, application_id)
        REFERENCES equivalence_decisions (id, application_id),
    CONSTRAINT equivalence_mappings_application_fkey
        FOREIGN KEY (application_id, rule_set_id) REFERENCES applications (id, rule_set_id),
    CONSTRAINT equivalence_mappings_requirement_fkey
        FOREIGN KEY (rule_set_id, requirement_id) REFERENCES requirements (rule_set_id, id),
    CONSTRAINT equivalence_mappings_verdict_key UNIQUE (decision_id, application_id, requirement_id)
);
CREATE INDEX equivalence_mappings_application_idx ON equivalence_mappings (application_id);

CREATE FUNCTION gk_equivalence_mappings_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d equivalence_decisions;
BEGIN
    IF NEW.rule_set_id IS NULL THEN
        SELECT rule_set_id INTO NEW.rule_set_id FROM applications WHERE id = NEW.application_id;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM requirements WHERE rule_set_id = NEW.rule_set_id
                   AND id = NEW.requirement_id AND kind = 'requirement') THEN
        PERFORM gk_reject('equivalence_mappings_requirement',
                          'a mapping covers a requirement of the rule set',
                          format('%s in %s', NEW.requirement_id, NEW.rule_set_id));
    END IF;
    SELECT * INTO d FROM equivalence_decisions WHERE id = NEW.decision_id;
    IF FOUND AND NOT d.accepted THEN
        PERFORM gk_reject('equivalence_mappings_accepted', 'only an accepted decision maps requirements');
    END IF;
    IF FOUND AND d.basis = 'equivalent_function'
       AND EXISTS (SELECT 1 FROM equivalence_mappings WHERE decision_id = NEW.decision_id) THEN
        PERFORM gk_reject('equivalence_mappings_one_function',
                          'an equivalent function covers one requirement');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER equivalence_mappings_guard BEFORE INSERT ON equivalence_mappings
    FOR EACH ROW EXECUTE FUNCTION gk_equivalence_mappings_guard();

-- Decisions accepted before 0017 covered every requirement at once: their mapping is what the
-- verdicts they set say (the verdict's reason, else the decision's rationale).
INSERT INTO equivalence_mappings (decision_id, application_id, rule_set_id, requirement_id, justification)
SELECT d.id, v.application_id, v.rule_set_id, v.requirement_id, coalesce(v.reason, d.rationale)
  FROM verdicts v
  JOIN LATERAL (SELECT id, rationale FROM equivalence_decisions q
                 WHERE q.application_id = v.application_id AND q.accepted
                 ORDER BY q.id DESC LIMIT 1) d ON true
 WHERE v.verdict = 'met_by_equivalence';

SELECT gk_make_append_only('equivalence_mappings');

-- ---- verdicts rest on a mapping; replaced verdicts are kept --------------------------------
ALTER TABLE verdicts ADD COLUMN equivalence_decision_id bigint;
ALTER TABLE verdicts DISABLE TRIGGER verdicts_guard;
ALTER TABLE verdicts DISABLE TRIGGER verdicts_conditional_guard;
UPDATE verdicts v SET equivalence_decision_id = m.decision_id
  FROM equivalence_mappings m
 WHERE m.application_id = v.application_id AND m.requirement_id = v.requirement_id
   AND v.verdict = 'met_by_equivalence';
ALTER TABLE verdicts ENABLE TRIGGER verdicts_guard;
ALTER TABLE verdicts ENABLE TRIGGER verdicts_conditional_guard;
ALTER TABLE verdicts
    ADD CONSTRAINT verdicts_equivalence_mapping_fkey
        FOREIGN KEY (equivalence_decision_id, application_id, requirement_id)
        REFERENCES equivalence_mappings (decision_id, application_id, requirement_id),
    ADD CONSTRAINT verdicts_equivalence_mapped
        CHECK ((verdict = 'met_by_equivalence') = (equivalence_decision_id IS NOT NULL));

CREATE OR REPLACE FUNCTION gk_verdicts_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM gk_require_examinable(OLD.application_id, 'verdicts_application_not_in_review');
        RETURN OLD;
    END IF;
    PERFORM gk_require_examinable(NEW.application_id, 'verdicts_application_not_in_review');
    IF NEW.rule_set_id IS NULL THEN   -- convenience: the application's rule set
        SELECT rule_set_id INTO NEW.rule_set_id FROM applications WHERE id = NEW.application_id;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.application_id, NEW.requirement_id) IS DISTINCT FROM (OLD.application_id, OLD.requirement_id) THEN
        PERFORM gk_reject('verdicts_identity_immutable', 'a verdict stays on its requirement');
    END IF;
    PERFORM gk_require_examiner(NEW.decided_by, 'verdicts_decided_by_examiner');
    IF NOT EXISTS (SELECT 1 FROM requirements WHERE rule_set_id = NEW.rule_set_id
                   AND id = NEW.requirement_id AND kind = 'requirement') THEN
        PERFORM gk_reject('verdicts_requirement_in_rule_set',
                          'verdicts are given on the requirements of the rule set (not on equivalence)',
                          format('%s in %s', NEW.requirement_id, NEW.rule_set_id));
    END IF;
    -- Per requirement: the verdict names an accepted decision that maps this requirement.
    IF NEW.verdict = 'met_by_equivalence' AND NOT EXISTS (
           SELECT 1 FROM equivalence_mappings m JOIN equivalence_decisions d ON d.id = m.decision_id
            WHERE m.decision_id = NEW.equivalence_decision_id
              AND m.application_id = NEW.application_id
              AND m.requirement_id = NEW.requirement_id AND d.accepted) THEN
        PERFORM gk_reject('verdicts_equivalence_accepted',
                          'met_by_equivalence needs an accepted equivalence mapping for the requirement',
                          NEW.requirement_id);
    END IF;
    RETURN NEW;
END $$;

-- A certificate's basis cc_equivalence: some requirement is met by an accepted equivalence.
CREATE OR REPLACE FUNCTION gk_equivalence_accepted(app uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM verdicts v JOIN equivalence_decisions d
                     ON d.id = v.equivalence_decision_id
                   WHERE v.application_id = app AND v.verdict = 'met_by_equivalence'
                     AND d.accepted)
$$;

CREATE TABLE verdict_history (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id          uuid NOT NULL REFERENCES applications (id),
    requirement_id          text NOT NULL,
    verdict                 text NOT NULL,
    reason                  text,
    equivalence_decision_id bigint,
    decided_by              uuid NOT NULL REFERENCES users (id),
    decided_at              timestamptz NOT NULL,
    replaced_by_verdict     text,           -- NULL: removed
    replaced_by             uuid REFERENCES users (id),
    replaced_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verdict_history_application_idx ON verdict_history (application_id, requirement_id, id);
SELECT gk_make_append_only('verdict_history');

CREATE FUNCTION gk_verdicts_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.verdict, NEW.reason, NEW.equivalence_decision_id, NEW.decided_by)
                            IS NOT DISTINCT FROM
                            (OLD.verdict, OLD.reason, OLD.equivalence_decision_id, OLD.decided_by) THEN
        RETURN NULL;
    END IF;
    INSERT INTO verdict_history (application_id, requirement_id, verdict, reason,
                                 equivalence_decision_id, decided_by, decided_at,
                                 replaced_by_verdict, replaced_by)
    VALUES (OLD.application_id, OLD.requirement_id, OLD.verdict, OLD.reason,
            OLD.equivalence_decision_id, OLD.decided_by, OLD.decided_at,
            CASE WHEN TG_OP = 'UPDATE' THEN NEW.verdict END,
            CASE WHEN TG_OP = 'UPDATE' THEN NEW.decided_by END);
    RETURN NULL;
END $$;
CREATE TRIGGER verdicts_keep_history AFTER UPDATE OR DELETE ON verdicts
    FOR EACH ROW EXECUTE FUNCTION gk_verdicts_keep_history();

-- ---- structured findings of an evidence item -----------------------------------------------
ALTER TABLE evidence ADD COLUMN findings jsonb
    CONSTRAINT evidence_findings_object CHECK (findings IS NULL OR jsonb_typeof(findings) = 'object');

-- ---- the requirement texts say what the report says ----------------------------------------
-- SR-2's purpose (l. 332-334): 「当該識別符号が他人から容易に推測できないものとして設定される
-- ことを目的として」; (b) is not met by values derivable from printed or broadcast identifiers.
UPDATE requirements SET
    description_en = 'Where access control uses identification codes, so that they are set to values others cannot easily guess: the device prompts the user to change the initial value, the initial values differ per device (and cannot be derived from identifiers printed on the device or broadcast by it, such as the MAC address or serial number), or an equivalent measure is taken. With several credentials combined (ID and password), at least one must meet this.',
    description_ja = 'アクセス制御を識別符号によって行う場合は、当該識別符号が他人から容易に推測できないものとして設定されることを目的として、利用者に対し初期値の変更を促すこと、初期値を機器ごとに別のものとすること（機器に印字され又は機器が送信する識別子（MACアドレス、製造番号等）から導けないもの）、又はそれらに準じる措置を講じること。二以上の識別符号の組み合わせによる場合は少なくとも一つが該当すればよい。'
 WHERE rule_set_id = '2020-04' AND id = 'SR-2';
UPDATE requirement_measures SET
    title_en = 'The initial credentials are unique per device (not derivable from the MAC address, serial number or other printed or broadcast identifiers)',
    title_ja = '初期の識別符号を機器ごとに異なるものとする（MACアドレス、製造番号等の印字・送信される識別子から導けないもの）'
 WHERE rule_set_id = '2020-04' AND requirement_id = 'SR-2' AND id = 'unique_per_device';
-- EQ is decided per requirement (l. 370-375), never wholesale.
UPDATE requirements SET
    title_en = 'Equivalent or better (per requirement)',
    title_ja = '同等以上の機能（要件ごと）',
    description_en = 'A requirement is deemed met where a function equivalent to or better than it is shown, or where a security certification under an international standard such as Common Criteria (ISO/IEC 15408), valid on the decision date and covering the product, certifies security functions equivalent to or better than it. Decided per requirement, with the functions that cover it recorded.',
    description_ja = '当該要件と同等以上の機能を有すること、又はコモンクライテリア（ISO/IEC 15408）等の国際標準に基づくセキュリティ認証（判定日に有効で当該製品を対象とするもの）のセキュリティ機能が当該要件と同等以上であると認められる場合は、当該要件を満足するものとみなす。要件ごとに判断し、それを満たす機能を記録する。'
 WHERE rule_set_id = '2020-04' AND id = 'EQ';
