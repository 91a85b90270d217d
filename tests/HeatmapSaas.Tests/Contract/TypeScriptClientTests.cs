using System.Diagnostics;
using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Webhooks;

namespace HeatmapSaas.Tests.Contract;

/// <summary>tests/contract/client.mts, typed by openapi-typescript from the served document, compiles under
/// tsc --strict and calls every route family of a real server with openapi-fetch.</summary>
[Trait("Category", "Slow")]
public sealed class TypeScriptClientTests(WebhookApiHost host) : IClassFixture<WebhookApiHost>
{
    [Fact]
    public async Task Typed_client_compiles_strictly_and_calls_every_route_family()
    {
        using var client = host.Client();
        var document = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, await client.GetStringAsync("/openapi/v1.json"));
        try
        {
            var generated = await ContractTools.RunAsync("openapi-typescript", document, "-o", Path.Combine(ContractTools.Directory, "generated", "api.d.ts"));
            Assert.True(generated.ExitCode == 0, generated.Output);
            var compiled = await ContractTools.RunAsync("tsc", "-p", ContractTools.Directory);
            Assert.True(compiled.ExitCode == 0, compiled.Output);
        }
        finally
        {
            File.Delete(document);
        }

        var run = new ProcessStartInfo("node") { WorkingDirectory = ContractTools.Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        run.ArgumentList.Add(Path.Combine("generated", "out", "client.mjs"));
        run.Environment["HEATMAP_BASE_URL"] = host.BaseAddress.ToString().TrimEnd('/');
        run.Environment["HEATMAP_ADMIN_KEY"] = ApiHost.AdminKey;
        using var process = Process.Start(run)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await output + await errors);
        Assert.Contains("all families answered", await output);
    }
}
