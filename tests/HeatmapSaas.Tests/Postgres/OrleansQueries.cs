using System.Data;
using Npgsql;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>
/// A parameter bound the way the Orleans ADO.NET providers bind it: by name, with the DbType their
/// <c>DbExtensions</c> maps the .NET type to (string: String, IP address: AnsiString, int: Int32, long: Int64,
/// DateTime: DateTime, byte[]: Binary), and DBNull for null.
/// </summary>
public readonly record struct OrleansParameter(string Name, object? Value, DbType Type)
{
    public static OrleansParameter Text(string name, string? value) => new(name, value, DbType.String);

    public static OrleansParameter Address(string name, string value) => new(name, value, DbType.AnsiString);

    public static OrleansParameter Int(string name, int? value) => new(name, value, DbType.Int32);

    public static OrleansParameter Long(string name, long value) => new(name, value, DbType.Int64);

    public static OrleansParameter Time(string name, DateTime value) => new(name, value, DbType.DateTime);

    public static OrleansParameter Bytes(string name, byte[] value) => new(name, value, DbType.Binary);
}

public sealed record OrleansColumn(string Name, Type FieldType, string DataTypeName);

/// <summary>What a stored query returned: its columns, its rows (by column name), and the rows it changed.</summary>
public sealed record OrleansQueryResult(
    IReadOnlyList<OrleansColumn> Columns,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows,
    int RecordsAffected)
{
    public IReadOnlyDictionary<string, object?> Single() => Assert.Single(Rows);

    /// <summary>The single value of a one-row, one-column answer, as the providers read booleans and versions.</summary>
    public object? Scalar()
    {
        var row = Single();
        Assert.Single(Columns);
        return row[Columns[0].Name];
    }

    /// <summary>A one-row, one-column answer read as the providers read booleans: <c>Convert.ToBoolean</c>.</summary>
    public bool Boolean() => Convert.ToBoolean(Scalar());

    /// <summary>Asserts the result has exactly these columns, with these .NET types, in any order.</summary>
    public void AssertColumns(params (string Name, Type Type)[] expected)
    {
        Assert.Equal(
            expected.Select(e => $"{e.Name}:{e.Type.Name}").Order(StringComparer.Ordinal),
            Columns.Select(c => $"{c.Name}:{c.FieldType.Name}").Order(StringComparer.Ordinal));
        foreach (var column in Columns.Where(c => c.FieldType == typeof(DateTime)))
        {
            // Orleans stamps UTC instants; only timestamptz keeps them unambiguous (and Npgsql insists on it).
            Assert.Equal("timestamp with time zone", column.DataTypeName);
        }
    }
}

/// <summary>
/// Runs the query texts stored in <c>OrleansQuery</c> directly, keyed like the providers key them, and records
/// which keys were run so a test can prove it covered them all.
/// </summary>
public sealed class OrleansQueries(string connectionString)
{
    private readonly HashSet<string> run = [];

    public IReadOnlySet<string> Run
    {
        get
        {
            lock (run)
            {
                return run.ToHashSet();
            }
        }
    }

    public static async Task<IReadOnlySet<string>> KeysAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // The very statement the providers start with.
        await using var command = new NpgsqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(reader.GetOrdinal("QueryKey")));
        }

        return keys;
    }

    public async Task<OrleansQueryResult> ExecuteAsync(string key, params OrleansParameter[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        string text;
        await using (var lookup = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection))
        {
            lookup.Parameters.AddWithValue("key", key);
            text = await lookup.ExecuteScalarAsync() as string
                   ?? throw new InvalidOperationException($"OrleansQuery has no {key}.");
        }

        lock (run)
        {
            run.Add(key);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var parameter in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = parameter.Name;
            p.Value = parameter.Value ?? DBNull.Value;
            p.DbType = parameter.Type;
            command.Parameters.Add(p);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, reader.FieldCount)
            .Select(i => new OrleansColumn(reader.GetName(i), reader.GetFieldType(i), reader.GetDataTypeName(i)))
            .ToList();
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        await reader.CloseAsync();
        return new OrleansQueryResult(columns, rows, reader.RecordsAffected);
    }
}
