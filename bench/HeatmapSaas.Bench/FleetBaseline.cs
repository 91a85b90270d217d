using System.Text;
using HeatmapSaas.Api.Locations.Ingest;
using HeatmapSaas.Locations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace HeatmapSaas.Bench;

/// <summary>
/// The service a team would write instead of the product, for the fleet comparison: a small Kestrel endpoint on the
/// ingest route that parses the batch (with the product's parser, so both pay the same parse) and writes it in one
/// PostgreSQL transaction per batch: the (store, batch id) dedupe row, then the events as rows, then commit; a
/// repeated batch id answers a duplicate. Its pool has a connection per gateway connection.
/// </summary>
public sealed class FleetBaseline : IAsyncDisposable
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS fleet_batches (
            location_id text        NOT NULL,
            batch_id    text        NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (location_id, batch_id));
        CREATE TABLE IF NOT EXISTS fleet_events (
            location_id text             NOT NULL,
            track_id    text,
            ts          timestamptz      NOT NULL,
            kind        smallint         NOT NULL,
            x           double precision,
            y           double precision);
        CREATE INDEX IF NOT EXISTS fleet_events_location_ts ON fleet_events (location_id, ts);
        """;

    /// <summary>Run as a child process: <c>--serve-fleet-baseline CONNECTION-STRING POOL-SIZE</c>.</summary>
    public const string ServeFlag = "--serve-fleet-baseline";

    private const string DedupeSql = "INSERT INTO fleet_batches (location_id, batch_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";

    private const string EventsSql = """
        INSERT INTO fleet_events (location_id, track_id, ts, kind, x, y)
        SELECT $1, * FROM unnest($2::text[], $3::timestamptz[], $4::smallint[], $5::float8[], $6::float8[])
        """;

    private readonly WebApplication _app;
    private readonly NpgsqlDataSource _database;

    private FleetBaseline(WebApplication app, NpgsqlDataSource database, Uri baseAddress)
    {
        _app = app;
        _database = database;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<FleetBaseline> StartAsync(string connectionString, int connections)
    {
        var database = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = connections }.ConnectionString);
        await using (var schema = database.CreateCommand(Schema))
        {
            await schema.ExecuteNonQueryAsync();
        }

        var builder = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/locations/{location}/events", async (string location, HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var batch = SensorBatchParser.ParseJson(body.GetBuffer().AsSpan(0, (int)body.Length));
            var duplicate = !await WriteAsync(database, location, batch);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                $"{{\"batch_id\":\"{batch.BatchId}\",\"accepted\":{batch.Readings.Length},\"rejected\":0,\"duplicate\":{(duplicate ? "true" : "false")},\"errors\":[]}}",
                Encoding.UTF8);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FleetBaseline(app, database, new Uri(address));
    }

    /// <summary>The child's side of <see cref="ServeFlag"/>: serve until the parent closes stdin.</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        var at = Array.IndexOf(args, ServeFlag);
        await using var service = await StartAsync(args[at + 1], int.Parse(args[at + 2], System.Globalization.CultureInfo.InvariantCulture));
        return await ProductProcess.ServeUntilClosedAsync(stdout, service.BaseAddress);
    }

    /// <summary>One transaction: the dedupe row and, when it is new, the events. False for a repeated batch id.</summary>
    private static async Task<bool> WriteAsync(NpgsqlDataSource database, string location, SensorBatch batch)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var dedupe = new NpgsqlCommand(DedupeSql, connection, transaction))
        {
            dedupe.Parameters.Add(new NpgsqlParameter<string> { TypedValue = location });
            dedupe.Parameters.Add(new NpgsqlParameter<string> { TypedValue = batch.BatchId });
            if (await dedupe.ExecuteNonQueryAsync() == 0)
            {
                await transaction.RollbackAsync();
                return false;
            }
        }

        var readings = batch.Readings;
        await using (var events = new NpgsqlCommand(EventsSql, connection, transaction))
        {
            events.Parameters.Add(new NpgsqlParameter<string> { TypedValue = location });
            events.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = readings.Select(r => r.TrackId).ToArray() });
            events.Parameters.Add(new NpgsqlParameter<DateTime[]>
            {
                TypedValue = readings.Select(r => DateTime.UnixEpoch.AddTicks(r.TsMillis * TimeSpan.TicksPerMillisecond)).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
            });
            events.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = readings.Select(r => (short)r.Kind).ToArray() });
            events.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = readings.Select(r => r.X).ToArray() });
            events.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = readings.Select(r => r.Y).ToArray() });
            await events.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }
}
