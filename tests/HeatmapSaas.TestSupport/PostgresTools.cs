using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace HeatmapSaas.TestSupport;

/// <summary>
/// PostgreSQL's server tools (<c>initdb</c>, <c>pg_ctl</c>) of the newest installed version, run as the
/// <c>postgres</c> user through <c>runuser</c> when we are root (initdb refuses to run as root).
/// </summary>
internal sealed class PostgresTools(string binDirectory, bool asPostgresUser)
{
    public const string Superuser = "postgres";

    public static PostgresTools Find() => new(
        FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or on PATH. " +
            "Install them with apt-get install postgresql, or run ./scripts/test.sh once, which does."),
        Environment.IsPrivilegedProcess);

    /// <summary>Hands <paramref name="folder"/> to the user the server runs as, who must own its data folder.</summary>
    public void OwnFolder(string folder)
    {
        if (asPostgresUser)
        {
            Run("chown", ["-R", $"{Superuser}:", folder], asPostgres: false);
        }
    }

    /// <summary>Runs <paramref name="tool"/> from the bin folder; throws with its output when it fails.</summary>
    public void Run(string tool, IReadOnlyList<string> arguments) =>
        Run(Path.Combine(binDirectory, tool), arguments, asPostgresUser);

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

        // A symlinked initdb (e.g. /usr/local/bin/initdb) points at the real bin folder, where pg_ctl also lives.
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
