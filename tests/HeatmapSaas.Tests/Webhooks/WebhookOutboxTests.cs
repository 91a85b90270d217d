using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Silo.Schema;
using HeatmapSaas.Tests.Postgres;
using HeatmapSaas.Webhooks;

namespace HeatmapSaas.Tests.Webhooks;

/// <summary>The PostgreSQL outbox's queries against a real server (schema script 005 applied by the product).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOutboxTests(PostgresFixture postgres) : WebhookOutboxContract
{
    protected override async Task<IWebhookOutbox> CreateAsync()
    {
        var database = postgres.CreateDatabase("webhook_outbox");
        await PostgresSchema.ApplyAsync(database);
        return new PostgresWebhookOutbox(database);
    }
}

public sealed class InMemoryOutboxTests : WebhookOutboxContract
{
    protected override Task<IWebhookOutbox> CreateAsync() => Task.FromResult<IWebhookOutbox>(new InMemoryWebhookOutbox());
}

/// <summary>What every <see cref="IWebhookOutbox"/> does, whatever keeps it.</summary>
public abstract class WebhookOutboxContract
{
    private static readonly DateTimeOffset Now = new(2025, 12, 25, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<IWebhookOutbox> CreateAsync();

    [Fact]
    public async Task A_fair_claim_takes_tenants_in_turns_within_their_free_share()
    {
        var outbox = await CreateAsync();
        var noisy = Enumerable.Range(0, 6).Select(i => new OutboxDelivery($"msg_fair_n{i}", 101, "webhook_n", "payment.succeeded", "{}", Now.AddSeconds(i), 0));
        var quiet = new OutboxDelivery("msg_fair_q", 102, "webhook_q", "payment.succeeded", "{}", Now.AddSeconds(10), 0);
        await outbox.AddAsync([.. noisy, quiet]);

        // The noisy tenant already has one send in flight: two more fit its share of three, after the quiet one's first.
        var share = new TenantShare(3, new Dictionary<long, int> { [101] = 1 });
        var claimed = await outbox.ClaimDueAsync(Now.AddMinutes(1), 10, TimeSpan.FromMinutes(1), share);
        Assert.Equal(["msg_fair_n0", "msg_fair_n1", "msg_fair_q"], claimed.Select(d => d.Id).Order());
        Assert.Equal(["msg_fair_q"], (await outbox.ClaimDueAsync(Now.AddMinutes(3), 1, TimeSpan.FromMinutes(1), share)).Select(d => d.Id));
    }

    [Fact]
    public async Task Deliveries_are_claimed_once_per_lease_retried_when_due_and_listed_with_every_attempt()
    {
        var outbox = await CreateAsync();
        var delivery = new OutboxDelivery("msg_1", 7, "webhook_a", "payment.succeeded", """{"event":"payment.succeeded"}""", Now, 0);
        await outbox.AddAsync([delivery, delivery with { Id = "msg_2" }]);
        await outbox.AddAsync([delivery with { Body = "changed" }]); // the same id again: ignored

        var claimed = await outbox.ClaimDueAsync(Now, 10, TimeSpan.FromMinutes(1));
        Assert.Equal(["msg_1", "msg_2"], claimed.Select(d => d.Id).Order());
        Assert.Equal(delivery.Body, claimed.Single(d => d.Id == "msg_1").Body);
        Assert.Empty(await outbox.ClaimDueAsync(Now.AddSeconds(30), 10, TimeSpan.FromMinutes(1)));

        await outbox.RecordAttemptAsync("msg_1", new DeliveryAttempt(1, Now, 500, null, 12), DeliveryStatus.Pending, Now.AddSeconds(5));
        await outbox.RecordAttemptAsync("msg_2", new DeliveryAttempt(1, Now, 200, null, 3), DeliveryStatus.Succeeded, null);
        Assert.Empty(await outbox.ClaimDueAsync(Now.AddSeconds(4), 10, TimeSpan.FromMinutes(1)));
        var retry = Assert.Single(await outbox.ClaimDueAsync(Now.AddSeconds(5), 10, TimeSpan.FromMinutes(1)));
        Assert.Equal(("msg_1", 1), (retry.Id, retry.Attempts));

        // A claim whose sender died lapses with its lease.
        Assert.Single(await outbox.ClaimDueAsync(Now.AddMinutes(2), 10, TimeSpan.FromMinutes(1)));

        var page = await outbox.ListAsync(7, "webhook_a", 20, 0);
        Assert.Equal(2, page.Total);
        var first = page.Items[0];
        Assert.Equal(("msg_1", DeliveryStatus.Pending, Now.AddSeconds(5)), (first.Id, first.Status, first.NextAttemptAt));
        Assert.Equal(500, Assert.Single(first.Attempts).StatusCode);
        Assert.Equal(DeliveryStatus.Succeeded, page.Items[1].Status);
        Assert.Null(page.Items[1].NextAttemptAt);
        Assert.Empty((await outbox.ListAsync(8, "webhook_a", 20, 0)).Items);

        await outbox.AddAsync([delivery with { Id = "msg_3", CreatedAt = Now.AddDays(1) }]);
        await outbox.AbandonPendingAsync(7, "webhook_a");
        Assert.Empty(await outbox.ClaimDueAsync(Now.AddDays(2), 10, TimeSpan.FromMinutes(1)));
        Assert.Equal(DeliveryStatus.Failed, (await outbox.ListAsync(7, "webhook_a", 1, 0)).Items[0].Status);

        // Finished deliveries older than the retention go, attempts with them; newer ones stay.
        await outbox.PruneAsync(Now.AddHours(1));
        Assert.Equal(["msg_3"], (await outbox.ListAsync(7, "webhook_a", 20, 0)).Items.Select(d => d.Id));
    }
}
