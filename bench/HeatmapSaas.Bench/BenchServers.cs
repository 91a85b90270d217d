using Npgsql;

namespace HeatmapSaas.Bench;

/// <summary>
/// Everything the contenders of one bench run talk to, started before the first measured run and stopped together
/// after the last (in this order), whichever of them the options asked for.
/// </summary>
public sealed class BenchServers : IAsyncDisposable
{
    public NoOpServer? NoOp { get; set; }

    public ProductHost? Product { get; set; }

    public PostgresServer? Postgres { get; set; }

    public NpgsqlDataSource? DataSource { get; set; }

    public ProductHost? Durable { get; set; }

    public PostgresServer? DurablePostgres { get; set; }

    public NpgsqlDataSource? DurableDataSource { get; set; }

    public DuckDbPeer? Duck { get; set; }

    public async ValueTask DisposeAsync()
    {
        Duck?.Dispose();
        await DisposeAsync(DataSource);
        await DisposeAsync(Postgres);
        await DisposeAsync(Durable);
        await DisposeAsync(DurableDataSource);
        await DisposeAsync(DurablePostgres);
        await DisposeAsync(Product);
        await DisposeAsync(NoOp);
    }

    private static async ValueTask DisposeAsync(IAsyncDisposable? server)
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
