-- The webhook outbox (IWebhookOutbox in PostgreSQL mode): one row per delivery, written before the event's
-- effects are acknowledged, so a delivery once added survives any crash; one row per attempt beside it.
--
-- Senders on every silo claim due rows with FOR UPDATE SKIP LOCKED and hide them for a lease (leased_until), so two
-- silos never send one delivery at once and a sender that dies mid-send delays it by the lease only. A retry after
-- a crash sends the same id (webhook-id), so receivers can drop what they already have.
--
-- This file runs at every start (see PostgresSchema.cs): everything in it must be idempotent and cheap.

CREATE TABLE IF NOT EXISTS webhook_delivery (
    id            text        PRIMARY KEY,
    seq           bigserial   NOT NULL,
    tenant_id     bigint      NOT NULL,
    webhook_id    text        NOT NULL,
    event_type    text        NOT NULL,
    body          text        NOT NULL,
    created_at    timestamptz NOT NULL,
    status        smallint    NOT NULL DEFAULT 0, -- 0 pending, 1 succeeded, 2 failed
    due_at        timestamptz,                    -- set while pending
    leased_until  timestamptz NOT NULL DEFAULT '-infinity',
    attempt_count integer     NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS webhook_delivery_attempt (
    delivery_id  text        NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    number       integer     NOT NULL,
    attempted_at timestamptz NOT NULL,
    status_code  integer,
    error        text,
    duration_ms  bigint      NOT NULL,
    PRIMARY KEY (delivery_id, number)
);

-- Created only when missing (see 003_orleans_reminders.sql for why not CREATE INDEX IF NOT EXISTS).
DO $$
BEGIN
    IF to_regclass('webhook_delivery_due') IS NULL THEN
        CREATE INDEX webhook_delivery_due ON webhook_delivery (due_at) WHERE status = 0;
    END IF;
    IF to_regclass('webhook_delivery_by_endpoint') IS NULL THEN
        CREATE INDEX webhook_delivery_by_endpoint ON webhook_delivery (tenant_id, webhook_id, seq);
    END IF;
END
$$;
