namespace HeatmapSaas.TestSupport;

/// <summary>The repository this program was built in: where the product's web root and settings are.</summary>
public static class SourceTree
{
    /// <summary>The folder holding HeatmapSaas.sln above this program's folder or the working directory; null outside a checkout.</summary>
    public static string? Root { get; } = FindRoot(AppContext.BaseDirectory) ?? FindRoot(Directory.GetCurrentDirectory());

    /// <summary>src/Api: the product's content root (wwwroot, appsettings.json), as when it runs itself.</summary>
    public static string? ApiProject => Root is null ? null : Path.Combine(Root, "src", "Api");

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HeatmapSaas.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
