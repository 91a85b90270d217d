using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HeatmapSaas.Tests.Support;
using Npgsql;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>
/// One throwaway PostgreSQL server for the whole test run: <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on
/// 127.0.0.1 and a free port, stopped and deleted once the test process has exited (see <see cref="WatchOwner"/>).
/// Started on first use by <see cref="Shared"/>; test classes reach it through <see cref="PostgresFixture"/> and take
/// a fresh database each with <see cref="CreateDatabase"/>, so they never see each other's rows.
/// </summary>
public sealed partial class PostgresServer
{
    private const string Superuser = "postgres";
    private const string FolderPrefix = "heatmap-pg-";
    private const string OwnerFile = "owner.pid";

    private static readonly Lazy<PostgresServer> LazyShared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string binDirectory;
    private readonly string root;
    private readonly bool runAsPostgresUser;
    private readonly Lock createLock = new();
    private int databaseCount;

    private PostgresServer(string binDirectory, string root, bool runAsPostgresUser, int port)
    {
        this.binDirectory = binDirectory;
        this.root = root;
        this.runAsPostgresUser = runAsPostgresUser;
        Port = port;
        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = Superuser,
            Database = "postgres",
            // Each test database gets its own pool; keep them small so dozens of databases fit the server.
            MaxPoolSize = 20,
            Timeout = 30,
        }.ConnectionString;
    }

    /// <summary>The server of this test run, started on first use. Throws the start failure to every caller.</summary>
    public static PostgresServer Shared => LazyShared.Value;

    public int Port { get; }

    /// <summary>Superuser on the <c>postgres</c> database: for creating databases and looking around.</summary>
    public string AdminConnectionString { get; }

    private string DataDirectory => Path.Combine(root, "data");

    private string LogFile => Path.Combine(root, "server.log");

    /// <summary>Creates an empty database named after <paramref name="prefix"/> and returns its connection string.</summary>
    public string CreateDatabase(string prefix)
    {
        // At most 24 + 1 + 10 + 1 + 12 characters: within PostgreSQL's 63-byte identifiers.
        var name = $"{Sanitize(prefix)}_{Interlocked.Increment(ref databaseCount)}_{Guid.NewGuid():N}"[..^20];
        // CREATE DATABASE copies template1; one at a time avoids "source database is being accessed" surprises.
        lock (createLock)
        {
            using var connection = new NpgsqlConnection(AdminConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    private static string Sanitize(string prefix)
    {
        var cleaned = NotIdentifier().Replace(prefix.ToLowerInvariant(), "_").Trim('_');
        cleaned = cleaned.Length == 0 ? "test" : cleaned;
        return cleaned.Length > 24 ? cleaned[..24] : cleaned;
    }

    [GeneratedRegex("[^a-z0-9_]+")]
    private static partial Regex NotIdentifier();

    private static PostgresServer Start()
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or on PATH. " +
            "Run the tests with ./scripts/test.sh, which installs them (apt-get install postgresql).");
        var asPostgres = Environment.IsPrivilegedProcess;
        SweepAbandonedServers(bin, asPostgres);

        // Free ports can be taken between the probe and the bind: try a few.
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var root = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
            File.WriteAllText(Path.Combine(root, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            var server = new PostgresServer(bin, root, asPostgres, FreePort.Next());
            try
            {
                server.InitializeAndStart();
                server.WatchOwner();
                return server;
            }
            catch (Exception e)
            {
                last = new InvalidOperationException($"{e.Message}\nServer log:\n{server.LogTail()}", e);
                server.StopAndDelete();
            }
        }

        throw new InvalidOperationException("Could not start the test PostgreSQL server.", last);
    }

    private void InitializeAndStart()
    {
        if (runAsPostgresUser)
        {
            // initdb refuses to run as root; the server runs as the postgres user, who must own the folder.
            Run("chown", ["-R", $"{Superuser}:", root], asPostgres: false);
        }

        Run(Path.Combine(binDirectory, "initdb"),
            ["-D", DataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);

        StartServer();
    }

    /// <summary>
    /// Stops the server, closing every connection (<c>pg_ctl stop -m fast</c>): the database is unreachable until
    /// <see cref="StartServer"/>. Not an immediate stop: with this server's relaxed commit settings (below) that
    /// would lose commits already confirmed, which a real server configured for durability never does.
    /// </summary>
    public void StopServer() =>
        Run(Path.Combine(binDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);

    /// <summary>Starts the server on its folder and port; also after <see cref="StopServer"/>.</summary>
    public void StartServer()
    {
        var options = string.Join(' ',
            "-c listen_addresses=127.0.0.1",
            $"-c port={Port}",
            $"-c unix_socket_directories='{root}'",
            // Durability is worthless for a throwaway server; speed is not.
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=300");
        Run(Path.Combine(binDirectory, "pg_ctl"),
            ["-D", DataDirectory, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"]);
        // Idle pooled connections of this process did not survive a stop; the next test must not be handed one.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>
    /// Starts a detached watcher that stops the server and deletes its folder as soon as this test process is
    /// gone. Cleaning up from outside is what works: the test runner kills its test host moments after the last
    /// test, too soon for a ProcessExit handler to finish <c>pg_ctl stop</c>, and a killed or interrupted run
    /// never runs one. <c>setsid</c> puts the watcher in its own session, out of reach of Ctrl+C and of a kill of
    /// the test host's process tree.
    /// </summary>
    private void WatchOwner()
    {
        // Zombies count as gone: in a container nobody may reap them. PostgreSQL deletes postmaster.pid on exit.
        const string script = """
            exec </dev/null >/dev/null 2>&1
            alive() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
            while alive "$1"; do sleep 1; done
            pid=$(head -n 1 "$2")
            if [ -n "$pid" ]; then
                kill -QUIT "$pid"
                for _ in $(seq 40); do
                    [ -e "$2" ] && alive "$pid" || break
                    sleep 0.25
                done
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
                     "-f", "/bin/sh", "-c", script, "postgres-watcher",
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

    private void StopAndDelete()
    {
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                Run(Path.Combine(binDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
            }
        }
        catch (Exception)
        {
            // Best effort: the sweep of a later run finishes the job.
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
    private static void SweepAbandonedServers(string bin, bool asPostgres)
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

                var leftover = new PostgresServer(bin, folder, asPostgres, 0);
                leftover.StopAndDelete();
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

    private void Run(string fileName, IReadOnlyList<string> arguments) => Run(fileName, arguments, runAsPostgresUser);

    private static void Run(string fileName, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgres ? "runuser" : fileName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", Superuser, "--", fileName })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        // Wait for the tool to exit, not for the end of its output: a server it starts could keep the pipes open.
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} did not finish in 120 s.");
        }

        if (process.ExitCode != 0)
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}");
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>The bin folder of the newest PostgreSQL under /usr/lib/postgresql, else the one on PATH.</summary>
    private static string? FindBinDirectory()
    {
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.EnumerateDirectories(debianRoot)
                .Select(d => (Dir: d, Version: double.TryParse(Path.GetFileName(d), NumberStyles.Float,
                    CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version >= 0 && HasServerTools(Path.Combine(d.Dir, "bin")))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin"))
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => ResolveLink(Path.Combine(dir, "initdb")))
            .Where(initdb => initdb is not null && HasServerTools(Path.GetDirectoryName(initdb)!))
            .Select(initdb => Path.GetDirectoryName(initdb))
            .FirstOrDefault();
    }

    // A symlinked initdb (e.g. /usr/local/bin/initdb) points at the real bin folder, where pg_ctl also lives.
    private static string? ResolveLink(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return target?.FullName ?? path;
    }

    private static bool HasServerTools(string bin) =>
        File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl"));
}

/// <summary>
/// The xunit face of <see cref="PostgresServer.Shared"/>: a collection fixture (see <see cref="PostgresCollection"/>)
/// or a class fixture; every instance shares the one server of the test run.
/// </summary>
public sealed class PostgresFixture
{
    public PostgresServer Server => PostgresServer.Shared;

    public string AdminConnectionString => Server.AdminConnectionString;

    /// <inheritdoc cref="PostgresServer.CreateDatabase"/>
    public string CreateDatabase(string prefix) => Server.CreateDatabase(prefix);
}
