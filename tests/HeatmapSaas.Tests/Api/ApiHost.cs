using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HeatmapSaas.Api.Hosting;
using HeatmapSaas.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HeatmapSaas.Tests.Api;

/// <summary>
/// The real application on a real Kestrel port with its embedded silo (or whatever the settings say). One per
/// test class; tests isolate themselves by creating their own tenants.
/// </summary>
public class ApiHost : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key";

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    /// <summary>Settings on top of the defaults (admin key, free ports, quiet logs).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected virtual void Customize(WebApplicationBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Heatmap:AdminKey"] = AdminKey,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Heatmap:Demo:Enabled"] = "false",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        var args = settings.Where(s => s.Value is not null).Select(s => $"--{s.Key}={s.Value}").ToArray();
        _app = HeatmapApp.Build(args, Customize);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public HttpClient Client(string? apiKey = null, bool bearer = true)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", bearer ? $"Bearer {apiKey}" : apiKey);
        }

        return client;
    }

    /// <summary>A new tenant through the admin route; returns its id and a client holding its key.</summary>
    public async Task<TestTenant> CreateTenantAsync(string plan = "enterprise", string? timezone = null)
    {
        using var admin = Client(AdminKey);
        var response = await admin.PostAsJsonAsync("/v1/tenants", new { name = "Tenant " + Guid.NewGuid().ToString("N")[..6], plan, timezone });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("api_key").GetString()!;
        return new TestTenant(body.GetProperty("id").GetInt64(), key, Client(key));
    }
}

public sealed record TestTenant(long Id, string ApiKey, HttpClient Http);

public static class HttpAssertions
{
    /// <summary>Reads the body as JSON, asserting the status first (with the body in the failure message).</summary>
    public static async Task<JsonElement> Json(this HttpResponseMessage response, int expectedStatus)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus,
            $"Expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts the contract's error envelope with the given code (and parameter, when given).</summary>
    public static async Task<JsonElement> Error(this HttpResponseMessage response, int status, string code, string? parameter = null) =>
        ErrorIn(await response.Json(status), code, parameter);

    /// <summary>Asserts the envelope's <c>error</c> member in an already-read body and returns it.</summary>
    public static JsonElement ErrorIn(JsonElement body, string code, string? parameter = null)
    {
        var error = body.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        if (parameter is not null)
        {
            Assert.Equal(parameter, error.GetProperty("details").GetProperty("parameter").GetString());
        }

        return error;
    }

    public static StringContent JsonBody(string json) => new(json, MediaTypeHeaderValue.Parse("application/json"));
}
