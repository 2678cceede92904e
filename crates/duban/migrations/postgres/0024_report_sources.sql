-- Co-units report to the lead unit, which consolidates (汇总): the lead's
-- report of a period names the co-units' reports of that period it draws on.
CREATE TABLE report_sources (
    report_id BIGINT NOT NULL REFERENCES progress_reports (id),
    source_report_id BIGINT NOT NULL REFERENCES progress_reports (id),
    PRIMARY KEY (report_id, source_report_id)
);
CREATE INDEX report_sources_source ON report_sources (source_report_id);
