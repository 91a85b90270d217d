using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace HeatmapSaas.Bench;

/// <summary>
/// A throwaway PostgreSQL for the baseline, started the way the tests start theirs (tests/…/PostgresServer.cs):
/// <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on 127.0.0.1 and a free port, as the <c>postgres</c> user
/// through <c>runuser</c> when we are root. Durability is off (fsync, synchronous_commit, full_page_writes), like
/// the product's embedded mode keeps everything in memory; memory settings are sized for the benchmark. A detached
/// watcher stops it and deletes the folder if this process dies without <see cref="DisposeAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string Superuser = "postgres";
    private const string FolderPrefix = "heatmap-bench-pg-";

    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgres;

    private PostgresServer(string bin, string root, bool asPostgres, int port)
    {
        _bin = bin;
        _root = root;
        _asPostgres = asPostgres;
        Port = port;
    }

    public int Port { get; }

    public string Version { get; private set; } = "?";

    /// <summary>The postmaster's process id, for reading the CPU time of the server's processes.</summary>
    public int PostmasterPid { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "server.log");

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Database = database,
        MaxPoolSize = 64,
        Timeout = 30,
        CommandTimeout = 300,
        NoResetOnClose = true,
    }.ConnectionString;

    public static async Task<PostgresServer> StartAsync(IEnumerable<string> settings)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or on PATH " +
            "(apt-get install postgresql, or run ./scripts/test.sh once, which installs them).");
        var root = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        var server = new PostgresServer(bin, root, Environment.IsPrivilegedProcess, FreePort());
        try
        {
            if (server._asPostgres)
            {
                // initdb refuses to run as root; the server runs as the postgres user, who must own the folder.
                Run("chown", ["-R", $"{Superuser}:", root], asPostgres: false);
            }

            server.Run(Path.Combine(bin, "initdb"),
                ["-D", server.DataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
            var options = string.Join(' ', new[]
            {
                "-c listen_addresses=127.0.0.1",
                $"-c port={server.Port}",
                $"-c unix_socket_directories='{root}'",
            }.Concat(settings.Select(s => "-c " + s)));
            server.Run(Path.Combine(bin, "pg_ctl"), ["-D", server.DataDirectory, "-l", server.LogFile, "-o", options, "-w", "-t", "60", "start"]);
            server.PostmasterPid = int.Parse(File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            server.WatchOwner();

            await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
            await connection.OpenAsync();
            server.Version = connection.PostgreSqlVersion.ToString();
            await using (var create = new NpgsqlCommand("CREATE DATABASE bench", connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            return server;
        }
        catch (Exception e)
        {
            var log = File.Exists(server.LogFile) ? string.Join('\n', File.ReadAllLines(server.LogFile).TakeLast(20)) : "(no log)";
            await server.DisposeAsync();
            throw new InvalidOperationException($"Could not start PostgreSQL: {e.Message}\n{log}", e);
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);
            }
        }
        catch (InvalidOperationException)
        {
            // The watcher finishes the job when this process exits.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A detached watcher (its own session, out of reach of Ctrl+C) that stops the server and deletes its folder as
    /// soon as this process is gone, however it ended.
    /// </summary>
    private void WatchOwner()
    {
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
                     "-f", "/bin/sh", "-c", script, "heatmap-bench-pg-watcher",
                     Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                     Path.Combine(DataDirectory, "postmaster.pid"), _root,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var watcher = Process.Start(start) ?? throw new InvalidOperationException("Could not start setsid.");
        watcher.WaitForExit(TimeSpan.FromSeconds(10));
    }

    private void Run(string fileName, IReadOnlyList<string> arguments) => Run(fileName, arguments, _asPostgres);

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
        // Wait for the tool to exit, not for the end of its output: the server it starts keeps the pipes open.
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

            throw new InvalidOperationException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}");
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The bin folder of the newest PostgreSQL under /usr/lib/postgresql, else the one on PATH.</summary>
    private static string? FindBinDirectory()
    {
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.EnumerateDirectories(debianRoot)
                .Select(d => (Dir: d, Version: double.TryParse(Path.GetFileName(d), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : -1))
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
            .Select(dir => Path.Combine(dir, "initdb"))
            .Where(File.Exists)
            .Select(initdb => new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb)
            .Select(Path.GetDirectoryName)
            .FirstOrDefault(dir => dir is not null && HasServerTools(dir));
    }

    private static bool HasServerTools(string bin) =>
        File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl"));
}
