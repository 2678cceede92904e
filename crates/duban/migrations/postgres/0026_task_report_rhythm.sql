-- Report rhythms per item (issue #10): a task or 督办事项 may report on its
-- own rhythm (a weekly item in a monthly office). NULL: the office's setting.
ALTER TABLE tasks ADD COLUMN report_frequency TEXT
    CHECK (report_frequency IN ('weekly', 'half_monthly', 'monthly', 'quarterly'));
-- The day (YYYY-MM-DD, China) the rhythm was last changed: periods of the
-- rhythm in force that ended before it are not owed. NULL: from the start.
ALTER TABLE tasks ADD COLUMN report_frequency_since TEXT;
