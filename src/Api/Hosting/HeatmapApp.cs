using HeatmapSaas.Silo;

namespace HeatmapSaas.Api.Hosting;

/// <summary>Builds the whole application; Program.cs runs it and tests start it on a real Kestrel port.</summary>
public static class HeatmapApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddHeatmapCluster();
        builder.AddHeatmapApi();
        customize?.Invoke(builder);

        var app = builder.Build();
        app.UseHeatmapApi();
        return app;
    }
}
