using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Grains.Locations.History;
using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Locations;
using HeatmapSaas.Silo.Schema;
using Npgsql;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>The durable log and history on their own, against the test run's PostgreSQL, one database per class.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class IngestLogTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 12, 25, 12, 0, 0, TimeSpan.Zero);

    private NpgsqlDataSource _database = null!;
    private PostgresIngestLog _log = null!;

    public async Task InitializeAsync()
    {
        var connectionString = postgres.CreateDatabase("ingest_log");
        await PostgresSchema.ApplyAsync(connectionString);
        _database = NpgsqlDataSource.Create(connectionString);
        _log = new PostgresIngestLog(_database);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Appends_come_back_in_order_per_location_whole_and_above_a_position()
    {
        var appended = new List<LoggedBatch>();
        for (var i = 0; i < 20; i++)
        {
            // Two locations interleaved: each must see only its own batches, in its own order.
            appended.Add((await _log.AppendAsync("loc_a", Batch($"a-{i}", Now.AddSeconds(i)))).Entry);
            await _log.AppendAsync("loc_b", Batch($"b-{i}", Now.AddSeconds(i)));
        }

        var all = await _log.ReadAboveAsync("loc_a", 0);
        Assert.Equal(appended.Select(e => e.BatchId), all.Select(e => e.BatchId));
        Assert.Equal(all.Select(e => e.Position).Order(), all.Select(e => e.Position));
        Assert.Equal(all.Count, all.Select(e => e.Position).Distinct().Count());

        // Entries round-trip whole: readings, receipt (with its errors), gateway and receipt time.
        var first = all[0];
        var sent = Batch("a-0", Now);
        Assert.Equal(sent.Accepted, first.Accepted);
        Assert.Equal(sent.GatewayId, first.GatewayId);
        Assert.Equal(sent.ReceivedAt, first.ReceivedAt);
        Assert.Equal(sent.Receipt.Errors, first.Receipt.Errors);
        Assert.Equal((sent.Receipt.Accepted, sent.Receipt.Rejected), (first.Receipt.Accepted, first.Receipt.Rejected));

        var above = await _log.ReadAboveAsync("loc_a", all[9].Position);
        Assert.Equal(appended.Skip(10).Select(e => e.BatchId), above.Select(e => e.BatchId));
    }

    [Fact]
    public async Task A_logged_batch_id_answers_its_first_entry_and_adds_nothing()
    {
        var first = await _log.AppendAsync("loc_dup", Batch("same", Now));
        var again = await _log.AppendAsync("loc_dup", Batch("same", Now.AddMinutes(1), events: 1));

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Entry.Position, again.Entry.Position);
        Assert.Equal(first.Entry.Receipt.Accepted, again.Entry.Receipt.Accepted);
        Assert.Equal(first.Entry.Accepted, again.Entry.Accepted);
        Assert.Single(await _log.ReadAboveAsync("loc_dup", 0));

        // Concurrent appends of one id: exactly one is new.
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _log.AppendAsync("loc_dup", Batch("race", Now))));
        Assert.Single(racing, r => !r.Duplicate);
        Assert.Single(racing.Select(r => r.Entry.Position).Distinct());
    }

    [Fact]
    public async Task The_cleaner_deletes_only_rows_both_checkpointed_and_past_the_dedupe_window()
    {
        var entries = new List<LoggedBatch>();
        for (var i = 0; i < 2_500; i++)
        {
            // The first 2,200 are old (received 8 days ago), the rest recent.
            var received = i < 2_200 ? Now.AddDays(-8).AddSeconds(i) : Now.AddSeconds(i);
            entries.Add((await _log.AppendAsync("loc_clean", Batch($"c-{i}", received, events: 1))).Entry);
        }

        // Checkpointed up to entry 2,099: of the old rows, only those at or below it may go (more than one cleaner batch).
        var checkpoint = entries[2_099].Position;
        await _log.TruncateAsync("loc_clean", checkpoint, Now.AddDays(-7));

        var left = await _log.ReadAboveAsync("loc_clean", 0);
        Assert.Equal(entries.Skip(2_100).Select(e => e.BatchId), left.Select(e => e.BatchId));
        // A forgotten id is new again; a remembered one (recent, though checkpointed) is still a duplicate.
        Assert.False((await _log.AppendAsync("loc_clean", Batch("c-0", Now))).Duplicate);
        Assert.True((await _log.AppendAsync("loc_clean", Batch("c-2100", Now))).Duplicate);
        Assert.True((await _log.AppendAsync("loc_clean", Batch("c-2499", Now))).Duplicate);
    }

    [Fact]
    public async Task History_generations_add_up_and_a_rewritten_generation_replaces_its_first_attempt()
    {
        var history = new PostgresHistoryStore(_database);
        var b0 = TimeBucket.Of(Now);

        await history.AddAsync("loc_h", 1, Closed(b0, visitors: 2));
        // Generation 2's first attempt, as a crash before the checkpoint would leave it.
        await history.AddAsync("loc_h", 2, Closed(b0, visitors: 100));

        var committedThrough1 = await history.ReadAsync("loc_h", b0, b0 + 1, throughGeneration: 1);
        Assert.Equal(2, Assert.Single(committedThrough1).Counts.Visitors);

        // The retry of generation 2 holds the bucket's late arrivals: it replaces the first attempt, then adds up.
        await history.AddAsync("loc_h", 2, Closed(b0, visitors: 1));
        var read = Assert.Single(await history.ReadAsync("loc_h", b0, b0 + 1, throughGeneration: 2));
        Assert.Equal(3, read.Counts.Visitors);
        Assert.Equal(3, read.Grids[HeatmapType.CustomerFlow].Total);
        Assert.Empty(await history.ReadAsync("loc_h", b0 + 1, b0 + 10, throughGeneration: 2));
        Assert.Empty(await history.ReadAsync("loc_other", b0, b0 + 1, throughGeneration: 2));

        // The counts-only read (the encoding's prefix) agrees with the whole read.
        Assert.Equal(2, (await history.ReadCountsAsync("loc_h", b0, b0 + 1, throughGeneration: 1))[b0.Index].Visitors);
        Assert.Equal(read.Counts, (await history.ReadCountsAsync("loc_h", b0, b0 + 1, throughGeneration: 2))[b0.Index]);
        Assert.Empty(await history.ReadCountsAsync("loc_h", b0 + 1, b0 + 10, throughGeneration: 2));
    }

    [Fact]
    public async Task The_counts_only_read_decodes_the_widest_counts_from_the_prefix_it_fetches()
    {
        // A bucket whose counts take the most bytes the encoding allows: every varint at its longest (10 bytes),
        // then the 16-byte decimal; a grid section follows.
        var time = TimeBucket.Of(Now);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(time.Index);
            for (var field = 0; field < 6; field++)
            {
                writer.Write7BitEncodedInt64(long.MinValue);
            }

            writer.Write(decimal.MinValue);
            writer.Write((byte)0);
        }

        var widest = Bucket.Decode(buffer.ToArray());
        var history = new PostgresHistoryStore(_database);
        await history.AddAsync("loc_wide", 1, [widest]);

        Assert.Equal(widest.Counts, (await history.ReadCountsAsync("loc_wide", time, time + 1, throughGeneration: 1))[time.Index]);
    }

    /// <summary>A closed bucket of <paramref name="visitors"/> short visits, each one position sample in the same cell.</summary>
    private static IReadOnlyList<Bucket> Closed(TimeBucket bucket, int visitors)
    {
        var ledger = new FootfallLedger(LocationRules.Default);
        var events = new List<SensorEvent>();
        for (var v = 0; v < visitors; v++)
        {
            events.Add(new SensorEvent(SensorEventKind.Position, $"t{v}", bucket.StartMs + v, 5, 5));
            events.Add(new SensorEvent(SensorEventKind.TrackEnd, $"t{v}", bucket.StartMs + v + 1));
        }

        ledger.Apply(events.ToArray(), Now);
        // As the location grain closes: choose, store, then let go.
        var closing = ledger.ClosableBefore(bucket + 1, gridsBefore: bucket + 1);
        ledger.Close(closing);
        return closing.ToStore();
    }

    private static LoggedBatch Batch(string id, DateTimeOffset received, int events = 3)
    {
        var ts = received.ToUnixTimeMilliseconds();
        var readings = Enumerable.Range(0, events)
            .Select(i => new SensorReading(i, i % 2 == 0 ? ReadingKind.Position : ReadingKind.Interaction, $"t-{id}", ts + i, 10.5 + i, 20.25, 0,
                i % 2 == 0 ? null : "sku-9"))
            .ToArray();
        var receipt = new IngestReceipt(id, events, 1, false, [new IngestError(events, IngestError.OutOfBounds, "x is outside the floor plan")]);
        return new LoggedBatch(0, id, "gw-1", readings, receipt, received);
    }
}
