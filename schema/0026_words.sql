-- 0026 words: device category titles follow docs/glossary.md.
-- The Cabinet notice on loanwords (外来語の表記) and 公用文作成の考え方 (2022) write the long
-- vowel: ルーター, コンピューター. Only rows that still carry the 0004 seed title change, so a
-- title an admin has corrected since is kept.
UPDATE device_categories SET title_ja = 'ルーター'
 WHERE id = 'router' AND title_ja = 'ルータ';
UPDATE device_categories SET title_ja = 'パーソナルコンピューター'
 WHERE id = 'pc' AND title_ja = 'パーソナルコンピュータ';
