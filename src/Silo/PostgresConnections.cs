using Microsoft.Extensions.Configuration;
using Npgsql;

namespace HeatmapSaas.Silo;

/// <summary>
/// One budget of PostgreSQL connections per process, <c>Heatmap:Postgres:MaxConnections</c> (default 20): half for
/// Orleans' ADO.NET providers (clustering, grain state, reminders) together with the schema installer and the health
/// probe, which all open connections by the same connection string and so share Npgsql's one pool for it; the rest
/// for the product's own tables (ingest log, history, webhook outbox) through one <see cref="NpgsqlDataSource"/>.
/// A full pool queues: an open waits up to <c>Heatmap:Postgres:ConnectionWaitSeconds</c> for a connection to come
/// back rather than asking the server for more (which is what ended in "too many clients already").
/// </summary>
public static class PostgresConnections
{
    public const int DefaultMaxConnections = 20;
    public const int DefaultWaitSeconds = 10;

    /// <summary>The cap on this process's connections: at least 2 (one for each side).</summary>
    public static int MaxConnections(IConfiguration config) =>
        Math.Max(2, config.GetValue("Heatmap:Postgres:MaxConnections", DefaultMaxConnections));

    /// <summary>The connection string Orleans' providers and the other plain-connection users open: its pool is their share.</summary>
    public static string ForOrleans(string connectionString, IConfiguration config) =>
        Bounded(connectionString, OrleansShare(MaxConnections(config)), config);

    /// <summary>The product's tables' pool: what the cap leaves after Orleans' share.</summary>
    public static NpgsqlDataSource ForProduct(string connectionString, IConfiguration config)
    {
        var max = MaxConnections(config);
        var builder = new NpgsqlConnectionStringBuilder(Bounded(connectionString, max - OrleansShare(max), config))
        {
            MaxAutoPrepare = 32,
            AutoPrepareMinUsages = 2,
        };
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    private static int OrleansShare(int max) => max / 2;

    private static string Bounded(string connectionString, int poolSize, IConfiguration config) =>
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = poolSize,
            MinPoolSize = 0,
            Timeout = Math.Max(1, config.GetValue("Heatmap:Postgres:ConnectionWaitSeconds", DefaultWaitSeconds)),
        }.ConnectionString;
}
