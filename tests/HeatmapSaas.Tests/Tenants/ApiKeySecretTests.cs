using HeatmapSaas.Api.Auth;
using HeatmapSaas.Tenants;

namespace HeatmapSaas.Tests.Tenants;

public sealed class ApiKeySecretTests
{
    [Fact]
    public void Secrets_are_prefixed_url_safe_and_unique()
    {
        var a = ApiKeySecret.New();
        var b = ApiKeySecret.New();
        Assert.NotEqual(a, b);
        Assert.Matches("^hm_live_[A-Za-z0-9_-]{43}$", a);
    }

    [Fact]
    public void Hash_is_sha256_hex_and_compares_equal_only_for_the_same_secret()
    {
        // SHA-256("abc"), a published test vector.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeySecret.Hash("abc"));
        Assert.True(ApiKeySecret.HashesEqual(ApiKeySecret.Hash("k1"), ApiKeySecret.Hash("k1")));
        Assert.False(ApiKeySecret.HashesEqual(ApiKeySecret.Hash("k1"), ApiKeySecret.Hash("k2")));
    }

    [Theory]
    [InlineData(KeyScope.Full, Access.TenantKey, "POST", true)]
    [InlineData(KeyScope.Full, Access.Ingest, "POST", true)]
    [InlineData(KeyScope.Full, Access.Admin, "POST", false)]
    [InlineData(KeyScope.Read, Access.TenantKey, "GET", true)]
    [InlineData(KeyScope.Read, Access.TenantKey, "DELETE", false)]
    [InlineData(KeyScope.Read, Access.Ingest, "POST", false)]
    [InlineData(KeyScope.Ingest, Access.Ingest, "POST", true)]
    [InlineData(KeyScope.Ingest, Access.TenantKey, "GET", false)]
    public void Scopes(KeyScope scope, Access access, string method, bool permitted) =>
        Assert.Equal(permitted, AccessRules.Permits(scope, access, method));
}
