using System.Diagnostics;
using System.Net;
using System.Text;
using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeatmapSaas.Silo.Webhooks;

/// <summary>
/// Runs on every silo: claims due deliveries from the outbox, signs and POSTs them, and records each attempt with
/// what happens next (done, retry at an instant, or given up). 2xx is done; 410 turns the endpoint off; anything
/// else is retried on the <see cref="RetrySchedule"/>, honouring <c>Retry-After</c>.
/// </summary>
public sealed partial class WebhookSender(
    IWebhookOutbox outbox,
    IGrainFactory grains,
    IHttpClientFactory httpClients,
    WebhookSignal signal,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookSender> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";

    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    private readonly RetrySchedule _schedule = new(options.Value);

    /// <summary>
    /// Keeps up to <see cref="WebhookOptions.BatchSize"/> sends in flight and claims more as each finishes, so one slow
    /// endpoint holds one slot, not the others' deliveries; one tenant holds at most
    /// <see cref="WebhookOptions.MaxInFlightPerTenant"/> slots, and claims take tenants in turns (<see cref="TenantShare"/>).
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        // A claim outlives any attempt, so a delivery is only picked up again when its sender is gone.
        var lease = settings.Timeout * 2 + TimeSpan.FromSeconds(5);
        var nextPrune = DateTimeOffset.MinValue;
        var running = new List<(Task Send, long TenantId)>();
        Task? wake = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(r => r.Send.IsCompleted);
            var free = settings.BatchSize - running.Count;
            if (free > 0)
            {
                try
                {
                    if (clock.GetUtcNow() >= nextPrune)
                    {
                        await outbox.PruneAsync(clock.GetUtcNow() - settings.DeliveryRetention, stoppingToken);
                        nextPrune = clock.GetUtcNow() + PruneInterval;
                    }

                    var share = new TenantShare(settings.MaxInFlightPerTenant,
                        running.GroupBy(r => r.TenantId).ToDictionary(g => g.Key, g => g.Count()));
                    var due = await outbox.ClaimDueAsync(clock.GetUtcNow(), free, lease, share, stoppingToken);
                    running.AddRange(due.Select(d => (SendLoggedAsync(d, stoppingToken), d.TenantId)));
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    // The outbox may be briefly unreachable; claims lapse on their own, so trying again later is safe.
                    LogSenderFailed(e);
                }
            }

            // Wait for a wake-up (a new event), the poll interval, or — when every slot is busy — a finished send.
            wake ??= signal.WaitAsync(settings.PollInterval, stoppingToken);
            await Task.WhenAny(running.Count >= settings.BatchSize ? [wake, .. running.Select(r => r.Send)] : [wake]);
            if (wake.IsCompleted)
            {
                wake = null;
            }
        }

        await Task.WhenAll(running.Select(r => r.Send));
    }

    private async Task SendLoggedAsync(OutboxDelivery delivery, CancellationToken ct)
    {
        try
        {
            await SendAsync(delivery, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Unrecorded: the claim lapses and the delivery is tried again then.
            LogSendFailed(e, delivery.Id);
        }
        catch (OperationCanceledException)
        {
            // Shutting down; the claim lapses.
        }
    }

    /// <summary>One attempt of one delivery, recorded whatever happens.</summary>
    public async Task SendAsync(OutboxDelivery delivery, CancellationToken ct)
    {
        var number = delivery.Attempts + 1;
        var started = clock.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        var target = await grains.GetGrain<IWebhookRegistryGrain>(delivery.TenantId).GetTargetAsync(delivery.WebhookId);
        if (target is null)
        {
            await outbox.RecordAttemptAsync(delivery.Id, new DeliveryAttempt(number, started, null, "endpoint is inactive or deleted", 0),
                DeliveryStatus.Failed, null, ct);
            return;
        }

        int? status = null;
        string? error = null;
        TimeSpan? retryAfter = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
            {
                Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("webhook-id", delivery.Id);
            request.Headers.Add("webhook-timestamp", WebhookSignature.UnixSeconds(started));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(target.Secret, delivery.Id, started, delivery.Body));
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, ct);
            status = (int)response.StatusCode;
            retryAfter = RetryAfter(response, started);
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookTargetRefusedException refused)
        {
            // Never retried: the address will not become a public one by waiting.
            await Finish(DeliveryStatus.Failed, null, "target refused: " + refused.Message, null);
            return;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            error = e is TaskCanceledException ? "timed out" : e.Message;
        }

        if (status is >= 200 and < 300)
        {
            await Finish(DeliveryStatus.Succeeded, status, null, null);
            return;
        }

        if (status == (int)HttpStatusCode.Gone)
        {
            await Finish(DeliveryStatus.Failed, status, "endpoint answered 410 Gone: disabled", null);
            await grains.GetGrain<IWebhookRegistryGrain>(delivery.TenantId).DisableAsync(delivery.WebhookId, "gone");
            return;
        }

        var honoured = status is 429 or 503 ? retryAfter : null;
        var next = _schedule.Next(number, delivery.CreatedAt, clock.GetUtcNow(), honoured);
        await Finish(next is null ? DeliveryStatus.Failed : DeliveryStatus.Pending, status, error, next);

        Task Finish(DeliveryStatus outcome, int? code, string? why, DateTimeOffset? nextAttempt) =>
            outbox.RecordAttemptAsync(delivery.Id, new DeliveryAttempt(number, started, code, why, stopwatch.ElapsedMilliseconds),
                outcome, nextAttempt, CancellationToken.None);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - now,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook sender pass failed; retrying at the next poll")]
    private partial void LogSenderFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} could not be recorded; it is tried again when its claim lapses")]
    private partial void LogSendFailed(Exception e, string deliveryId);
}

public static class WebhookSenderHosting
{
    /// <summary>The sender and its HTTP client: no redirects, no proxy, every connection through the SSRF guard.</summary>
    public static IServiceCollection AddWebhookSender(this IServiceCollection services)
    {
        services.AddHttpClient(WebhookSender.HttpClientName, (sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("HeatmapSaas-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectCallback = sp.GetRequiredService<WebhookTargetGuard>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
        services.AddHostedService<WebhookSender>();
        return services;
    }
}
