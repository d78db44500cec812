-- Seed data of the migrations: rule sets, requirements, measures, categories, settings.
BEGIN;
\ir lib/helpers.sql

DO $$
BEGIN
    PERFORM t.assert_eq((SELECT count(*) FROM rule_sets), 2::bigint, 'two rule sets');
    PERFORM t.assert_eq((SELECT string_agg(id, ',' ORDER BY effective_on) FROM rule_sets),
                        'pre-2020,2020-04', 'rule set ids in effective order');
    PERFORM t.assert_eq((SELECT (promulgated_on, effective_on)::text FROM rule_sets WHERE id = '2020-04'),
                        '(2019-03-01,2020-04-01)', '2020-04 dates');
    PERFORM t.assert_eq((SELECT ordinance_ja::text FROM rule_sets WHERE id = '2020-04'),
                        '平成31年総務省令第12号', '2020-04 ordinance');
    PERFORM t.assert_eq((SELECT ordinance_ja::text FROM rule_sets WHERE id = 'pre-2020'),
                        '昭和60年郵政省令第31号', 'pre-2020 ordinance');
    PERFORM t.assert((SELECT effective_on < DATE '2020-04-01' FROM rule_sets WHERE id = 'pre-2020'),
                     'pre-2020 in force before 2020-04-01');

    PERFORM t.assert_eq((SELECT count(*) FROM requirements WHERE rule_set_id = 'pre-2020'), 0::bigint,
                        'pre-2020 has no requirements');
    PERFORM t.assert_eq((SELECT string_agg(id || ':' || kind, ',' ORDER BY sort_order)
                           FROM requirements WHERE rule_set_id = '2020-04'),
                        'SR-1:requirement,SR-2:requirement,SR-3:requirement,SR-4:requirement,EQ:equivalence',
                        '2020-04 has SR-1..SR-4 and EQ');
    PERFORM t.assert((SELECT bool_and(title_en::text <> '' AND title_ja::text <> '' AND title_ja::text <> title_en::text)
                        FROM requirements), 'requirements titled in English and Japanese');
    PERFORM t.assert_eq((SELECT string_agg(id, ',' ORDER BY sort_order) FROM requirement_measures
                          WHERE rule_set_id = '2020-04' AND requirement_id = 'SR-2'),
                        'prompt_change,unique_per_device,equivalent', 'three SR-2 measures');
    PERFORM t.assert_eq((SELECT count(*) FROM requirement_measures), 3::bigint, 'no other measures');

    PERFORM t.assert_eq((SELECT count(*) FROM device_categories), 12::bigint, 'twelve categories');
    PERFORM t.assert_eq((SELECT string_agg(id || '=' || class_letters, ',' ORDER BY id) FROM device_categories),
                        'camera=D,gateway=D,iot_device=D,nas=D,onu_modem=D,other=D,pc=D,recorder=D,'
                        'router=D,set_top_box=D,smartphone=B,telephone=A', 'category class letters');

    PERFORM t.assert_eq(gk_body_code(), '001', 'body code seed');
    PERFORM t.assert_eq((SELECT count(*) FROM certification_body), 1::bigint, 'one certification body row');
    PERFORM t.assert_eq((SELECT (seq, hash = decode(repeat('00', 32), 'hex'))::text FROM audit_chain_head),
                        '(0,t)', 'audit chain head at genesis');
    -- 13 of 0006, and proposed -> closed_not_required of 0012 (issue 15)
    PERFORM t.assert_eq((SELECT count(*) FROM application_transitions), 14::bigint, 'application transitions');
    PERFORM t.assert_eq((SELECT count(*) FROM application_transitions WHERE to_status = 'closed_not_required'),
                        1::bigint, 'one way to close a case as not required');
END $$;

-- The rule set in force on a date.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM (VALUES
            (DATE '1984-12-31', NULL::text),
            (DATE '1985-04-01', 'pre-2020'),
            (DATE '2019-03-01', 'pre-2020'),
            (DATE '2020-03-31', 'pre-2020'),
            (DATE '2020-04-01', '2020-04'),
            (DATE '2030-01-01', '2020-04')) AS v(d, want) LOOP
        PERFORM t.assert_eq(gk_rule_set_in_force(c.d), c.want, 'in force on ' || c.d);
    END LOOP;
END $$;

-- Seeded reference data keeps its constraints.
SELECT t.rejects('category class letters lower case',
    $q$UPDATE device_categories SET class_letters = 'd' WHERE id = 'router'$q$,
    'device_categories_class_letters_format');
SELECT t.rejects('category class letters too long',
    $q$UPDATE device_categories SET class_letters = 'ABCD' WHERE id = 'router'$q$,
    'device_categories_class_letters_format');
SELECT t.accepts_then_undo('category class letters corrected by an admin',
    $q$UPDATE device_categories SET class_letters = 'DT' WHERE id = 'router'$q$);
SELECT t.rejects('body code not three digits',
    $q$UPDATE certification_body SET body_code = '01'$q$, 'certification_body_body_code_format');
SELECT t.rejects('second certification body row',
    $q$INSERT INTO certification_body (singleton, body_code, name_en, name_ja) VALUES (false, '002', 'x', 'x')$q$,
    'certification_body_singleton');
SELECT t.rejects('certification body row deleted',
    $q$DELETE FROM certification_body$q$, 'certification_body_keep_row');
SELECT t.rejects('rule set effective before promulgated',
    $q$INSERT INTO rule_sets VALUES ('2030-01', 'x', 'x', DATE '2030-01-01', DATE '2029-01-01', 'x', 'x')$q$,
    'rule_sets_effective_after_promulgated');
SELECT t.rejects('two rule sets effective the same day',
    $q$INSERT INTO rule_sets VALUES ('2020-04b', 'x', 'x', DATE '2019-03-01', DATE '2020-04-01', 'x', 'x')$q$,
    'rule_sets_effective_on_key');

ROLLBACK;
