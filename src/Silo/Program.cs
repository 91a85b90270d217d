using HeatmapSaas.Silo;

// A silo-only cluster node: hosts grains, serves no API. Health endpoints let an orchestrator watch it.
var builder = WebApplication.CreateBuilder(args);
builder.AddHeatmapCluster();
var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok(new { status = "ok" }));
app.Run();
