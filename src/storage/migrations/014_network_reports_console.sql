-- The staff console lists network reports newest first within a state or a category, and offers
-- the categories on record as a filter (a skip scan: one index probe per category).
CREATE INDEX network_reports_state_idx ON network_reports (state, id);
CREATE INDEX network_reports_category_idx ON network_reports (category, id);
