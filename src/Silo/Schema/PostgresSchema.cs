using System.Reflection;
using Npgsql;

namespace HeatmapSaas.Silo.Schema;

/// <summary>
/// Brings a PostgreSQL database up to the schema this build expects: the tables, functions and query rows the
/// Orleans ADO.NET providers need, and the product's own tables.
/// </summary>
/// <remarks>
/// The scripts are the <c>Schema/*.sql</c> files embedded in this assembly, run in ordinal order of their names
/// (hence the <c>NNN_</c> prefixes), all of them at every start, in one transaction. So a new script only needs
/// the next number, and every script must be idempotent (<c>CREATE TABLE IF NOT EXISTS</c>,
/// <c>CREATE OR REPLACE FUNCTION</c>, <c>INSERT ... ON CONFLICT DO UPDATE</c>) and cheap when nothing changed,
/// since the rest of the cluster keeps serving meanwhile: statements that lock a table even when they have nothing
/// to do (<c>CREATE INDEX IF NOT EXISTS</c>, <c>ALTER TABLE</c>) belong in a <c>DO</c> block that checks the
/// catalog first. A transaction-scoped advisory lock serializes processes that start together, which would
/// otherwise race on <c>CREATE TABLE IF NOT EXISTS</c> (it is not safe against a concurrent create).
/// </remarks>
/// </remarks>
public static class PostgresSchema
{
    /// <summary>The advisory lock key all HeatmapSaas processes take while applying the schema ("HMSCHEMA").</summary>
    public const long AdvisoryLockKey = 0x484D_5343_4845_4D41;

    private const string ResourceFolder = ".Schema.";

    /// <summary>The embedded script names in the order they run, e.g. <c>001_orleans_clustering.sql</c>.</summary>
    public static IReadOnlyList<string> ScriptNames => Scripts.Select(s => s.Name).ToList();

    private static IEnumerable<(string Name, string ResourceName)> Scripts
    {
        get
        {
            var assembly = typeof(PostgresSchema).Assembly;
            return assembly.GetManifestResourceNames()
                .Where(r => r.Contains(ResourceFolder, StringComparison.Ordinal)
                            && r.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
                .Select(r => (Name: r[(r.LastIndexOf(ResourceFolder, StringComparison.Ordinal) + ResourceFolder.Length)..],
                    ResourceName: r))
                .OrderBy(s => s.Name, StringComparer.Ordinal);
        }
    }

    /// <summary>Applies every embedded script, in name order, in one transaction under the advisory lock.</summary>
    public static async Task ApplyAsync(string connectionString, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var assembly = typeof(PostgresSchema).Assembly;

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            // Waiting for another process's schema run is the point; no command timeout for it.
            lockCommand.CommandTimeout = 0;
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        foreach (var (name, resourceName) in Scripts)
        {
            var sql = await ReadResourceAsync(assembly, resourceName, ct);
            // No parameters here: the @Names in the stored query texts sit inside $sql$ quotes, which Npgsql's
            // statement parser leaves alone.
            await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
            try
            {
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException($"Schema script {name} failed: {e.MessageText}", e);
            }
        }

        await transaction.CommitAsync(ct);
    }

    private static async Task<string> ReadResourceAsync(Assembly assembly, string resourceName, CancellationToken ct)
    {
        await using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded schema script {resourceName} is missing.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(ct);
    }
}
