using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace HeatmapSaas.Bench;

/// <summary>One store as the product knows it: its slug and its customer-flow heatmap.</summary>
public sealed record ProductStore(LocationStream Stream, string Slug, string HeatmapId);

/// <summary>
/// The product as the bench runs it (<see cref="InProcessProduct"/>): embedded mode (memory storage), or PostgreSQL
/// mode when given a connection string (its database is created, and the product applies its schema at start); no
/// ingest rate limit; its logs on stderr with the progress, its web root and appsettings.json those of src/Api.
/// </summary>
public sealed class ProductHost : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key";

    private readonly InProcessProduct _product;
    private int _tenants;

    private ProductHost(InProcessProduct product) => _product = product;

    public Uri BaseAddress => _product.BaseAddress;

    /// <param name="extra">Settings on top of the bench's (e.g. <c>Heatmap:Postgres:GroupCommit:Window</c>).</param>
    public static async Task<ProductHost> StartAsync(string? postgres = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        if (postgres is not null)
        {
            await CreateDatabaseAsync(postgres);
        }

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = postgres ?? "", // embedded unless given, whatever the environment says
            ["Heatmap:Silo:Enabled"] = "true",
            ["Heatmap:Ingest:MaxEventsPerSecond"] = "1000000000",
            // The product's wwwroot and appsettings.json, as when it runs itself.
            ["contentRoot"] = SourceTree.ApiProject,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return new ProductHost(await InProcessProduct.StartAsync(AdminKey, settings, builder =>
        {
            // Logs go to stderr with the progress; stdout is for the results.
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new StderrLoggerProvider());
        }));
    }

    public HttpClient Client(string? apiKey) => _product.Client(apiKey);

    /// <summary>A fresh enterprise tenant (no request quota) with the workload's stores and one customer-flow heatmap each.</summary>
    public async Task<(string ApiKey, ProductStore[] Stores)> CreateTenantAsync(Workload workload)
    {
        var n = Interlocked.Increment(ref _tenants);
        var key = (await _product.CreateTenantAsync($"Bench {n}", "enterprise", workload.TimeZone)).ApiKey;
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

    public async ValueTask DisposeAsync()
    {
        StderrLoggerProvider.Quiet();
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _product.StopAsync(limit.Token);
        }
        finally
        {
            await _product.DisposeAsync();
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
