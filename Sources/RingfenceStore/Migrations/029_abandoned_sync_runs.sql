-- One directory sync at a time, and runs whose process died are said to be abandoned.
-- A run holds a session advisory lock while it runs (DirectoryStore.withRunLock); the next
-- run to take the lock marks every run still 'running' as 'abandoned' — its process was
-- killed or lost its database before it finished, and nothing of it was written (a run's
-- changes and its 'succeeded' mark are one transaction). Before this, such a run stayed
-- 'running' for ever.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_status_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check
    CHECK (status IN ('running', 'succeeded', 'failed', 'refused', 'dry_run', 'abandoned'));
