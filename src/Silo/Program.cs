using HeatmapSaas.Silo;

// A silo-only cluster node: hosts grains, serves no API. Health endpoints let an orchestrator watch it.
var builder = WebApplication.CreateBuilder(args);
builder.AddHeatmapCluster();
// Defaults that appsettings.json carries for the API (the silo ships none, so the two never collide on publish).
builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok(new { status = "ok" }));
app.Run();
