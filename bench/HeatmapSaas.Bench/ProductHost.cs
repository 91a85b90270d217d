using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using HeatmapSaas.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeatmapSaas.Bench;

/// <summary>One store as the product knows it: its slug and its customer-flow heatmap.</summary>
public sealed record ProductStore(LocationStream Stream, string Slug, string HeatmapId);

/// <summary>
/// The product itself, API + silo in this process on a free Kestrel port: embedded mode (memory storage), or PostgreSQL
/// mode when given a connection string (its database is created, and the product applies its schema at start).
/// </summary>
public sealed class ProductHost : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key";

    private readonly WebApplication _app;
    private int _tenants;

    private ProductHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <param name="extra">Settings on top of the bench's (e.g. <c>Heatmap:Postgres:GroupCommit:Window</c>).</param>
    public static async Task<ProductHost> StartAsync(string? postgres = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        if (postgres is not null)
        {
            await CreateDatabaseAsync(postgres);
        }

        var settings = new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Postgres"] = postgres ?? "", // embedded unless given, whatever the environment says
            ["Heatmap:Silo:Enabled"] = "true",
            ["Heatmap:AdminKey"] = AdminKey,
            ["Heatmap:Demo:Enabled"] = "false",
            ["Heatmap:Ingest:MaxEventsPerSecond"] = "1000000000",
            ["Orleans:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        if (ApiProjectDirectory() is { } contentRoot)
        {
            settings["contentRoot"] = contentRoot; // the product's wwwroot and appsettings.json, as when it runs itself
        }

        var args = settings.Select(s => $"--{s.Key}={s.Value}").ToArray();
        var app = HeatmapApp.Build(args, builder =>
        {
            // Logs go to stderr with the progress; stdout is for the results.
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new StderrLoggerProvider());
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ProductHost(app, new Uri(address));
    }

    public HttpClient Client(string? apiKey)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return http;
    }

    /// <summary>A fresh enterprise tenant (no request quota) with the workload's stores and one customer-flow heatmap each.</summary>
    public async Task<(string ApiKey, ProductStore[] Stores)> CreateTenantAsync(Workload workload)
    {
        var n = Interlocked.Increment(ref _tenants);
        using var admin = Client(AdminKey);
        var tenant = await Json(await admin.PostAsJsonAsync("/v1/tenants",
            new { name = $"Bench {n}", plan = "enterprise", timezone = workload.TimeZone }), HttpStatusCode.Created);
        var key = tenant.GetProperty("api_key").GetString()!;
        using var http = Client(key);
        var stores = new List<ProductStore>();
        foreach (var location in workload.Locations)
        {
            var created = await Json(await http.PostAsJsonAsync("/v1/locations", new Dictionary<string, object>
            {
                ["name"] = $"Bench Store {location.Index + 1}",
                ["slug"] = location.Slug,
                ["type"] = "retail",
                ["timezone"] = workload.TimeZone,
                ["floor_plan"] = new { width = WorkloadGenerator.FloorWidth, height = WorkloadGenerator.FloorHeight },
                ["track_timeout_seconds"] = workload.TrackTimeoutSeconds,
            }), HttpStatusCode.Created);
            var slug = created.GetProperty("slug").GetString()!;
            var heatmap = await Json(await http.PostAsJsonAsync("/v1/heatmaps", new
            {
                name = $"Bench Store {location.Index + 1} - Customer Flow",
                location_id = slug,
                type = "customer_flow",
                cell_size = workload.HeatmapCellSize,
            }), HttpStatusCode.Created);
            stores.Add(new ProductStore(location, slug, heatmap.GetProperty("id").GetString()!));
        }

        return (key, stores.ToArray());
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected)
            {
                throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
            }

            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static async Task CreateDatabaseAsync(string connectionString)
    {
        var target = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var server = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" };
        await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{target.Database}\"", connection);
        await create.ExecuteNonQueryAsync();
    }

    private static string? ApiProjectDirectory()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var api = Path.Combine(dir.FullName, "src", "Api");
            if (File.Exists(Path.Combine(api, "Api.csproj")))
            {
                return api;
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        StderrLoggerProvider.Quiet();
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _app.StopAsync(limit.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>The two questions, asked the product's way over REST, read and parsed as a client would.</summary>
public sealed class ProductQueries(HttpClient http, Workload workload)
{
    private readonly string _date = workload.QueryDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private readonly string _heatmapFrom = workload.HeatmapFirstDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private readonly string _heatmapTo = workload.HeatmapLastDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Visitors (impressions) per local hour of the query date: <c>{hour: visitors}</c>, non-zero hours.</summary>
    public async Task<SortedDictionary<int, long>> VisitorsPerHourAsync(ProductStore store)
    {
        using var document = await GetAsync($"/v1/traffic/impression-counts/{store.Slug}/{_date}");
        var hours = new SortedDictionary<int, long>();
        foreach (var row in document.RootElement.EnumerateArray())
        {
            var count = row.GetProperty("impressions").GetInt64();
            if (count != 0)
            {
                var hour = row.GetProperty("hr").GetInt32();
                hours[hour] = hours.GetValueOrDefault(hour) + count;
            }
        }

        return hours;
    }

    /// <summary>The customer-flow heatmap per hour of the heatmap dates: how many (hour, cell) points and their total.</summary>
    public async Task<(int Points, long Total)> HeatmapPerHourAsync(ProductStore store)
    {
        // Read as an integrator reading a large answer would: one forward pass of a JSON reader over every token
        // (the SQL side reads its rows with a data reader), rather than building a document of tens of thousands
        // of nodes first.
        var bytes = await GetBytesAsync($"/v1/heatmaps/{store.HeatmapId}/data?start_date={_heatmapFrom}&end_date={_heatmapTo}&granularity=hour");
        var reader = new Utf8JsonReader(bytes);
        var points = 0;
        var total = 0L;
        var depth = -1;
        while (reader.Read())
        {
            if (depth < 0 && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("data_points"u8))
            {
                depth = reader.CurrentDepth;
            }
            else if (depth >= 0 && reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth)
            {
                depth = -2;
            }
            else if (depth >= 0 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("count"u8))
            {
                reader.Read();
                total += reader.GetInt64();
                points++;
            }
        }

        return (points, total);
    }

    private async Task<JsonDocument> GetAsync(string path) => JsonDocument.Parse(await GetBytesAsync(path));

    private async Task<byte[]> GetBytesAsync(string path)
    {
        using var response = await http.GetAsync(path);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
        }

        return bytes;
    }
}
