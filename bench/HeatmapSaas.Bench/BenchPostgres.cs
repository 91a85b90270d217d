namespace HeatmapSaas.Bench;

/// <summary>How the bench's clients connect to its throwaway PostgreSQL servers.</summary>
public static class BenchPostgres
{
    /// <summary>
    /// The superuser on <paramref name="database"/>, with a pool for every gateway connection, commands that may run
    /// for minutes (a large COPY, VACUUM ANALYZE), and no session reset when a connection returns to the pool.
    /// </summary>
    public static string BenchConnectionString(this PostgresServer server, string database)
    {
        var builder = server.Connection(database);
        builder.MaxPoolSize = 64;
        builder.CommandTimeout = 300;
        builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}
