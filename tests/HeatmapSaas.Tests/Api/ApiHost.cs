using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace HeatmapSaas.Tests.Api;

/// <summary>
/// The real application on a real Kestrel port with its embedded silo (or whatever the settings say), as an xunit
/// class fixture: one per test class; tests isolate themselves by creating their own tenants. A subclass is a
/// configuration: its <see cref="Settings"/> and <see cref="Customize"/> are the options.
/// </summary>
public class ApiHost : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key";

    private InProcessProduct? _product;

    public Uri BaseAddress => Product.BaseAddress;

    public IServiceProvider Services => Product.Services;

    private InProcessProduct Product => _product ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>Settings on top of <see cref="InProcessProduct"/>'s defaults (free ports, quiet logs, no demo).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected virtual void Customize(WebApplicationBuilder builder)
    {
    }

    public async Task InitializeAsync() => _product = await InProcessProduct.StartAsync(AdminKey, Settings, Customize);

    public async Task DisposeAsync()
    {
        if (_product is not null)
        {
            await _product.DisposeAsync();
        }
    }

    public HttpClient Client(string? apiKey = null, bool bearer = true) => Product.Client(apiKey, bearer);

    /// <summary>A new tenant through the admin route; returns its id and a client holding its key.</summary>
    public async Task<TestTenant> CreateTenantAsync(string plan = "enterprise", string? timezone = null)
    {
        var tenant = await Product.CreateTenantAsync("Tenant " + Guid.NewGuid().ToString("N")[..6], plan, timezone);
        return new TestTenant(tenant.Id, tenant.ApiKey, Client(tenant.ApiKey));
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
