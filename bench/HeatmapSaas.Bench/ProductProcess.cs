using System.Diagnostics;

namespace HeatmapSaas.Bench;

/// <summary>
/// A server in a child process of this bench (the product through <see cref="ProductHost"/>, embedded unless given a
/// PostgreSQL connection string, or the fleet's <see cref="FleetBaseline"/>), so that its CPU time is its own and not
/// mixed with the clients that measure it. The child prints its address and runs until its stdin closes.
/// </summary>
public sealed class ProductProcess : IAsyncDisposable
{
    public const string ServeFlag = "--serve-product";
    private const string PostgresFlag = "--postgres=";
    private const string SettingFlag = "--setting=";
    private const string Ready = "listening ";

    private readonly Process _process;

    private ProductProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    /// <summary>The child's CPU time so far (user + system, from /proc).</summary>
    public double CpuSeconds()
    {
        _process.Refresh();
        return _process.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>The product's child: embedded, or in PostgreSQL mode on <paramref name="postgres"/>, with <paramref name="extra"/> settings.</summary>
    public static Task<ProductProcess> StartProductAsync(string? postgres = null, IReadOnlyDictionary<string, string>? extra = null) =>
        StartAsync([
            ServeFlag,
            .. postgres is null ? Array.Empty<string>() : [PostgresFlag + postgres],
            .. (extra ?? new Dictionary<string, string>()).Select(s => $"{SettingFlag}{s.Key}={s.Value}"),
        ]);

    /// <summary>A child serving whatever <paramref name="serveArgs"/> name (Program.cs dispatches on the first).</summary>
    public static async Task<ProductProcess> StartAsync(IReadOnlyList<string> serveArgs)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ProductProcess).Assembly.Location);
        }

        foreach (var arg in serveArgs)
        {
            start.ArgumentList.Add(arg);
        }

        if (serveArgs[0] is ServeFlag or NoOpServer.ServeFlag)
        {
            // The runtime setting the product ships with (src/Api/Api.csproj), which this program's own
            // runtimeconfig does not carry: pool threads do not spin before they block (the floor too, so the two
            // are measured alike).
            start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the product process did not start");
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith(Ready, StringComparison.Ordinal))
            {
                // Whatever else the child writes on stdout is drained, so it never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                return new ProductProcess(process, new Uri(line[Ready.Length..]));
            }
        }

        throw new InvalidOperationException($"the product process exited ({process.ExitCode}) before it listened");
    }

    /// <summary>The child's side: host the product, say where, and stop when the parent closes stdin (or dies).</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        var postgres = args.FirstOrDefault(a => a.StartsWith(PostgresFlag, StringComparison.Ordinal))?[PostgresFlag.Length..];
        var extra = args.Where(a => a.StartsWith(SettingFlag, StringComparison.Ordinal))
            .Select(a => a[SettingFlag.Length..].Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1]);
        await using var host = await ProductHost.StartAsync(postgres, extra);
        return await ServeUntilClosedAsync(stdout, host.BaseAddress);
    }

    /// <summary>Says where the child listens on <paramref name="stdout"/>, then waits for the parent to close stdin.</summary>
    public static async Task<int> ServeUntilClosedAsync(TextWriter stdout, Uri address)
    {
        await stdout.WriteLineAsync(Ready + address);
        await stdout.FlushAsync();
        // On a thread of its own: reading the console blocks, and a pool thread held for the whole run would be one
        // fewer for the server being measured.
        await Task.Factory.StartNew(() => Console.In.ReadToEnd(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
