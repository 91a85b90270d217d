using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace HeatmapSaas.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server: <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on 127.0.0.1 and a free
/// port, as the <c>postgres</c> user through <c>runuser</c> when we are root. A detached watcher stops it and deletes
/// its folder once the process that started it is gone (see <see cref="WatchOwner"/>); <see cref="DisposeAsync"/>
/// does so at once. The tests share one per test run (<see cref="Shared"/>) and take a fresh database each with
/// <see cref="CreateDatabase"/>; the bench starts its own with the settings it measures under.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    /// <summary>Durability is worthless for a throwaway server; speed is not.</summary>
    public static readonly IReadOnlyList<string> WithoutDurability = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"];

    private const string FolderPrefix = "heatmap-pg-";
    private const string OwnerFile = "owner.pid";

    private static readonly Lazy<PostgresServer> LazyShared = new(
        () => Start([.. WithoutDurability, "max_connections=300"]), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly PostgresTools tools;
    private readonly string root;
    private readonly IReadOnlyList<string> settings;
    private readonly Lock createLock = new();
    private int databaseCount;

    private PostgresServer(PostgresTools tools, string root, int port, IReadOnlyList<string> settings)
    {
        this.tools = tools;
        this.root = root;
        this.settings = settings;
        Port = port;
        AdminConnectionString = Connection("postgres").ConnectionString;
    }

    /// <summary>The server of this test run, started on first use. Throws the start failure to every caller.</summary>
    public static PostgresServer Shared => LazyShared.Value;

    public int Port { get; }

    public string Version { get; private set; } = "?";

    /// <summary>The postmaster's process id, for reading the CPU time of the server's processes.</summary>
    public int PostmasterPid { get; private set; }

    /// <summary>Superuser on the <c>postgres</c> database: for creating databases and looking around.</summary>
    public string AdminConnectionString { get; }

    private string DataDirectory => Path.Combine(root, "data");

    private string LogFile => Path.Combine(root, "server.log");

    /// <summary>
    /// Starts a server with <paramref name="settings"/> (<c>name=value</c>, as after <c>-c</c>) on top of its own
    /// address and socket folder. Free ports can be taken between the probe and the bind: tries a few.
    /// </summary>
    public static PostgresServer Start(IEnumerable<string> settings)
    {
        var tools = PostgresTools.Find();
        SweepAbandonedServers(tools);
        var list = settings.ToList();
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var root = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
            File.WriteAllText(Path.Combine(root, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            var server = new PostgresServer(tools, root, FreePort.Next(), list);
            try
            {
                server.InitializeAndStart();
                server.WatchOwner();
                server.ReadIdentity();
                return server;
            }
            catch (Exception e)
            {
                last = new InvalidOperationException($"{e.Message}\nServer log:\n{server.LogTail()}", e);
                server.StopAndDelete("immediate");
            }
        }

        throw new InvalidOperationException("Could not start a throwaway PostgreSQL server.", last);
    }

    /// <summary>
    /// The superuser on <paramref name="database"/>, with small pools (the tests give each database its own, and
    /// dozens of databases must fit the server); callers with other needs change the builder.
    /// </summary>
    public NpgsqlConnectionStringBuilder Connection(string database) => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = PostgresTools.Superuser,
        Database = database,
        MaxPoolSize = 20,
        Timeout = 30,
    };

    /// <summary>Creates an empty database named after <paramref name="prefix"/> and returns its connection string.</summary>
    public string CreateDatabase(string prefix) =>
        // At most 24 + 1 + 10 + 1 + 12 characters: within PostgreSQL's 63-byte identifiers.
        CreateNamedDatabase($"{Sanitize(prefix)}_{Interlocked.Increment(ref databaseCount)}_{Guid.NewGuid():N}"[..^20]);

    /// <summary>Creates the database <paramref name="name"/> and returns its connection string.</summary>
    public string CreateNamedDatabase(string name)
    {
        // CREATE DATABASE copies template1; one at a time avoids "source database is being accessed" surprises.
        lock (createLock)
        {
            using var connection = new NpgsqlConnection(AdminConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }

        return Connection(name).ConnectionString;
    }

    /// <summary>
    /// Stops the server, closing every connection (<c>pg_ctl stop -m fast</c>): the database is unreachable until
    /// <see cref="StartServer"/>. Not an immediate stop: with durability off that would lose commits already
    /// confirmed, which a real server configured for durability never does.
    /// </summary>
    public void StopServer() => tools.Run("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);

    /// <summary>Starts the server on its folder and port; also after <see cref="StopServer"/>.</summary>
    public void StartServer()
    {
        var options = string.Join(' ', new[]
        {
            "listen_addresses=127.0.0.1",
            $"port={Port}",
            $"unix_socket_directories='{root}'",
        }.Concat(settings).Select(s => "-c " + s));
        tools.Run("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"]);
        // Idle pooled connections of this process did not survive a stop; the next user must not be handed one.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Stops the server (fast) and deletes its folder; the shared server is left to its watcher.</summary>
    public ValueTask DisposeAsync()
    {
        StopAndDelete("fast");
        return ValueTask.CompletedTask;
    }

    private static string Sanitize(string prefix)
    {
        var cleaned = NotIdentifier().Replace(prefix.ToLowerInvariant(), "_").Trim('_');
        cleaned = cleaned.Length == 0 ? "test" : cleaned;
        return cleaned.Length > 24 ? cleaned[..24] : cleaned;
    }

    [GeneratedRegex("[^a-z0-9_]+")]
    private static partial Regex NotIdentifier();

    private void InitializeAndStart()
    {
        tools.OwnFolder(root);
        tools.Run("initdb",
            ["-D", DataDirectory, "-U", PostgresTools.Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
        StartServer();
    }

    private void ReadIdentity()
    {
        PostmasterPid = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        Version = connection.PostgreSqlVersion.ToString();
    }

    /// <summary>
    /// Starts a detached watcher that stops the server and deletes its folder as soon as this process is gone.
    /// Cleaning up from outside is what works: the test runner kills its test host moments after the last test, too
    /// soon for a ProcessExit handler to finish <c>pg_ctl stop</c>, and a killed or interrupted run never runs one.
    /// <c>setsid</c> puts the watcher in its own session, out of reach of Ctrl+C and of a kill of the process tree.
    /// </summary>
    private void WatchOwner()
    {
        // Zombies count as gone: in a container nobody may reap them. PostgreSQL deletes postmaster.pid on exit.
        // A fast shutdown (INT) first, an immediate one (QUIT) if that takes more than 20 s.
        const string script = """
            exec </dev/null >/dev/null 2>&1
            alive() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
            while alive "$1"; do sleep 1; done
            pid=$(head -n 1 "$2" 2>/dev/null)
            if [ -n "$pid" ]; then
                kill -INT "$pid"
                for _ in $(seq 80); do
                    [ -e "$2" ] && alive "$pid" || break
                    sleep 0.25
                done
                alive "$pid" && kill -QUIT "$pid"
            fi
            rm -rf "$3"
            """;
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "-f", "/bin/sh", "-c", script, "heatmap-pg-watcher",
                     Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                     Path.Combine(DataDirectory, "postmaster.pid"), root,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var watcher = Process.Start(start) ?? throw new InvalidOperationException("Could not start setsid.");
        watcher.WaitForExit(TimeSpan.FromSeconds(10));
    }

    private string LogTail()
    {
        try
        {
            return File.Exists(LogFile) ? string.Join('\n', File.ReadAllLines(LogFile).TakeLast(30)) : "(no log)";
        }
        catch (Exception e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    private void StopAndDelete(string mode)
    {
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                tools.Run("pg_ctl", ["-D", DataDirectory, "-m", mode, "-w", "-t", "60", "stop"]);
            }
        }
        catch (Exception)
        {
            // Best effort: the watcher, or the sweep of a later run, finishes the job.
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception)
        {
            // Same.
        }
    }

    /// <summary>
    /// Stops servers and deletes folders of earlier runs whose watcher never finished (a reboot, a killed watcher).
    /// </summary>
    private static void SweepAbandonedServers(PostgresTools tools)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            try
            {
                var ownerFile = Path.Combine(folder, OwnerFile);
                if (File.Exists(ownerFile) && int.TryParse(File.ReadAllText(ownerFile), out var owner) && IsAlive(owner))
                {
                    continue;
                }

                new PostgresServer(tools, folder, 0, []).StopAndDelete("immediate");
            }
            catch (Exception)
            {
                // Best effort: someone else's folder or a race with another run.
            }
        }
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
