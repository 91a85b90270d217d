using System.Diagnostics;

namespace HeatmapSaas.Tests.Contract;

/// <summary>The npm tools in tests/contract (pinned by its package-lock.json, installed by scripts/test.sh).</summary>
public static class ContractTools
{
    public static string Directory { get; } = FindDirectory();

    public static string Bin(string tool) => Path.Combine(Directory, "node_modules", ".bin", tool);

    /// <summary>Runs a tool to its end; returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, params string[] arguments)
    {
        Assert.True(File.Exists(Bin(tool)), $"{Bin(tool)} is missing: run ./scripts/test.sh (it runs npm ci in tests/contract)");
        var start = new ProcessStartInfo(Bin(tool)) { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }

    private static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "contract");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/contract not found above " + AppContext.BaseDirectory);
    }
}
