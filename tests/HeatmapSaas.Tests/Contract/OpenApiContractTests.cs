using System.Text.Json;
using HeatmapSaas.Tests.Api;

namespace HeatmapSaas.Tests.Contract;

/// <summary>The served OpenAPI document is the contract: Spectral's <c>spectral:oas</c> finds nothing, every
/// operation is named and documents its failures in the error envelope.</summary>
public sealed class OpenApiContractTests(ApiHost host) : IClassFixture<ApiHost>
{
    private async Task<(string Text, JsonElement Document)> ServedDocumentAsync()
    {
        using var client = host.Client();
        var text = await client.GetStringAsync("/openapi/v1.json");
        return (text, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Spectral_oas_ruleset_reports_no_errors_and_no_warnings()
    {
        var (text, _) = await ServedDocumentAsync();
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, text);
        try
        {
            var (exitCode, output) = await ContractTools.RunAsync(
                "spectral", "lint", file, "--ruleset", Path.Combine(ContractTools.Directory, ".spectral.yaml"),
                "--fail-severity", "warn", "--format", "text");
            Assert.True(exitCode == 0, output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Every_operation_is_named_secured_when_keyed_and_answers_errors_in_the_envelope()
    {
        var (_, document) = await ServedDocumentAsync();
        var ids = new HashSet<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var where = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                Assert.True(operation.Value.TryGetProperty("operationId", out var id), $"{where} has no operationId");
                Assert.True(ids.Add(id.GetString()!), $"{where} repeats operationId {id}");
                var responses = operation.Value.GetProperty("responses").EnumerateObject().ToList();
                Assert.Contains(responses, r => r.Name.StartsWith('2') || r.Name == "304");
                Assert.Contains(responses, r => r.Name == "500");
                foreach (var failure in responses.Where(r => r.Name[0] is '4' or '5' && r.Name != "304"))
                {
                    var schema = failure.Value.GetProperty("content").GetProperty("application/json").GetProperty("schema");
                    Assert.Equal("#/components/schemas/ErrorEnvelope", schema.GetProperty("$ref").GetString());
                }
            }
        }

        var listHeatmaps = document.GetProperty("paths").GetProperty("/v1/heatmaps").GetProperty("get");
        Assert.Equal(2, listHeatmaps.GetProperty("security").GetArrayLength());
        var limit = listHeatmaps.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "limit");
        Assert.Equal("integer", limit.GetProperty("schema").GetProperty("type").GetString());
        var data = document.GetProperty("paths").GetProperty("/v1/heatmaps/{id}/data").GetProperty("get");
        Assert.True(data.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "start_date").GetProperty("required").GetBoolean());
        Assert.True(data.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/csv", out _));
        var ingest = document.GetProperty("paths").GetProperty("/v1/locations/{location}/events").GetProperty("post");
        Assert.True(ingest.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/x-ndjson", out _));
    }

    [Fact]
    public async Task Docs_page_loads_nothing_from_other_hosts()
    {
        using var client = host.Client();
        var html = await client.GetStringAsync("/docs/");
        Assert.DoesNotContain("fonts.scalar.com", html);
        Assert.DoesNotContain("cdn.jsdelivr.net", html);
        Assert.Contains("\"withDefaultFonts\":false", html);
        Assert.Contains("\"hideClientButton\":true", html);
    }
}
