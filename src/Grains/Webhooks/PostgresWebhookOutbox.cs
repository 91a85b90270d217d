using HeatmapSaas.Locations;
using HeatmapSaas.Webhooks;
using Npgsql;

namespace HeatmapSaas.Grains.Webhooks;

/// <summary>The outbox in PostgreSQL (tables of <c>005_webhook_outbox.sql</c>).</summary>
public sealed class PostgresWebhookOutbox(NpgsqlDataSource db) : IWebhookOutbox
{
    private readonly NpgsqlDataSource _db = db;

    /// <summary>An outbox with its own pool (tests and tools); the silo passes its one data source.</summary>
    public PostgresWebhookOutbox(string connectionString)
        : this(NpgsqlDataSource.Create(connectionString))
    {
    }

    public async Task AddAsync(IReadOnlyList<OutboxDelivery> deliveries, CancellationToken ct = default)
    {
        await using var batch = _db.CreateBatch();
        foreach (var d in deliveries)
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO webhook_delivery (id, tenant_id, webhook_id, event_type, body, created_at, due_at)
                VALUES ($1, $2, $3, $4, $5, $6, $6)
                ON CONFLICT (id) DO NOTHING
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = d.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = d.TenantId });
            command.Parameters.Add(new NpgsqlParameter { Value = d.WebhookId });
            command.Parameters.Add(new NpgsqlParameter { Value = d.EventType });
            command.Parameters.Add(new NpgsqlParameter { Value = d.Body });
            command.Parameters.Add(new NpgsqlParameter { Value = d.CreatedAt.ToUniversalTime() });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<OutboxDelivery>> ClaimDueAsync(
        DateTimeOffset now, int max, TimeSpan lease, TenantShare? share = null, CancellationToken ct = default)
    {
        // Each due delivery's turn is its rank within its tenant plus what the sender already has in flight for that
        // tenant; claims go turn by turn, so every tenant's first comes before any tenant's second. Window functions
        // rule out FOR UPDATE SKIP LOCKED here; the UPDATE's own lease check (re-read under the row lock) keeps two
        // senders from claiming the same delivery.
        await using var command = _db.CreateCommand("""
            UPDATE webhook_delivery d SET leased_until = $1 + $3
             WHERE d.leased_until <= $1
               AND d.id IN (SELECT id FROM (
                             SELECT w.id, w.due_at,
                                    row_number() OVER (PARTITION BY w.tenant_id ORDER BY w.due_at) + COALESCE(f.n, 0) AS turn
                               FROM webhook_delivery w
                               LEFT JOIN unnest($4::bigint[], $5::int[]) AS f(tenant_id, n) ON f.tenant_id = w.tenant_id
                              WHERE w.status = 0 AND w.due_at <= $1 AND w.leased_until <= $1) ranked
                             WHERE turn <= $6
                             ORDER BY turn, due_at LIMIT $2)
            RETURNING d.id, d.tenant_id, d.webhook_id, d.event_type, d.body, d.created_at, d.attempt_count
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = max });
        command.Parameters.Add(new NpgsqlParameter { Value = lease });
        command.Parameters.Add(new NpgsqlParameter { Value = share?.InFlight.Keys.ToArray() ?? [] });
        command.Parameters.Add(new NpgsqlParameter { Value = share?.InFlight.Values.ToArray() ?? [] });
        command.Parameters.Add(new NpgsqlParameter { Value = share?.PerTenant ?? int.MaxValue });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var claimed = new List<OutboxDelivery>();
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new OutboxDelivery(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt32(6)));
        }

        return claimed;
    }

    public async Task RecordAttemptAsync(string deliveryId, DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset? nextAttemptAt,
        CancellationToken ct = default)
    {
        await using var batch = _db.CreateBatch();
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO webhook_delivery_attempt (delivery_id, number, attempted_at, status_code, error, duration_ms)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (delivery_id, number) DO NOTHING
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = deliveryId });
        insert.Parameters.Add(new NpgsqlParameter { Value = attempt.Number });
        insert.Parameters.Add(new NpgsqlParameter { Value = attempt.AttemptedAt.ToUniversalTime() });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)attempt.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = attempt.DurationMs });
        var update = new NpgsqlBatchCommand("""
            UPDATE webhook_delivery
               SET status = $2, due_at = $3, leased_until = '-infinity', attempt_count = GREATEST(attempt_count, $4)
             WHERE id = $1
            """);
        update.Parameters.Add(new NpgsqlParameter { Value = deliveryId });
        update.Parameters.Add(new NpgsqlParameter { Value = (short)status });
        update.Parameters.Add(new NpgsqlParameter
        {
            Value = (object?)nextAttemptAt?.ToUniversalTime() ?? DBNull.Value,
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz,
        });
        update.Parameters.Add(new NpgsqlParameter { Value = attempt.Number });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(update);
        // One implicit transaction: the attempt and the delivery's next state are never seen apart.
        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task AbandonPendingAsync(long tenantId, string webhookId, CancellationToken ct = default)
    {
        await using var command = _db.CreateCommand(
            "UPDATE webhook_delivery SET status = 2, due_at = NULL WHERE tenant_id = $1 AND webhook_id = $2 AND status = 0");
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = webhookId });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<Page<WebhookDeliveryView>> ListAsync(long tenantId, string webhookId, int limit, int offset, CancellationToken ct = default)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        int total;
        await using (var count = new NpgsqlCommand(
                         "SELECT count(*) FROM webhook_delivery WHERE tenant_id = $1 AND webhook_id = $2", connection))
        {
            count.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            count.Parameters.Add(new NpgsqlParameter { Value = webhookId });
            total = (int)(long)(await count.ExecuteScalarAsync(ct))!;
        }

        var rows = new List<(string Id, string Event, DeliveryStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? Due)>();
        await using (var page = new NpgsqlCommand("""
                         SELECT id, event_type, status, created_at, due_at FROM webhook_delivery
                          WHERE tenant_id = $1 AND webhook_id = $2 ORDER BY seq LIMIT $3 OFFSET $4
                         """, connection))
        {
            page.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            page.Parameters.Add(new NpgsqlParameter { Value = webhookId });
            page.Parameters.Add(new NpgsqlParameter { Value = limit });
            page.Parameters.Add(new NpgsqlParameter { Value = offset });
            await using var reader = await page.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), (DeliveryStatus)reader.GetInt16(2),
                    reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
            }
        }

        var attempts = rows.ToDictionary(r => r.Id, _ => new List<DeliveryAttempt>());
        if (rows.Count > 0)
        {
            await using var select = new NpgsqlCommand("""
                SELECT delivery_id, number, attempted_at, status_code, error, duration_ms FROM webhook_delivery_attempt
                 WHERE delivery_id = ANY($1) ORDER BY delivery_id, number
                """, connection);
            select.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Id).ToArray() });
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                attempts[reader.GetString(0)].Add(new DeliveryAttempt(reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(5)));
            }
        }

        var items = rows.Select(r => new WebhookDeliveryView(r.Id, webhookId, r.Event, r.Status, r.CreatedAt,
            r.Status == DeliveryStatus.Pending ? r.Due : null, attempts[r.Id].ToArray())).ToList();
        return new Page<WebhookDeliveryView>(items, total, limit, offset);
    }

    public async Task PruneAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        // Attempts go with their delivery (ON DELETE CASCADE).
        await using var command = _db.CreateCommand("DELETE FROM webhook_delivery WHERE status <> 0 AND created_at < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = before.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(ct);
    }
}
