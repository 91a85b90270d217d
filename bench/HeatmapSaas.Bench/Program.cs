using System.Globalization;
using HeatmapSaas.Bench;

// The ingest and query benchmark (bench/README.md): the embedded product over HTTP vs a PostgreSQL COPY baseline vs
// the product's own code in a tight loop, on the same generated events. Results on stdout (markdown) and in
// bench/results/latest.json; progress and any logs on stderr.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Contains(ProductProcess.ServeFlag))
{
    return await ProductProcess.ServeAsync(args);
}

if (args.Contains(FleetBaseline.ServeFlag))
{
    return await FleetBaseline.ServeAsync(args);
}

if (args.Contains(NoOpServer.ServeFlag))
{
    return await NoOpServer.ServeAsync();
}

if (PushLatency.Selected(args))
{
    return await PushLatency.MainAsync(args);
}

if (Fleet.Selected(args))
{
    return await Fleet.MainAsync(args);
}

if (AbuseScenario.Selected(args))
{
    return await AbuseScenario.MainAsync(args);
}

if (Scaling.Selected(args))
{
    return await Scaling.MainAsync(args);
}

if (!CommandLine.TryParse(args, BenchOptions.Usage, BenchOptions.Parse, out var options, out var exit))
{
    return exit;
}

// Anything else that writes to stdout (the product's startup banner, libraries) goes to stderr with the progress.
var results = Console.Out;
Console.SetOut(Console.Error);

using var progress = new Progress();
if (options.Memory)
{
    await results.WriteAsync(MemoryScenario.Run(options, progress));
    await results.FlushAsync();
    return 0;
}

var bench = new Bench(options, progress);
var report = await bench.RunAsync();

var markdown = Report.Markdown(report);
await results.WriteAsync(markdown);
await results.FlushAsync();
var path = Report.WriteJson(report, options.Output);
progress.Note($"results written to {path}");
return 0;
