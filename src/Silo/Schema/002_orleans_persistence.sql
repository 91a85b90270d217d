-- Orleans ADO.NET contract, part 2: grain state (Microsoft.Orleans.Persistence.AdoNet).
--
-- The provider identifies a state by ServiceId, the grain type (its name and a 32-bit hash of it) and the grain
-- key: N0/N1 (the halves of a Guid key, or 0 and a long key) plus an optional string (a key extension, or the
-- whole key of a string-keyed grain), with a 32-bit hash of the key. It computes both hashes itself (int) and
-- binds: GrainIdHash int, GrainIdN0 bigint, GrainIdN1 bigint, GrainTypeHash int, GrainTypeString text,
-- GrainIdExtensionString text (NULL when absent), ServiceId text, GrainStateVersion int (NULL before the first
-- write), PayloadBinary bytea.
--
-- The state's version is its ETag: every write must name the version it read, otherwise nothing changes and the
-- provider raises InconsistentStateException (it sees NULL or the old version come back).
--
-- This file runs at every start (see PostgresSchema.cs): everything in it must be idempotent, and cheap when
-- nothing changed: a live cluster keeps running while a silo starts.

CREATE TABLE IF NOT EXISTS orleans_grain_state (
    service_id         text        NOT NULL,
    grain_type_hash    integer     NOT NULL,
    grain_type         text        NOT NULL,
    grain_id_hash      integer     NOT NULL,
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    grain_id_extension text        NULL,
    -- NULL after ClearStateAsync: the row stays, with its version, so the ETag keeps guarding later writes.
    payload            bytea       NULL,
    version            integer     NOT NULL,
    modified_at        timestamptz NOT NULL DEFAULT now()
);

-- One row per grain state. The strings go in as md5 so that long keys cannot exceed the btree entry size, and a
-- missing extension maps to a value md5 never produces, so NULL and '' stay distinct (and NULLs do not repeat).
-- Created only when missing: CREATE INDEX IF NOT EXISTS takes a SHARE lock on the table even when the index
-- exists, which would stall every grain-state write of a live cluster whenever a silo starts.
DO $$
BEGIN
    IF to_regclass('orleans_grain_state_identity') IS NULL THEN
        CREATE UNIQUE INDEX orleans_grain_state_identity
            ON orleans_grain_state (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id,
                                    md5(grain_type), coalesce(md5(grain_id_extension), 'none'));
    END IF;
END
$$;

-- Writes a grain's state. With no expected version it only creates the row (a concurrent first write wins and
-- this one gets NULL); otherwise it replaces the row whose version matches. Returns the new version, or NULL
-- when nothing was written.
CREATE OR REPLACE FUNCTION orleans_grain_state_write(
    p_service_id         text,
    p_grain_type_hash    integer,
    p_grain_type         text,
    p_grain_id_hash      integer,
    p_grain_id_n0        bigint,
    p_grain_id_n1        bigint,
    p_grain_id_extension text,
    p_expected_version   integer,
    p_payload            bytea)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        INSERT INTO orleans_grain_state (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0,
                                         grain_id_n1, grain_id_extension, payload, version)
        VALUES (p_service_id, p_grain_type_hash, p_grain_type, p_grain_id_hash, p_grain_id_n0,
                p_grain_id_n1, p_grain_id_extension, p_payload, 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO new_version;
    ELSE
        UPDATE orleans_grain_state
           SET payload = p_payload, version = version + 1, modified_at = now()
         WHERE grain_id_hash = p_grain_id_hash AND grain_type_hash = p_grain_type_hash
           AND grain_id_n0 = p_grain_id_n0 AND grain_id_n1 = p_grain_id_n1
           AND service_id = p_service_id AND grain_type = p_grain_type
           AND grain_id_extension IS NOT DISTINCT FROM p_grain_id_extension
           AND version = p_expected_version
        RETURNING version INTO new_version;
    END IF;
    RETURN new_version;
END
$$;

-- Empties a grain's state but keeps its row and bumps its version. Returns the new version, or NULL on a
-- version mismatch.
CREATE OR REPLACE FUNCTION orleans_grain_state_clear(
    p_service_id         text,
    p_grain_type_hash    integer,
    p_grain_type         text,
    p_grain_id_hash      integer,
    p_grain_id_n0        bigint,
    p_grain_id_n1        bigint,
    p_grain_id_extension text,
    p_expected_version   integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    new_version integer;
BEGIN
    UPDATE orleans_grain_state
       SET payload = NULL, version = version + 1, modified_at = now()
     WHERE grain_id_hash = p_grain_id_hash AND grain_type_hash = p_grain_type_hash
       AND grain_id_n0 = p_grain_id_n0 AND grain_id_n1 = p_grain_id_n1
       AND service_id = p_service_id AND grain_type = p_grain_type
       AND grain_id_extension IS NOT DISTINCT FROM p_grain_id_extension
       AND version = p_expected_version
    RETURNING version INTO new_version;
    RETURN new_version;
END
$$;

-- Deletes a grain's state row (the provider's DeleteStateOnClear option). Returns the deleted version + 1, which
-- the provider only compares with the version it held, or NULL on a version mismatch.
CREATE OR REPLACE FUNCTION orleans_grain_state_delete(
    p_service_id         text,
    p_grain_type_hash    integer,
    p_grain_type         text,
    p_grain_id_hash      integer,
    p_grain_id_n0        bigint,
    p_grain_id_n1        bigint,
    p_grain_id_extension text,
    p_expected_version   integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    deleted_version integer;
BEGIN
    DELETE FROM orleans_grain_state
     WHERE grain_id_hash = p_grain_id_hash AND grain_type_hash = p_grain_type_hash
       AND grain_id_n0 = p_grain_id_n0 AND grain_id_n1 = p_grain_id_n1
       AND service_id = p_service_id AND grain_type = p_grain_type
       AND grain_id_extension IS NOT DISTINCT FROM p_grain_id_extension
       AND version = p_expected_version
    RETURNING version INTO deleted_version;
    RETURN deleted_version + 1;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
-- At most one row; PayloadBinary NULL means "no state" (never written, or cleared), Version is the ETag.
('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary",
       version AS "Version"
  FROM orleans_grain_state
 WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
$sql$),

('WriteToStorageKey', $sql$
SELECT orleans_grain_state_write(@ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0,
                                 @GrainIdN1, @GrainIdExtensionString, @GrainStateVersion, @PayloadBinary)
       AS "NewGrainStateVersion"
$sql$),

-- The provider reads the first column of the single row.
('ClearStorageKey', $sql$
SELECT orleans_grain_state_clear(@ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0,
                                 @GrainIdN1, @GrainIdExtensionString, @GrainStateVersion)
       AS "NewGrainStateVersion"
$sql$),

('DeleteStorageKey', $sql$
SELECT orleans_grain_state_delete(@ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0,
                                  @GrainIdN1, @GrainIdExtensionString, @GrainStateVersion)
       AS "NewGrainStateVersion"
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText
    WHERE OrleansQuery.QueryText IS DISTINCT FROM EXCLUDED.QueryText;
