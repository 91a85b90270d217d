using System.Net.Http.Headers;
using HeatmapSaas.Api.Demo;

// A command-line store gateway for demos and load against any deployment:
//   dotnet run --project tools/GatewaySimulator -- --url http://localhost:5000 --key hm_live_… --location demo-store
//     [--gateways 1] [--shoppers 12] [--interval-ms 1000] [--width 1000] [--height 600]
var options = args.Chunk(2).Where(p => p.Length == 2 && p[0].StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p[0][2..], p => p[1]);
string Option(string name, string? fallback = null) =>
    options.GetValueOrDefault(name) ?? fallback ?? throw new ArgumentException($"--{name} is required");

var url = new Uri(Option("url", "http://localhost:5000"));
var key = Option("key");
var location = Option("location");
var gateways = int.Parse(Option("gateways", "1"));
var interval = TimeSpan.FromMilliseconds(int.Parse(Option("interval-ms", "1000")));
var (width, height) = (double.Parse(Option("width", "1000")), double.Parse(Option("height", "600")));

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
using var http = new HttpClient { BaseAddress = url };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

Console.WriteLine($"Simulating {gateways} gateway(s) at {url} for location '{location}'; Ctrl+C stops.");
await Task.WhenAll(Enumerable.Range(1, gateways).Select(g =>
    new GatewaySimulator(http, location, $"sim-{Environment.MachineName}-{g}",
            new StoreWalk(width, height, seed: g) { MaxShoppers = int.Parse(Option("shoppers", "12")) }, TimeProvider.System)
        .RunAsync(cancel.Token, interval)
        .ContinueWith(_ => { }, TaskScheduler.Default)));
