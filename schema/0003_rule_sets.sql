-- 0003 rule sets: versioned technical-standard catalogues, and their seed.
-- A future amendment of 端末設備等規則 is a new migration inserting rows here (README.md).

CREATE TABLE rule_sets (
    id             text PRIMARY KEY
        CONSTRAINT rule_sets_id_format CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
    title_en       gk_label NOT NULL,
    title_ja       gk_label NOT NULL,
    promulgated_on date NOT NULL,
    effective_on   date NOT NULL,
    ordinance_en   gk_label NOT NULL,   -- the ordinance that made this text law
    ordinance_ja   gk_label NOT NULL,
    CONSTRAINT rule_sets_effective_after_promulgated CHECK (effective_on >= promulgated_on),
    -- "The rule set in force on a date" must have one answer.
    CONSTRAINT rule_sets_effective_on_key UNIQUE (effective_on)
);

CREATE TABLE requirements (
    rule_set_id    text NOT NULL REFERENCES rule_sets (id),
    id             text NOT NULL
        CONSTRAINT requirements_id_format CHECK (id ~ '^[A-Z]{2,4}(-[0-9]{1,3})?$'),
    kind           text NOT NULL
        CONSTRAINT requirements_kind_check CHECK (kind IN ('requirement', 'equivalence')),
    title_en       gk_label NOT NULL,
    title_ja       gk_label NOT NULL,
    description_en gk_prose NOT NULL,
    description_ja gk_prose NOT NULL,
    article_ref    gk_label,            -- e.g. 第34条の10第1号
    sort_order     integer NOT NULL,
    PRIMARY KEY (rule_set_id, id),
    CONSTRAINT requirements_sort_order_key UNIQUE (rule_set_id, sort_order)
);

-- The accepted ways of meeting a requirement (SR-2: (a), (b), (c)).
CREATE TABLE requirement_measures (
    rule_set_id    text NOT NULL,
    requirement_id text NOT NULL,
    id             text NOT NULL
        CONSTRAINT requirement_measures_id_format CHECK (id ~ '^[a-z][a-z0-9_]{0,63}$'),
    title_en       gk_label NOT NULL,
    title_ja       gk_label NOT NULL,
    sort_order     integer NOT NULL,
    PRIMARY KEY (rule_set_id, requirement_id, id),
    FOREIGN KEY (rule_set_id, requirement_id) REFERENCES requirements (rule_set_id, id),
    CONSTRAINT requirement_measures_sort_order_key UNIQUE (rule_set_id, requirement_id, sort_order)
);

-- The rule set in force on a date (NULL before the first one). Filing dates select it.
CREATE FUNCTION gk_rule_set_in_force(on_date date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT id FROM rule_sets WHERE effective_on <= on_date ORDER BY effective_on DESC LIMIT 1
$$;

-- Seed ------------------------------------------------------------------------------------

-- pre-2020: 端末設備等規則 (昭和60年郵政省令第31号) as it stood before Article 34-10.
-- The ordinance was promulgated on 1985-04-01 (昭和60年4月1日) and came into force the same
-- day, together with the Telecommunications Business Act (電気通信事業法, 昭和59年法律第86号)
-- whose liberalisation of terminal equipment it implements. It has no security requirements.
INSERT INTO rule_sets (id, title_en, title_ja, promulgated_on, effective_on, ordinance_en, ordinance_ja)
VALUES ('pre-2020',
        'Terminal Equipment Rules before the IoT security requirements',
        'IoTセキュリティ要件導入前の端末設備等規則',
        DATE '1985-04-01', DATE '1985-04-01',
        'Ministry of Posts and Telecommunications Ordinance No. 31 of 1985',
        '昭和60年郵政省令第31号'),
       ('2020-04',
        'Terminal Equipment Rules with the IoT security requirements (Article 34-10)',
        '端末設備等規則（第34条の10 セキュリティ対策）',
        DATE '2019-03-01', DATE '2020-04-01',
        'Ministry of Internal Affairs and Communications Ordinance No. 12 of 2019',
        '平成31年総務省令第12号');

INSERT INTO requirements (rule_set_id, id, kind, title_en, title_ja, description_en, description_ja, article_ref, sort_order)
VALUES
('2020-04', 'SR-1', 'requirement',
 'Access control', 'アクセス制御機能',
 'The device authenticates the user (access control as defined by the Act on Prohibition of Unauthorized Computer Access) before the settings of its communication functions can be operated over the network.',
 '電気通信回線設備を介して通信の送受信に係る機能の設定を変更する前に、不正アクセス行為の禁止等に関する法律に規定するアクセス制御機能により利用者を認証すること。',
 '第34条の10第1号', 10),
('2020-04', 'SR-2', 'requirement',
 'Appropriate initial credentials', '識別符号の適切な設定',
 'The initial identification codes of the access control are protected: the device prompts a change before use, the initial values are unique per device, or an equivalent measure is taken. With several credentials combined (ID and password), at least one must meet this.',
 'アクセス制御機能に係る初期の識別符号について、利用開始前に変更を促す機能を有すること、機器ごとに異なる値とすること、又はこれらと同等の措置を講じること。複数の識別符号を組み合わせる場合は、少なくとも一つが該当すればよい。',
 '第34条の10第2号', 20),
('2020-04', 'SR-3', 'requirement',
 'Firmware update', 'ファームウェアの更新機能',
 'The software that implements the communication functions can be updated. Secure and automatic updating is recommended, not required.',
 '通信の送受信に係る機能を実現するソフトウェアを更新できること。安全かつ自動的な更新は推奨であり、必須ではない。',
 '第34条の10第3号', 30),
('2020-04', 'SR-4', 'requirement',
 'Retention across power loss', '電源断時の設定等の維持',
 'After the power supply is cut, the updated software and the changed access-control settings (identification codes) are retained.',
 '電力の供給が停止した場合であっても、更新されたソフトウェア及び変更されたアクセス制御の設定（識別符号）を維持できること。',
 '第34条の10第4号', 40),
('2020-04', 'EQ', 'equivalence',
 'Equivalent or better (Common Criteria)', '同等以上の機能（コモンクライテリア）',
 'A security certification under an international standard such as Common Criteria (ISO/IEC 15408) that is valid on the decision date and covers the product deems SR-1 to SR-4 met.',
 'コモンクライテリア（ISO/IEC 15408）等の国際規格に基づくセキュリティ認証を受けており、判定日に有効で当該製品を対象とするものであれば、SR-1からSR-4までを満たすものとみなす。',
 '第34条の10（同等以上）', 50);

INSERT INTO requirement_measures (rule_set_id, requirement_id, id, title_en, title_ja, sort_order)
VALUES
('2020-04', 'SR-2', 'prompt_change',
 'The device prompts the user to change the initial credentials before use',
 '利用開始前に初期の識別符号の変更を促す', 1),
('2020-04', 'SR-2', 'unique_per_device',
 'The initial credentials are unique per device',
 '初期の識別符号を機器ごとに異なるものとする', 2),
('2020-04', 'SR-2', 'equivalent',
 'An equivalent measure', 'これらと同等の措置', 3);
