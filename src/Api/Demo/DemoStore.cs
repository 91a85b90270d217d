using System.Net.Http.Headers;
using System.Net.Http.Json;
using HeatmapSaas.Api.Heatmaps.Rendering;
using HeatmapSaas.Silo;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HeatmapSaas.Api.Demo;

/// <summary>
/// The Demo tenant's demo store: a location with a drawn floor plan and a heatmap, and a simulated gateway walking
/// people through it over the public API, so a first run shows the dashboard moving within seconds.
/// On by default in the embedded mode only (<c>Heatmap:Demo:Enabled</c>).
/// </summary>
public sealed class DemoStore(IConfiguration config, TimeProvider clock, ILogger<DemoStore> logger)
{
    public const string Slug = "demo-store";
    private const double Width = 1000, Height = 600;

    public bool Enabled => config.GetValue("Heatmap:Demo:Enabled", config.PostgresConnectionString() is null);

    public async Task RunAsync(string apiKey, Uri baseAddress, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var location = await http.PostAsJsonAsync("/v1/locations", new
        {
            name = "Demo Store", slug = Slug, type = "retail", timezone = "UTC", brand = "HeatmapSaas",
            floor_plan = new { width = Width, height = Height },
        }, ct);
        location.EnsureSuccessStatusCode();
        (await http.PutAsync($"/v1/locations/{Slug}/floor-plan",
            new ByteArrayContent(DrawFloorPlan()) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, ct)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync("/v1/heatmaps", new { name = "Demo Store - Customer Flow", location_id = Slug, type = "customer_flow", cell_size = 20 }, ct))
            .EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync("/v1/heatmaps", new { name = "Demo Store - Dwell Time", location_id = Slug, type = "dwell_time", cell_size = 50 }, ct))
            .EnsureSuccessStatusCode();

        logger.LogInformation("Demo store is walking: simulated shoppers at /v1/locations/{Slug}", Slug);
        await new GatewaySimulator(http, Slug, "demo-gateway", new StoreWalk(Width, Height), clock).RunAsync(ct);
    }

    /// <summary>A simple plan: walls, the door at the bottom, two rows of shelves and a till.</summary>
    private static byte[] DrawFloorPlan()
    {
        var floor = new Rgba32(0xF7, 0xF5, 0xF0);
        var wall = new Rgba32(0x44, 0x44, 0x44);
        var shelf = new Rgba32(0xC9, 0xB8, 0x9A);
        using var image = new Image<Rgba32>((int)Width, (int)Height, wall);
        image.Fill(SolidRectangle.Of(8, 8, Width - 16, Height - 16), floor);
        image.Fill(SolidRectangle.Of(Width * 0.44, Height - 8, Width * 0.12, 8), floor);
        foreach (var row in new[] { 0.17, 0.52 })
        {
            image.Fill(SolidRectangle.Of(Width * 0.12, Height * row, Width * 0.76, 24), shelf);
        }

        image.Fill(SolidRectangle.Of(Width * 0.86, Height * 0.8, 90, 50), shelf);
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        return png.ToArray();
    }
}
