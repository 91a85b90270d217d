using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HeatmapSaas.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HeatmapSaas.TestSupport;

/// <summary>A tenant made through the admin route: its id and API key.</summary>
public sealed record ProductTenant(long Id, string ApiKey);

/// <summary>
/// The product itself (API + embedded silo, or whatever the settings say) in this process, on a free Kestrel port of
/// 127.0.0.1, with free silo and gateway ports, quiet logs and no demo store unless the settings say otherwise.
/// </summary>
public sealed class InProcessProduct : IAsyncDisposable
{
    private readonly WebApplication app;
    private bool stopped;

    private InProcessProduct(WebApplication app, Uri baseAddress, string adminKey)
    {
        this.app = app;
        BaseAddress = baseAddress;
        AdminKey = adminKey;
    }

    public Uri BaseAddress { get; }

    public string AdminKey { get; }

    public IServiceProvider Services => app.Services;

    /// <param name="adminKey">The admin key the product is configured with (<c>Heatmap:AdminKey</c>).</param>
    /// <param name="settings">Settings on top of the defaults; a null value removes a default.</param>
    /// <param name="customize">Changes to the builder after the product's own registrations (a clock, a logger).</param>
    public static async Task<InProcessProduct> StartAsync(
        string adminKey, IEnumerable<KeyValuePair<string, string?>>? settings = null, Action<WebApplicationBuilder>? customize = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Heatmap:AdminKey"] = adminKey,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Heatmap:Demo:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var args = all.Where(s => s.Value is not null).Select(s => $"--{s.Key}={s.Value}").ToArray();
        var app = HeatmapApp.Build(args, customize);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessProduct(app, new Uri(address), adminKey);
    }

    /// <summary>A client of the product, with <paramref name="apiKey"/> as a bearer token (or the bare header).</summary>
    public HttpClient Client(string? apiKey = null, bool bearer = true)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", bearer ? $"Bearer {apiKey}" : apiKey);
        }

        return http;
    }

    /// <summary>A new tenant through the admin route.</summary>
    public async Task<ProductTenant> CreateTenantAsync(string name, string plan = "enterprise", string? timezone = null)
    {
        using var admin = Client(AdminKey);
        using var response = await admin.PostAsJsonAsync("/v1/tenants", new { name, plan, timezone });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /v1/tenants answered {(int)response.StatusCode}: {text}");
        }

        var body = JsonDocument.Parse(text).RootElement;
        return new ProductTenant(body.GetProperty("id").GetInt64(), body.GetProperty("api_key").GetString()!);
    }

    /// <summary>Stops the product, waiting at most until <paramref name="cancellation"/> for a graceful stop.</summary>
    public async Task StopAsync(CancellationToken cancellation = default)
    {
        stopped = true;
        await app.StopAsync(cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!stopped)
            {
                await StopAsync();
            }
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
