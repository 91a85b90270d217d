using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeatmapSaas.Tests.Webhooks;

/// <summary>
/// A webhook receiver on a real Kestrel port on 127.0.0.1. Each request is answered by the script (by its number,
/// 1-based; 200 by default) and handed to the test through <see cref="NextAsync"/>, which awaits it: no sleeps.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private int _count;

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>How to answer request number n: a status and optional headers.</summary>
    public Func<int, (int Status, Dictionary<string, string>? Headers)> Script { get; set; } = _ => (200, null);

    public Uri Url { get; private set; } = null!;

    /// <summary>When set, requests are answered only once it completes (or the sender gives up on them).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Held requests that have ended, answered or abandoned by the sender.</summary>
    public int HeldEnded => Volatile.Read(ref _heldEnded);

    private int _heldEnded;

    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    /// <summary>The next request, in arrival order; fails after <paramref name="timeout"/> (a bound, not an expectation).</summary>
    public async Task<ReceivedWebhook> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No webhook arrived within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds} s");
        }
    }

    /// <summary>The next request whose event is <paramref name="eventName"/>, skipping others.</summary>
    public async Task<ReceivedWebhook> NextOfAsync(string eventName, TimeSpan? timeout = null)
    {
        while (true)
        {
            var next = await NextAsync(timeout);
            if (next.Event == eventName)
            {
                return next;
            }
        }
    }

    public bool TryTake(out ReceivedWebhook? received) => _received.Reader.TryRead(out received);

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var number = Interlocked.Increment(ref _count);
        var (status, headers) = Script(number);
        _received.Writer.TryWrite(new ReceivedWebhook(
            number, DateTimeOffset.UtcNow, status,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body));

        if (Hold is { } hold)
        {
            var aborted = new TaskCompletionSource();
            await using (context.RequestAborted.Register(() => aborted.TrySetResult()))
            {
                await Task.WhenAny(hold.Task, aborted.Task);
            }

            Interlocked.Increment(ref _heldEnded);
        }

        context.Response.StatusCode = status;
        foreach (var (name, value) in headers ?? [])
        {
            context.Response.Headers[name] = value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedWebhook(int Number, DateTimeOffset ReceivedAt, int AnsweredStatus, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public string Event => Json.GetProperty("event").GetString()!;

    public string Id => Headers["webhook-id"];

    /// <summary>
    /// Checks the Standard Webhooks signature the way a receiver would, written here from the specification
    /// rather than with the product's code: HMAC-SHA256 over "id.timestamp.body" keyed with the secret's bytes.
    /// </summary>
    public bool SignatureValid(string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = $"{Headers["webhook-id"]}.{Headers["webhook-timestamp"]}.{Body}";
        using var hmac = new HMACSHA256(key);
        var expected = "v1," + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(signed)));
        // The header may carry several space-separated signatures (key rotation); one match is enough.
        return Headers["webhook-signature"].Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }
}
