-- Each recorded group report keeps its whole document (GroupWeekReport as JSON), so the
-- console and the admin API show a group's week and its trend over past weeks from
-- PostgreSQL on any replica, without the report folder of the replica that wrote it.
ALTER TABLE reports ADD COLUMN report jsonb;
CREATE INDEX reports_group_week ON reports (lower(group_name), week DESC, created_at DESC);
