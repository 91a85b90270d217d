-- Orleans ADO.NET contract, part 3: reminders (Microsoft.Orleans.Reminders.AdoNet).
--
-- The provider binds: ServiceId text, GrainId text (GrainId.ToString()), ReminderName text, StartTime timestamptz
-- (DateTime, Kind=Utc), Period in milliseconds (int when it fits, else bigint), GrainHash int (the grain's uniform
-- hash, a uint cast to int, so it can be negative), BeginHash/EndHash int the same way, Version int (the ETag).
-- It reads Period with GetInt64, so the column is bigint.
--
-- This file runs at every start (see PostgresSchema.cs): everything in it must be idempotent, and cheap when
-- nothing changed: a live cluster keeps running while a silo starts.

CREATE TABLE IF NOT EXISTS orleans_reminder (
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint      NOT NULL,
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

-- Each silo loads the reminders of its slice of the hash ring. Created only when missing, as in
-- 002_orleans_persistence.sql: CREATE INDEX IF NOT EXISTS would lock out reminder writes at every silo start.
DO $$
BEGIN
    IF to_regclass('orleans_reminder_by_hash') IS NULL THEN
        CREATE INDEX orleans_reminder_by_hash ON orleans_reminder (service_id, grain_hash);
    END IF;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadReminderRowsKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND grain_id = @GrainId
$sql$),

('ReadReminderRowKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$sql$),

-- A ring range (BeginHash, EndHash]. The provider compares the bounds as signed ints and picks this key when
-- BeginHash < EndHash: the range does not wrap in signed order.
('ReadRangeRows1Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$sql$),

-- ... and this one otherwise: the range wraps past int.MaxValue (or is the whole ring when the bounds are equal).
('ReadRangeRows2Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$sql$),

-- Creates or replaces a reminder; answers its new version (the ETag).
('UpsertReminderRowKey', $sql$
INSERT INTO orleans_reminder AS r (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
   SET start_time = EXCLUDED.start_time,
       period_ms  = EXCLUDED.period_ms,
       grain_hash = EXCLUDED.grain_hash,
       version    = r.version + 1
RETURNING r.version AS "Version"
$sql$),

-- Deletes a reminder if its version still matches; answers whether it did (one row, one column).
('DeleteReminderRowKey', $sql$
WITH removed AS (
    DELETE FROM orleans_reminder
     WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
       AND version = @Version
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM removed)
$sql$),

('DeleteReminderRowsKey', $sql$
DELETE FROM orleans_reminder WHERE service_id = @ServiceId
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText
    WHERE OrleansQuery.QueryText IS DISTINCT FROM EXCLUDED.QueryText;
