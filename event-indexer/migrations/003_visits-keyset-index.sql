-- Up Migration

-- Visit listings page by (visit_date, visit_id): with the ID in the index a page stops after its rows
-- instead of sorting every visit of a date.
CREATE INDEX visits_by_date_and_id ON visits (channel, visit_date, visit_id);

-- Down Migration
DROP INDEX visits_by_date_and_id;
