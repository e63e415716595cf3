-- Up Migration

-- Visit passes already presented at a door: a pass admits once.
CREATE TABLE used_visit_passes (
    pass_id text PRIMARY KEY,
    member_number text NOT NULL,
    host_club text NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX used_visit_passes_expiry ON used_visit_passes (expires_at);

-- Down Migration
DROP TABLE used_visit_passes;
