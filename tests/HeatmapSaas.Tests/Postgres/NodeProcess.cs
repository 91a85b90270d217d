using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>
/// One node of the product as its own OS process: <c>dotnet HeatmapSaas.Api.dll</c> or <c>dotnet
/// HeatmapSaas.Silo.dll</c> from the test output folder (both are copied there with their runtimeconfig.json and
/// deps.json because the test project references src/Api, which references src/Silo), listening on loopback. Keeps
/// the tail of its stdout and stderr for failure messages; killed with its process tree on dispose.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    public const string ApiAssembly = "HeatmapSaas.Api.dll";
    public const string SiloAssembly = "HeatmapSaas.Silo.dll";

    private const int KeptLines = 400;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private readonly Process process;
    private readonly Queue<string> lines = new();
    private readonly Lock linesLock = new();
    private int droppedLines;

    private NodeProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        this.process = process;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    /// <summary>The node's HTTP address (<c>http://127.0.0.1:port</c>).</summary>
    public Uri BaseAddress { get; }

    public bool HasExited => process.HasExited;

    /// <summary>
    /// Starts <paramref name="assembly"/> (a file name in the test output folder) with <c>--urls</c> on
    /// <paramref name="httpPort"/> and <paramref name="environment"/> on top of this process's environment.
    /// </summary>
    public static NodeProcess Start(string name, string assembly, int httpPort, IReadOnlyDictionary<string, string> environment)
    {
        var directory = AppContext.BaseDirectory;
        var path = Path.Combine(directory, assembly);
        var runtimeConfig = Path.ChangeExtension(path, ".runtimeconfig.json");
        if (!File.Exists(path) || !File.Exists(runtimeConfig))
        {
            throw new InvalidOperationException(
                $"{assembly} or its runtimeconfig.json is missing from {directory}: the test project must reference the project that builds it.");
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(path);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}");

        // Whatever the test runner's environment says, the node runs as in production, with its own settings.
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var node = new NodeProcess(name, process, new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}"));
        process.OutputDataReceived += (_, e) => node.Append(e.Data, "");
        process.ErrorDataReceived += (_, e) => node.Append(e.Data, "[stderr] ");
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name}.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>
    /// Polls <paramref name="path"/> until it answers 200; fails (with the node's output) when the node exits first
    /// or <paramref name="timeout"/> passes.
    /// </summary>
    public async Task WaitUntilOkAsync(string path, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = ProbeTimeout };
        var deadline = Stopwatch.StartNew();
        var last = "no answer yet";
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(); // drains the output
                throw new InvalidOperationException(
                    $"{Name} exited with {process.ExitCode} before {path} answered 200.\n{Output()}");
            }

            try
            {
                using var response = await http.GetAsync(path);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"{Name}: {path} did not answer 200 within {timeout.TotalSeconds} s (last: {last}).\n{Output()}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Asks the process to stop (SIGTERM, as a service manager does) and waits until it has exited.</summary>
    public async Task StopAsync()
    {
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Kills the process and its children, as a crash or <c>kill -9</c> would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            return; // never started or already reaped
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Gone from our point of view; the kernel finishes the job.
        }
    }

    /// <summary>The last lines the node wrote, headed by its name.</summary>
    public string Output()
    {
        lock (linesLock)
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"----- {Name} (pid {SafePid()}) output -----");
            if (droppedLines > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"({droppedLines} earlier lines dropped)");
            }

            foreach (var line in lines)
            {
                text.AppendLine(line);
            }

            return text.ToString();
        }
    }

    /// <summary>The output of every node, for an assertion message.</summary>
    public static string Outputs(IEnumerable<NodeProcess> nodes) => string.Join('\n', nodes.Select(n => n.Output()));

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private string SafePid()
    {
        try
        {
            return process.Id.ToString(CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    private void Append(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        lock (linesLock)
        {
            lines.Enqueue(prefix + line);
            if (lines.Count > KeptLines)
            {
                lines.Dequeue();
                droppedLines++;
            }
        }
    }

    /// <summary>The <c>dotnet</c> running the tests (the CLI exports it as DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } current
            && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        return "dotnet";
    }
}
