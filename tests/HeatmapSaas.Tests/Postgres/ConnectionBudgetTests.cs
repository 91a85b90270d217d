using System.Net.Http.Json;
using System.Text.Json;
using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Support;
using Npgsql;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>A PostgreSQL-mode process stays within <c>Heatmap:Postgres:MaxConnections</c> however many gateways post at once.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ConnectionBudgetTests(PostgresFixture postgres)
{
    private const int Cap = 4;

    [Fact]
    public async Task Many_concurrent_batches_are_all_accepted_through_a_small_connection_budget()
    {
        var database = postgres.CreateDatabase("connection_budget");
        var host = new BudgetHost(new()
        {
            ["ConnectionStrings:Postgres"] = database,
            ["Heatmap:Postgres:MaxConnections"] = Cap.ToString(),
            ["Orleans:SiloPort"] = FreePort.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
        });
        try
        {
            await host.InitializeAsync();
            var tenant = await host.CreateTenantAsync();
            var locations = new List<string>();
            for (var i = 0; i < 16; i++)
            {
                locations.Add((await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = $"Budget {i}" })).Json(201))
                    .GetProperty("id").GetString()!);
            }

            var name = new NpgsqlConnectionStringBuilder(database).Database!;
            using var done = new CancellationTokenSource();
            var watching = WatchConnectionsAsync(name, done.Token);
            var ts = DateTimeOffset.UtcNow.AddSeconds(-5).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
            var statuses = await Task.WhenAll(Enumerable.Range(0, 128).Select(async i =>
            {
                var body = JsonSerializer.Serialize(new
                {
                    batch_id = $"budget-{i}",
                    events = new[] { new { type = "position", track_id = $"t{i}", ts, x = 5, y = 5 } },
                });
                using var response = await tenant.Http.PostAsync($"/v1/locations/{locations[i % locations.Count]}/events", HttpAssertions.JsonBody(body));
                return (int)response.StatusCode;
            }));
            await done.CancelAsync();
            var most = await watching;

            Assert.All(statuses, s => Assert.Equal(202, s));
            Assert.InRange(most, 1, Cap);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>The most connections to the database seen at once, sampled until cancelled.</summary>
    private async Task<long> WatchConnectionsAsync(string database, CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(postgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @db", connection);
        count.Parameters.AddWithValue("db", database);
        long most = 0;
        do
        {
            most = Math.Max(most, (long)(await count.ExecuteScalarAsync())!);
        }
        while (!stop.IsCancellationRequested);

        return most;
    }

    private sealed class BudgetHost(Dictionary<string, string?> settings) : ApiHost
    {
        protected override IDictionary<string, string?> Settings => settings;
    }
}
