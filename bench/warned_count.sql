-- 已预警未办结 (the dashboard's open warned cases), as counted before migration c4f8a2d6e9b1
-- (every case.warning event of the audit trail) and after (ix_service_case_warned_open).
-- Run on the data of bench_lists.py:
--   psql -h 127.0.0.1 -U postgres -d govflow_lists -f bench/warned_count.sql
\timing on
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT count(*) FROM service_case
WHERE service_case.instance_id IN (SELECT audit_event.instance_id FROM audit_event
                                   WHERE audit_event.action = 'case.warning')
  AND service_case.concluded_at IS NULL;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT count(*) FROM service_case
WHERE service_case.warned_at IS NOT NULL AND service_case.concluded_at IS NULL;
