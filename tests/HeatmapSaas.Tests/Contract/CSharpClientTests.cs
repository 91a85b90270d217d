using HeatmapSaas.Tests.Api;

namespace HeatmapSaas.Tests.Contract;

/// <summary>The C# client NSwag generates at build from the document snapshot calls every route family of a real server.</summary>
public sealed class CSharpClientTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Served_document_is_the_one_the_client_was_generated_from()
    {
        using var client = host.Client();
        await ClientDocument.AssertMatchesAsync(await client.GetStringAsync("/openapi/v1.json"));
    }
}
