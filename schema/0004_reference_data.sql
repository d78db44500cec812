-- 0004 reference data: device categories and the certification body's own settings.

-- Device categories are data an admin may extend or correct. class_letters is the prefix of
-- certificate numbers (the official table is 様式第7号 of 端末機器の技術基準適合認定等に関する
-- 規則): D data-transmission terminals, A analog telephone terminals, B mobile terminals.
CREATE TABLE device_categories (
    id            text PRIMARY KEY
        CONSTRAINT device_categories_id_format CHECK (id ~ '^[a-z][a-z0-9_]{0,31}$'),
    title_en      gk_label NOT NULL,
    title_ja      gk_label NOT NULL,
    class_letters text NOT NULL DEFAULT 'D'
        CONSTRAINT device_categories_class_letters_format CHECK (class_letters ~ '^[A-Z]{1,3}$'),
    sort_order    integer NOT NULL CONSTRAINT device_categories_sort_order_key UNIQUE,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER device_categories_touch BEFORE UPDATE ON device_categories
    FOR EACH ROW EXECUTE FUNCTION gk_touch_updated_at();

INSERT INTO device_categories (id, title_en, title_ja, class_letters, sort_order) VALUES
    ('router',      'Router',                            'ルータ',                       'D', 10),
    ('gateway',     'Home gateway',                      'ホームゲートウェイ',           'D', 20),
    ('onu_modem',   'ONU / modem',                       'ONU・モデム',                  'D', 30),
    ('camera',      'Network camera',                    'ネットワークカメラ',           'D', 40),
    ('recorder',    'Video recorder (DVR/NVR)',          '録画装置（DVR/NVR）',          'D', 50),
    ('nas',         'Network-attached storage',          'ネットワーク接続ストレージ（NAS）', 'D', 60),
    ('set_top_box', 'Set-top box',                       'セットトップボックス',         'D', 70),
    ('iot_device',  'IoT device',                        'IoT機器',                      'D', 80),
    ('telephone',   'Telephone',                         '電話機',                       'A', 90),
    ('pc',          'Personal computer',                 'パーソナルコンピュータ',       'D', 100),
    ('smartphone',  'Smartphone',                        'スマートフォン',               'B', 110),
    ('other',       'Other',                             'その他',                       'D', 120);

-- The certification body running this instance: exactly one row.
-- body_code is the last three digits of every certificate number it issues (JATE is 001).
CREATE TABLE certification_body (
    singleton  boolean PRIMARY KEY DEFAULT true
        CONSTRAINT certification_body_singleton CHECK (singleton),
    body_code  text NOT NULL
        CONSTRAINT certification_body_body_code_format CHECK (body_code ~ '^[0-9]{3}$'),
    name_en    gk_label NOT NULL,
    name_ja    gk_label NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER certification_body_touch BEFORE UPDATE ON certification_body
    FOR EACH ROW EXECUTE FUNCTION gk_touch_updated_at();
CREATE TRIGGER certification_body_keep_row BEFORE DELETE OR TRUNCATE ON certification_body
    FOR EACH STATEMENT EXECUTE FUNCTION gk_refuse_change('certification_body_keep_row');

-- Placeholder names for an admin to replace; 001 is the default body code.
INSERT INTO certification_body (body_code, name_en, name_ja)
VALUES ('001', 'Registered certification body', '登録認定機関');

CREATE FUNCTION gk_body_code() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT body_code FROM certification_body
$$;
