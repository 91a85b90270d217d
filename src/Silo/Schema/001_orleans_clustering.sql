-- Orleans ADO.NET contract, part 1: the query table and cluster membership.
--
-- Every Orleans ADO.NET provider starts by running `SELECT QueryKey, QueryText FROM OrleansQuery` and from then
-- on executes only the query texts stored there, binding its own parameters by name (@DeploymentId, ...).
-- The identifiers are unquoted in that statement, so PostgreSQL folds them to lower case: the table below
-- must be created unquoted too. Result columns are read by name (case-insensitively), hence the "Version"-style
-- aliases over our snake_case columns.
--
-- Types follow what the provider binds and reads (Npgsql does not convert silently):
--   * every DateTime is bound as DbType.DateTime with Kind=Utc, which Npgsql sends as timestamptz;
--   * ports, generation, status and the table version are bound as int and read with GetInt32: integer.
--
-- This file runs at every start (see PostgresSchema.cs): everything in it must be idempotent, and cheap when
-- nothing changed: a live cluster keeps running while a silo starts.

CREATE TABLE IF NOT EXISTS OrleansQuery (
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- One row per cluster (Orleans calls it DeploymentId): the membership table version. Every membership change
-- bumps it, conditional on the version the writer read, which is how Orleans detects concurrent writers.
CREATE TABLE IF NOT EXISTS orleans_cluster_version (
    deployment_id text        NOT NULL PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port and generation identify it).
CREATE TABLE IF NOT EXISTS orleans_silo (
    deployment_id   text        NOT NULL REFERENCES orleans_cluster_version (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NOT NULL DEFAULT 0,
    -- "silo,date|silo,date" votes of the silos that suspect this one, formatted by Orleans.
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Adds a silo if the cluster version is still the one the caller read; bumps the version when it did.
CREATE OR REPLACE FUNCTION orleans_silo_insert(
    p_deployment_id   text,
    p_address         text,
    p_port            integer,
    p_generation      integer,
    p_silo_name       text,
    p_host_name       text,
    p_status          integer,
    p_proxy_port      integer,
    p_start_time      timestamptz,
    p_i_am_alive_time timestamptz,
    p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $$
BEGIN
    -- Locking the version row queues concurrent writers; a writer that waited re-reads the row and finds the
    -- version moved on, so exactly one writer per version wins.
    PERFORM 1 FROM orleans_cluster_version
     WHERE deployment_id = p_deployment_id AND version = p_expected_version
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    INSERT INTO orleans_silo (deployment_id, address, port, generation, silo_name, host_name, status,
                              proxy_port, start_time, i_am_alive_time)
    VALUES (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
            p_proxy_port, p_start_time, p_i_am_alive_time)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_cluster_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = p_deployment_id;
    RETURN true;
END
$$;

-- Changes a silo's status and suspicions if the cluster version is still the one the caller read.
CREATE OR REPLACE FUNCTION orleans_silo_update(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_status           integer,
    p_suspect_times    text,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM 1 FROM orleans_cluster_version
     WHERE deployment_id = p_deployment_id AND version = p_expected_version
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_silo
       SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
     WHERE deployment_id = p_deployment_id AND address = p_address AND port = p_port
       AND generation = p_generation;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_cluster_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = p_deployment_id;
    RETURN true;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
-- Creates the cluster's version row once; answers whether this call created it (one row, one column).
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO orleans_cluster_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM created)
$sql$),

-- The cluster version plus every silo. The outer join keeps one row carrying the version when there is no silo:
-- the provider reads the version from the first row and treats a NULL StartTime as "no silo".
('MembershipReadAllKey', $sql$
SELECT v.version         AS "Version",
       s.address         AS "Address",
       s.port            AS "Port",
       s.generation      AS "Generation",
       s.silo_name       AS "SiloName",
       s.host_name       AS "HostName",
       s.status          AS "Status",
       s.proxy_port      AS "ProxyPort",
       s.suspect_times   AS "SuspectTimes",
       s.start_time      AS "StartTime",
       s.i_am_alive_time AS "IAmAliveTime"
  FROM orleans_cluster_version v
  LEFT JOIN orleans_silo s ON s.deployment_id = v.deployment_id
 WHERE v.deployment_id = @DeploymentId
$sql$),

-- The cluster version plus one silo (or a version-only row when that silo is unknown).
('MembershipReadRowKey', $sql$
SELECT v.version         AS "Version",
       s.address         AS "Address",
       s.port            AS "Port",
       s.generation      AS "Generation",
       s.silo_name       AS "SiloName",
       s.host_name       AS "HostName",
       s.status          AS "Status",
       s.proxy_port      AS "ProxyPort",
       s.suspect_times   AS "SuspectTimes",
       s.start_time      AS "StartTime",
       s.i_am_alive_time AS "IAmAliveTime"
  FROM orleans_cluster_version v
  LEFT JOIN orleans_silo s
         ON s.deployment_id = v.deployment_id
        AND s.address = @Address AND s.port = @Port AND s.generation = @Generation
 WHERE v.deployment_id = @DeploymentId
$sql$),

('InsertMembershipKey', $sql$
SELECT orleans_silo_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                           @ProxyPort, @StartTime, @IAmAliveTime, @Version)
$sql$),

('UpdateMembershipKey', $sql$
SELECT orleans_silo_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                           @IAmAliveTime, @Version)
$sql$),

-- The heartbeat. Not a membership change, so the cluster version stays as it is.
('UpdateIAmAlivetimeKey', $sql$
UPDATE orleans_silo
   SET i_am_alive_time = @IAmAliveTime
 WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$sql$),

-- Gateways clients may connect to: active silos that listen for clients (@Status is SiloStatus.Active).
('GatewaysQueryKey', $sql$
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
  FROM orleans_silo
 WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
$sql$),

-- Forgets a whole cluster; its silos go with the version row (ON DELETE CASCADE).
('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM orleans_cluster_version WHERE deployment_id = @DeploymentId
$sql$),

-- Removes silos that died (status 6, SiloStatus.Dead) and were last heard of before @IAmAliveTime.
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM orleans_silo
 WHERE deployment_id = @DeploymentId
   AND status = 6
   AND i_am_alive_time < @IAmAliveTime
   AND start_time < @IAmAliveTime
$sql$),

-- Optional key read by Orleans 10.4+: when present, the provider reads all silos, picks the defunct ones itself
-- and deletes each only if the row still holds what it read (compare-and-delete), so a row changed meanwhile
-- survives. An empty suspicion list may be stored as '' and comes back from Orleans as NULL: compare both as ''.
('CleanupDefunctSiloEntryKey', $sql$
DELETE FROM orleans_silo
 WHERE deployment_id = @DeploymentId
   AND address = @Address AND port = @Port AND generation = @Generation
   AND status = 6
   AND start_time = @StartTime
   AND i_am_alive_time = @IAmAliveTime
   AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '')
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText
    WHERE OrleansQuery.QueryText IS DISTINCT FROM EXCLUDED.QueryText;
