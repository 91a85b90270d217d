using System.Text.Json.Nodes;

namespace HeatmapSaas.Tests.Contract;

/// <summary>tests/contract/openapi.json: the served document as the C# client was generated from it at build
/// (NSwag.MSBuild, see the test project). A test fails when the served document drifts from it.</summary>
public static class ClientDocument
{
    public static string Path { get; } = System.IO.Path.Combine(ContractTools.Directory, "openapi.json");

    /// <summary>Set to 1 to rewrite the snapshot from the served document (then rebuild to regenerate the client).</summary>
    public const string UpdateVariable = "HEATMAP_UPDATE_OPENAPI_SNAPSHOT";

    public static async Task AssertMatchesAsync(string served)
    {
        // The servers entry names the port this test's server listens on; the rest is the contract.
        var servedNode = WithoutServers(JsonNode.Parse(served)!);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(Path, servedNode.ToJsonString(new() { WriteIndented = true }) + "\n");
        }

        var snapshot = WithoutServers(JsonNode.Parse(await File.ReadAllTextAsync(Path))!);
        Assert.True(JsonNode.DeepEquals(snapshot, servedNode),
            $"The served OpenAPI document differs from {Path}, which the C# client is generated from: " +
            $"run this test with {UpdateVariable}=1, rebuild, and commit the snapshot.");
    }

    private static JsonNode WithoutServers(JsonNode document)
    {
        document.AsObject().Remove("servers");
        return document;
    }
}
