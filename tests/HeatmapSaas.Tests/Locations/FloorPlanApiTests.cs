using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using HeatmapSaas.Catalog;
using HeatmapSaas.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HeatmapSaas.Tests.Locations;

public sealed class FloorPlanApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_floor_plan_is_stored_served_and_guarded()
    {
        var tenant = await host.CreateTenantAsync();
        var stranger = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Planned", slug = "planned" })).Json(201);
        await (await tenant.Http.GetAsync("/v1/locations/planned/floor-plan")).Error(404, "NOT_FOUND");

        var png = Encoded(20, 10, "png");
        var put = await tenant.Http.PutAsync("/v1/locations/planned/floor-plan", Image(png, "image/png"));
        Assert.Equal(204, (int)put.StatusCode);
        var got = await tenant.Http.GetAsync("/v1/locations/planned/floor-plan");
        Assert.Equal("image/png", got.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", string.Join(",", got.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal((20, 10), Dimensions(await got.Content.ReadAsByteArrayAsync()));

        await (await tenant.Http.PutAsync("/v1/locations/planned/floor-plan", Image(png, "image/gif"))).Error(415, "UNSUPPORTED_MEDIA_TYPE");
        await (await tenant.Http.PutAsync("/v1/locations/planned/floor-plan", Image(png, "image/jpeg"))).Error(400, "INVALID_REQUEST");
        await (await stranger.Http.GetAsync("/v1/locations/planned/floor-plan")).Error(404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_jpeg_plan_round_trips_as_a_jpeg_shrunk_to_the_stored_size()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Photo", slug = "photo" })).Json(201);

        var put = await tenant.Http.PutAsync("/v1/locations/photo/floor-plan", Image(Encoded(3000, 1500, "jpeg"), "image/jpeg"));
        Assert.Equal(204, (int)put.StatusCode);
        var got = await tenant.Http.GetAsync("/v1/locations/photo/floor-plan");
        Assert.Equal("image/jpeg", got.Content.Headers.ContentType?.MediaType);
        Assert.Equal((2048, 1024), Dimensions(await got.Content.ReadAsByteArrayAsync()));
        await AssertImagePngAsync(tenant, "photo");
    }

    [Fact]
    public async Task A_png_bomb_is_refused_from_its_header_and_names_the_budget()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Bombed", slug = "bombed" })).Json(201);

        // 20000×20000 px in a few kB: ~1.6 GB once decoded as RGBA.
        var bomb = BlankPng(20_000, 20_000);
        Assert.True(bomb.Length < 1_000_000, $"the bomb is {bomb.Length} bytes");
        var sides = await (await tenant.Http.PutAsync("/v1/locations/bombed/floor-plan", Image(bomb, "image/png"))).Error(400, "INVALID_REQUEST", "body");
        Assert.Contains("8192 px a side", sides.GetProperty("message").GetString());

        var pixels = await (await tenant.Http.PutAsync("/v1/locations/bombed/floor-plan", Image(BlankPng(7000, 7000), "image/png"))).Error(400, "INVALID_REQUEST", "body");
        Assert.Contains("40 MP", pixels.GetProperty("message").GetString());
        await (await tenant.Http.GetAsync("/v1/locations/bombed/floor-plan")).Error(404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_corrupt_png_is_refused_and_the_plan_before_it_still_draws()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Corrupt", slug = "corrupt" })).Json(201);
        Assert.Equal(204, (int)(await tenant.Http.PutAsync("/v1/locations/corrupt/floor-plan", Image(Encoded(40, 30, "png"), "image/png"))).StatusCode);

        var garbage = PngSignature.Concat(Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))).ToArray();
        var refused = await (await tenant.Http.PutAsync("/v1/locations/corrupt/floor-plan", Image(garbage, "image/png"))).Error(400, "INVALID_REQUEST", "body");
        Assert.Contains("cannot be decoded", refused.GetProperty("message").GetString());
        var truncated = BlankPng(100, 100)[..60];
        await (await tenant.Http.PutAsync("/v1/locations/corrupt/floor-plan", Image(truncated, "image/png"))).Error(400, "INVALID_REQUEST", "body");

        Assert.Equal((40, 30), Dimensions(await (await tenant.Http.GetAsync("/v1/locations/corrupt/floor-plan")).Content.ReadAsByteArrayAsync()));
        await AssertImagePngAsync(tenant, "corrupt");
    }

    [Fact]
    public async Task A_stored_plan_that_cannot_be_drawn_never_fails_image_png()
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Legacy", slug = "legacy" })).Json(201)).GetProperty("id").GetString()!;
        var grains = host.Services.GetRequiredService<IGrainFactory>();

        // Plans kept before the budget existed were only checked for their signature bytes.
        foreach (var stored in new[] { BlankPng(20_000, 20_000), [.. PngSignature, .. "not an image"u8] })
        {
            await grains.GetGrain<IFloorPlanGrain>(location).PutAsync(tenant.Id, new FloorPlanImage(tenant.Id, "image/png", stored, DateTimeOffset.UtcNow));
            await AssertImagePngAsync(tenant, "legacy");
        }
    }

    private static async Task AssertImagePngAsync(TestTenant tenant, string location)
    {
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "Plan " + Guid.NewGuid().ToString("N")[..6], location_id = location, type = "customer_flow" })).Json(201))
            .GetProperty("id").GetString();
        var png = await tenant.Http.GetAsync($"/v1/heatmaps/{heatmap}/image.png?start_date=2020-01-01&end_date=2020-01-01");
        Assert.Equal(200, (int)png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal((1000, 1000), Dimensions(await png.Content.ReadAsByteArrayAsync()));
    }

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ByteArrayContent Image(byte[] bytes, string type) =>
        new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue(type) } };

    private static (int, int) Dimensions(byte[] bytes)
    {
        var info = SixLabors.ImageSharp.Image.Identify(bytes);
        return (info.Width, info.Height);
    }

    private static byte[] Encoded(int width, int height, string format)
    {
        using var image = new Image<Rgba32>(width, height, new Rgba32(0xD3, 0xD3, 0xD3));
        using var output = new MemoryStream();
        if (format == "png")
        {
            image.SaveAsPng(output);
        }
        else
        {
            image.SaveAsJpeg(output);
        }

        return output.ToArray();
    }

    /// <summary>A valid 1-bit greyscale PNG of all-zero rows: its zlib stream is tiny whatever the dimensions.</summary>
    private static byte[] BlankPng(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write(PngSignature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 1; // bit depth; colour type 0 (grey), deflate, adaptive filters, no interlace
        Chunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                var row = new byte[1 + (width + 7) / 8];
                for (var y = 0; y < height; y++)
                {
                    zlib.Write(row);
                }
            }

            Chunk(png, "IDAT", compressed.ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        png.Write(word);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
