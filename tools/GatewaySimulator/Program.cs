using System.Net.Http.Headers;
using HeatmapSaas.Api.Demo;

// A command-line store gateway for demos and load against any deployment (see Usage below).
const string Usage = """
    heatmap-gateway-sim: posts simulated shoppers' sensor batches to a HeatmapSaas deployment, as store gateways do.

    usage: dotnet run --project tools/GatewaySimulator -- --key KEY --location LOCATION [options]

      --url URL           the API's base address (default http://localhost:5000)
      --key KEY           an API key with scope full or ingest (required)
      --location LOC      the location's id or slug, e.g. demo-store (required)
      --gateways N        simulated gateways posting in parallel (default 1)
      --shoppers N        shoppers in the store at most, per gateway (default 12)
      --interval-ms MS    time between a gateway's batches (default 1000)
      --width W, --height H   the floor plan's size in its units (default 1000 x 600)
      --help              this text

    Prints a progress line every 5 seconds. Exits 1 when the server refuses the key or location (401, 403, 404)
    or cannot be reached, 2 on a wrong option; Ctrl+C stops it (exit 0).
    """;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage);
    return 0;
}

Uri url;
string key, location;
int gateways, shoppers;
TimeSpan interval;
double width, height;
try
{
    if (args.Length % 2 != 0 || args.Where((_, i) => i % 2 == 0).Any(a => !a.StartsWith("--", StringComparison.Ordinal)))
    {
        throw new FormatException("options come as --name value pairs");
    }

    var options = args.Chunk(2).ToDictionary(p => p[0][2..], p => p[1]);
    var known = new[] { "url", "key", "location", "gateways", "shoppers", "interval-ms", "width", "height" };
    if (options.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
    {
        throw new FormatException($"unknown option --{unknown}");
    }

    string Option(string name, string? fallback = null) =>
        options.GetValueOrDefault(name) ?? fallback ?? throw new FormatException($"--{name} is required");
    int Positive(string name, string fallback) =>
        int.TryParse(Option(name, fallback), out var n) && n > 0 ? n : throw new FormatException($"--{name} must be a positive integer");

    url = Uri.TryCreate(Option("url", "http://localhost:5000"), UriKind.Absolute, out var parsed) ? parsed : throw new FormatException("--url must be an absolute URL");
    key = Option("key");
    location = Option("location");
    gateways = Positive("gateways", "1");
    shoppers = Positive("shoppers", "12");
    interval = TimeSpan.FromMilliseconds(Positive("interval-ms", "1000"));
    (width, height) = (Positive("width", "1000"), Positive("height", "600"));
}
catch (FormatException e)
{
    Console.Error.WriteLine($"heatmap-gateway-sim: {e.Message}\n\n{Usage}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
using var http = new HttpClient { BaseAddress = url };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

long batches = 0, events = 0;
int? lastStatus = null;
string? fatal = null;
void Sent(BatchResult result)
{
    Interlocked.Increment(ref batches);
    Interlocked.Add(ref events, result.Status is >= 200 and < 300 ? result.Events : 0);
    lastStatus = result.Status;
    if (result.Status is null or 401 or 403 or 404)
    {
        // Nothing will get better by sending more: say why and stop.
        fatal ??= result.Status is null
            ? $"cannot reach {url}: {result.Detail}"
            : $"the server answered {result.Status}: {result.Detail}";
        cancel.Cancel();
    }
}

Console.WriteLine($"Simulating {gateways} gateway(s) at {url} for location '{location}'; Ctrl+C stops.");
using var progress = new PeriodicTimer(TimeSpan.FromSeconds(5));
var reporting = Task.Run(async () =>
{
    while (await progress.WaitForNextTickAsync(cancel.Token).AsTask().ContinueWith(t => t is { IsCompletedSuccessfully: true, Result: true }))
    {
        Console.WriteLine($"{DateTime.Now:HH:mm:ss} batches {Interlocked.Read(ref batches)}, events accepted {Interlocked.Read(ref events)}, last status {lastStatus?.ToString() ?? "-"}");
    }
});

await Task.WhenAll(Enumerable.Range(1, gateways).Select(g =>
    new GatewaySimulator(http, location, $"sim-{Environment.MachineName}-{g}",
            new StoreWalk(width, height, seed: g) { MaxShoppers = shoppers }, TimeProvider.System) { Sent = Sent }
        .RunAsync(cancel.Token, interval)
        .ContinueWith(_ => { }, TaskScheduler.Default)));
cancel.Cancel();
await reporting;

if (fatal is not null)
{
    Console.Error.WriteLine($"heatmap-gateway-sim: {fatal}");
    return 1;
}

Console.WriteLine($"Stopped: batches {batches}, events accepted {events}.");
return 0;
