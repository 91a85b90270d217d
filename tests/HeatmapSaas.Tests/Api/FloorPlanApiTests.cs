using System.Net.Http.Headers;
using System.Net.Http.Json;
using SkiaSharp;

namespace HeatmapSaas.Tests.Api;

public sealed class FloorPlanApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_floor_plan_is_stored_served_and_guarded()
    {
        var tenant = await host.CreateTenantAsync();
        var stranger = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Planned", slug = "planned" })).Json(201);
        await (await tenant.Http.GetAsync("/v1/locations/planned/floor-plan")).Error(404, "NOT_FOUND");

        var png = Png();
        var put = await tenant.Http.PutAsync("/v1/locations/planned/floor-plan", Image(png, "image/png"));
        Assert.Equal(204, (int)put.StatusCode);
        var got = await tenant.Http.GetAsync("/v1/locations/planned/floor-plan");
        Assert.Equal("image/png", got.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await got.Content.ReadAsByteArrayAsync());

        await (await tenant.Http.PutAsync("/v1/locations/planned/floor-plan", Image(png, "image/gif"))).Error(415, "UNSUPPORTED_MEDIA_TYPE");
        await (await tenant.Http.PutAsync("/v1/locations/planned/floor-plan", Image(png, "image/jpeg"))).Error(400, "INVALID_REQUEST");
        await (await stranger.Http.GetAsync("/v1/locations/planned/floor-plan")).Error(404, "NOT_FOUND");
    }

    private static ByteArrayContent Image(byte[] bytes, string type) =>
        new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue(type) } };

    private static byte[] Png()
    {
        using var bitmap = new SKBitmap(20, 10);
        bitmap.Erase(SKColors.LightGray);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
