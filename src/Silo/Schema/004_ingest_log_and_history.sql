-- The product's durable ingest path (PostgresIngestLog, PostgresHistoryStore in src/Grains).
--
-- heatmap_ingest_log: one row per acknowledged batch. The insert is the commit point of ingest: a 202 is sent only
-- after it committed, and the UNIQUE (location_id, batch_id) constraint is the dedupe: an insert that conflicts is
-- the duplicate answer, whose first receipt is in `entry`. Positions come from one sequence, so they only grow
-- (rows below a checkpoint may be deleted without a later batch ever reusing a position). Only the location's own
-- grain writes its rows, one batch after another, so a location's positions are in acknowledgement order.
--
-- heatmap_history: closed 15-minute buckets of a location (counts and base grids, `data` in the ledger's binary
-- bucket format). Each closing is one "generation" of the location; the grain's checkpoint records the newest
-- generation it committed, and readers ignore rows above it. A generation written just before a crash is thus
-- invisible, and rewritten whole (delete, then insert) by the next closing, so no bucket is ever counted twice.
--
-- Runs at every start (see PostgresSchema.cs): idempotent, and cheap when nothing changed.

CREATE SEQUENCE IF NOT EXISTS heatmap_ingest_position;

CREATE TABLE IF NOT EXISTS heatmap_ingest_log (
    location_id text        NOT NULL,
    position    bigint      NOT NULL,
    batch_id    text        NOT NULL,
    received_at timestamptz NOT NULL,
    entry       bytea       NOT NULL,
    PRIMARY KEY (location_id, position),
    UNIQUE (location_id, batch_id)
);

CREATE TABLE IF NOT EXISTS heatmap_history (
    location_id text   NOT NULL,
    bucket      bigint NOT NULL,
    generation  bigint NOT NULL,
    data        bytea  NOT NULL,
    PRIMARY KEY (location_id, bucket, generation)
);

-- The cleaner finds rows past the dedupe window by age; rewriting a history generation deletes by generation.
DO $$
BEGIN
    IF to_regclass('heatmap_ingest_log_age') IS NULL THEN
        CREATE INDEX heatmap_ingest_log_age ON heatmap_ingest_log (location_id, received_at);
    END IF;
    IF to_regclass('heatmap_history_generation') IS NULL THEN
        CREATE INDEX heatmap_history_generation ON heatmap_history (location_id, generation);
    END IF;
END
$$;
