-- How long PostgreSQL takes to rewrite the largest instance document under pglz (its
-- default TOAST compression) and lz4 (migration b6e3d9a4c2f7), and what each stores. Run it
-- on a database that holds a wide case, e.g. after bench_joint.py (the 100-department case):
--
--   psql -h 127.0.0.1 -U postgres -d govflow_bench -f bench/toast_compression.sql
--
-- Each UPDATE reads the document, appends a space and writes it back compressed: what a
-- step's UPDATE of process_instance costs the server. Temporary tables, nothing kept.
\timing on
CREATE TEMP TABLE doc_pglz (id int PRIMARY KEY, doc text COMPRESSION pglz);
CREATE TEMP TABLE doc_lz4 (id int PRIMARY KEY, doc text COMPRESSION lz4);
INSERT INTO doc_pglz SELECT 1, workflow_json FROM process_instance
  ORDER BY length(workflow_json) DESC LIMIT 1;
INSERT INTO doc_lz4 SELECT 1, doc FROM doc_pglz;
UPDATE doc_pglz SET doc = doc || ' ' WHERE id = 1;
UPDATE doc_pglz SET doc = doc || ' ' WHERE id = 1;
UPDATE doc_pglz SET doc = doc || ' ' WHERE id = 1;
UPDATE doc_lz4 SET doc = doc || ' ' WHERE id = 1;
UPDATE doc_lz4 SET doc = doc || ' ' WHERE id = 1;
UPDATE doc_lz4 SET doc = doc || ' ' WHERE id = 1;
SELECT 'pglz' AS compression, length(doc) AS characters, pg_column_size(doc) AS stored
  FROM doc_pglz
UNION ALL
SELECT 'lz4', length(doc), pg_column_size(doc) FROM doc_lz4;
