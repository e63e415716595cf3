-- Up Migration

-- visits_by_date_and_id (003) serves every lookup visits_by_date served, as its leading columns; keeping both cost
-- every visit's change one more index entry to write.
DROP INDEX visits_by_date;

-- Down Migration
CREATE INDEX visits_by_date ON visits (channel, visit_date);
