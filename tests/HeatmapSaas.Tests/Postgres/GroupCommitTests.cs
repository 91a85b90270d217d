using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Locations;
using HeatmapSaas.Silo.Schema;
using Npgsql;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>The ingest log's group commit: many locations' appends in one transaction, each answered on its own.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class GroupCommitTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 12, 26, 9, 0, 0, TimeSpan.Zero);

    private NpgsqlDataSource _database = null!;
    private PostgresIngestLog _log = null!;

    public async Task InitializeAsync()
    {
        var connectionString = postgres.CreateDatabase("group_commit");
        await PostgresSchema.ApplyAsync(connectionString);
        _database = NpgsqlDataSource.Create(connectionString);
        _log = new PostgresIngestLog(_database);
    }

    public async Task DisposeAsync()
    {
        await _log.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Appends_of_many_locations_share_transactions_and_each_gets_its_own_answer()
    {
        var first = await _log.AppendAsync("gc-loc-0", Batch("b-1"));

        // 300 locations at once, and location 0's first batch again among them.
        var appends = Enumerable.Range(0, 300).Select(i => _log.AppendAsync($"gc-loc-{i}", Batch(i == 0 ? "b-1" : "b-1-of-" + i))).ToArray();
        var answers = await Task.WhenAll(appends);

        Assert.True(answers[0].Duplicate);
        Assert.Equal(first.Entry.Position, answers[0].Entry.Position);
        Assert.Equal(first.Entry.Accepted, answers[0].Entry.Accepted);
        Assert.All(answers.Skip(1), a => Assert.False(a.Duplicate));
        Assert.Equal(299, answers.Skip(1).Select(a => a.Entry.Position).Distinct().Count());
        for (var i = 1; i < 300; i++)
        {
            var logged = Assert.Single(await _log.ReadAboveAsync($"gc-loc-{i}", 0));
            Assert.Equal(answers[i].Entry.Position, logged.Position);
            Assert.Equal("b-1-of-" + i, logged.BatchId);
        }

        // Rows written by one transaction share its xmin: 299 rows in far fewer transactions than rows.
        await using var command = _database.CreateCommand(
            "SELECT count(DISTINCT xmin::text) FROM heatmap_ingest_log WHERE location_id LIKE 'gc-loc-%' AND batch_id LIKE 'b-1-of-%'");
        var transactions = (long)(await command.ExecuteScalarAsync())!;
        Assert.InRange(transactions, 1, 30);
    }

    [Fact]
    public async Task A_batch_twice_in_one_group_is_written_once_and_the_second_answers_as_a_duplicate()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _log.AppendAsync("gc-twice", Batch("same"))));

        Assert.Single(answers, a => !a.Duplicate);
        Assert.Single(answers.Select(a => a.Entry.Position).Distinct());
        Assert.Single(await _log.ReadAboveAsync("gc-twice", 0));
    }

    [Fact]
    public async Task A_failed_group_fails_its_appends_whole_and_the_log_keeps_taking_appends()
    {
        // A NUL in a text value makes PostgreSQL refuse the whole statement the batch is in.
        var appends = Enumerable.Range(0, 40)
            .Select(i => (Location: i == 20 ? "gc-bad\0" : $"gc-fail-{i}", Task: _log.AppendAsync(i == 20 ? "gc-bad\0" : $"gc-fail-{i}", Batch("f"))))
            .ToList();
        try
        {
            await Task.WhenAll(appends.Select(a => a.Task));
        }
        catch (Exception)
        {
            // Inspected one by one below.
        }

        Assert.True(appends[20].Task.IsFaulted);
        var failure = appends[20].Task.Exception!.InnerException!;
        foreach (var (location, task) in appends.Where(a => a.Location != "gc-bad\0"))
        {
            // Failed with the group's error and absent from the log, or answered and present: never in between.
            var logged = await _log.ReadAboveAsync(location, 0);
            if (task.IsFaulted)
            {
                Assert.Same(failure, task.Exception!.InnerException);
                Assert.Empty(logged);
            }
            else
            {
                Assert.Equal((await task).Entry.Position, Assert.Single(logged).Position);
            }
        }

        Assert.False((await _log.AppendAsync("gc-after", Batch("a"))).Duplicate);
    }

    private static LoggedBatch Batch(string id)
    {
        var ts = Now.ToUnixTimeMilliseconds();
        var readings = new[] { new SensorReading(0, ReadingKind.Position, $"t-{id}", ts, 1.5, 2.5, 0, null) };
        return new LoggedBatch(0, id, "gw-1", readings, new IngestReceipt(id, 1, 0, false, []), Now);
    }
}
