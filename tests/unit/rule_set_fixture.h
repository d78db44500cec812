/* The two rule sets the first migration seeds (same ids, dates and catalogue), as static data
 * for the domain tests: "pre-2020" (端末設備等規則 as made in 1985, no security requirements)
 * and "2020-04" (平成31年総務省令第12号: promulgated 2019-03-01, effective 2020-04-01,
 * SR-1..SR-4 + EQ). The server reads them from the database (db/rule_sets.h); the domain
 * holds no rule-set data. */
#ifndef GK_TEST_RULE_SET_FIXTURE_H
#define GK_TEST_RULE_SET_FIXTURE_H

#include "domain/rule_set.h"

/* gk_date values of the fixed dates, checked against gk_date_parse by the unit tests. */
#define DATE_1985_04_01 5569  /* 端末設備等規則 (昭和60年郵政省令第31号) in force */
#define DATE_2019_03_01 17956 /* 平成31年総務省令第12号 promulgated */
#define DATE_2020_04_01 18353 /* ... in force */

static const char *const fixture_sr2_measures[] = {"prompt_change", "unique_per_device",
                                                   "equivalent"};

static const gk_requirement requirements_2020_04[] = {
    {"SR-1", GK_REQ_KIND_REQUIREMENT, "Access control before remote operation", "アクセス制御機能",
     "端末設備等規則 第34条の10 第1号", NULL, 0},
    {"SR-2", GK_REQ_KIND_REQUIREMENT,
     "Appropriate initial credentials (change prompted, unique per device, or equivalent)",
     "アクセス制御の際に使用する識別符号の適切な設定", "端末設備等規則 第34条の10 第2号",
     fixture_sr2_measures, sizeof fixture_sr2_measures / sizeof fixture_sr2_measures[0]},
    {"SR-3", GK_REQ_KIND_REQUIREMENT, "Firmware update of the communication functions",
     "ファームウェアの更新機能", "端末設備等規則 第34条の10 第3号", NULL, 0},
    {"SR-4", GK_REQ_KIND_REQUIREMENT,
     "Updated software and changed access-control settings kept after power loss",
     "電力供給停止時の更新されたソフトウェア及び設定内容の維持", "端末設備等規則 第34条の10 第4号",
     NULL, 0},
    {"EQ", GK_REQ_KIND_EQUIVALENCE, "Equivalent or better (e.g. Common Criteria certification)",
     "同等以上の機能", "端末設備等規則 第34条の10 柱書（又はこれと同等以上のもの）", NULL, 0},
};

static const gk_rule_set builtin_sets[] = {
    {"pre-2020", "Terminal Facilities Rules before the IoT security amendment",
     "セキュリティ要件追加前の端末設備等規則", "端末設備等規則（昭和60年郵政省令第31号）",
     DATE_1985_04_01, DATE_1985_04_01, NULL, 0},
    {"2020-04", "Terminal Facilities Rules with IoT security requirements (Art. 34-10)",
     "IoT機器のセキュリティ要件を追加した端末設備等規則（第34条の10）", "平成31年総務省令第12号",
     DATE_2019_03_01, DATE_2020_04_01, requirements_2020_04,
     sizeof requirements_2020_04 / sizeof requirements_2020_04[0]},
};

static const gk_rule_set *gk_rule_set_builtin(size_t *n)
{
    *n = sizeof builtin_sets / sizeof builtin_sets[0];
    return builtin_sets;
}

#endif
