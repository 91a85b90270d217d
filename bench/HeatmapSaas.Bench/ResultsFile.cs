using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeatmapSaas.Bench;

/// <summary>Where and how a scenario's JSON results are written: snake_case, indented, under bench/results by default.</summary>
public static class ResultsFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="document"/> to <paramref name="output"/>, or to bench/results/<paramref name="fileName"/>; returns the path.</summary>
    public static string Write(object document, string? output, string fileName)
    {
        var path = output ?? Path.Combine(RepositoryRoot(), "bench", "results", fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(document, Options) + "\n");
        return path;
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "HeatmapSaas.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
