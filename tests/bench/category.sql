-- pgbench baseline of GET /api/v1/categories/router: the statement the handler runs
-- (server/api/determinations.c, "category_get"), prepared with -M prepared like the server's,
-- with the id as a parameter ($1): scripts/bench passes -D id=router.
SELECT id, title_en, title_ja, class_letters FROM device_categories WHERE id = :id;
