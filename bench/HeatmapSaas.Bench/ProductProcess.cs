using System.Diagnostics;

namespace HeatmapSaas.Bench;

/// <summary>
/// The embedded product (<see cref="ProductHost"/>) in a child process of this bench, so that its CPU time is its own
/// and not mixed with the clients that measure it. The child prints its address and runs until its stdin closes.
/// </summary>
public sealed class ProductProcess : IAsyncDisposable
{
    public const string ServeFlag = "--serve-product";
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

    public static async Task<ProductProcess> StartAsync()
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

        start.ArgumentList.Add(ServeFlag);
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
    public static async Task<int> ServeAsync()
    {
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        await using var host = await ProductHost.StartAsync();
        await stdout.WriteLineAsync(Ready + host.BaseAddress);
        await stdout.FlushAsync();
        await Console.In.ReadToEndAsync();
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
