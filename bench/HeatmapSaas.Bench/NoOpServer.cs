using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeatmapSaas.Bench;

/// <summary>
/// The HTTP floor: a bare Kestrel endpoint on the ingest route that reads the whole body (as the product does, into
/// a pooled buffer) and answers 202 with a small receipt, doing nothing else. The same gateway clients post the
/// same batches to it, which shows what the transport alone costs on this machine, client and server together.
/// </summary>
public sealed class NoOpServer : IAsyncDisposable
{
    private static readonly byte[] Receipt = """{"batch_id":"x","accepted":0,"rejected":0,"duplicate":false,"errors":[]}"""u8.ToArray();

    private readonly WebApplication _app;

    private NoOpServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Run as a child process (the fleet's floor): <c>--serve-http-floor</c>.</summary>
    public const string ServeFlag = "--serve-http-floor";

    public static async Task<int> ServeAsync()
    {
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        await using var floor = await StartAsync();
        return await ProductProcess.ServeUntilClosedAsync(stdout, floor.BaseAddress);
    }

    public static async Task<NoOpServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/locations/{location}/events", async (HttpContext context) =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(context.Request.ContentLength is { } length and > 0 ? (int)length : 64 * 1024);
            try
            {
                var used = 0;
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer.AsMemory(used))) > 0)
                {
                    used += read;
                    if (used == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, used).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Receipt.Length;
            await context.Response.Body.WriteAsync(Receipt);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new NoOpServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
