using HeatmapSaas.Tests.Api;
using Microsoft.Playwright;

namespace HeatmapSaas.Tests.Browser;

/// <summary>
/// The app with its web root pointed at the source tree's <c>src/Api/wwwroot</c> (where the build also puts
/// <c>lib/</c>): a test host's content root is the test's output folder, which has no wwwroot of its own.
/// </summary>
public sealed class DashboardHost : ApiHost
{
    public static string RepositoryRoot { get; } =
        SourceTree.Root ?? throw new InvalidOperationException($"No HeatmapSaas.sln above {AppContext.BaseDirectory}");

    public static string WebRoot { get; } = Path.Combine(RepositoryRoot, "src", "Api", "wwwroot");

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var signalr = Path.Combine(WebRoot, "lib", "signalr.min.js");
            if (!File.Exists(signalr))
            {
                throw new InvalidOperationException($"{signalr} is missing: building src/Api runs npm ci and copies it there.");
            }

            // Seeded stores reach back 30 days (the range picker's longest choice) and to last week's weekday.
            // The management test registers a webhook on a loopback receiver.
            return new Dictionary<string, string?>
            {
                ["webroot"] = WebRoot,
                ["Heatmap:Ingest:MaxEventAge"] = "40.00:00:00",
                ["Heatmap:Webhooks:AllowPrivateTargets"] = "true",
            };
        }
    }
}

/// <summary>Debian's Chromium (Playwright's own browser downloads do not work here), headless and quiet.</summary>
public static class SystemChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static BrowserTypeLaunchOptions LaunchOptions => new()
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        Args =
        [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    };
}
