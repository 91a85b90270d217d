using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Locations;
using HeatmapSaas.Tenants;
using HeatmapSaas.Tests.Cluster;

namespace HeatmapSaas.Tests.Tenants;

public sealed class TenantGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Rate_limit_counts_are_shared_across_silos()
    {
        var created = await fixture.Grains.GetGrain<ITenantRegistryGrain>(0).CreateTenantAsync(new NewTenant("Quota", Plan.Free, "UTC"));
        var id = created.Tenant.Id;
        var fromFirst = fixture.GrainsOfSilo(0).GetGrain<ITenantGrain>(id);
        var fromSecond = fixture.GrainsOfSilo(1).GetGrain<ITenantGrain>(id);

        for (var i = 0; i < 50; i++)
        {
            Assert.True((await fromFirst.ConsumeRequestAsync()).Allowed);
            Assert.True((await fromSecond.ConsumeRequestAsync()).Allowed);
        }

        Assert.False((await fromFirst.ConsumeRequestAsync()).Allowed);
        Assert.False((await fromSecond.ConsumeRequestAsync()).Allowed);
    }

    [Fact]
    public async Task Location_grain_refuses_another_tenants_caller()
    {
        var registry = fixture.Grains.GetGrain<ITenantRegistryGrain>(0);
        var owner = (await registry.CreateTenantAsync(new NewTenant("Owner", Plan.Pro, "UTC"))).Tenant.Id;
        var stranger = (await registry.CreateTenantAsync(new NewTenant("Stranger", Plan.Pro, "UTC"))).Tenant.Id;
        var location = await fixture.Grains.GetGrain<ICatalogGrain>(owner).CreateLocationAsync(
            new LocationDraft("Store", null, "retail", null, null, null, null, null, null, null, null));

        var grain = fixture.Grains.GetGrain<ILocationGrain>(location.Id);
        Assert.Null(await grain.GetLastUpdateAsync(owner));
        var refused = await Assert.ThrowsAsync<ApiException>(() => grain.GetLastUpdateAsync(stranger));
        Assert.Equal(ApiErrorCode.NotFound, refused.Code);
        await Assert.ThrowsAsync<ApiException>(() => grain.RetireAsync(stranger));
        await Assert.ThrowsAsync<ApiException>(() => fixture.Grains.GetGrain<ICatalogGrain>(stranger).GetLocationAsync(location.Id));
        Assert.Null(await grain.GetLastUpdateAsync(owner));
    }

    [Fact]
    public async Task Revoked_key_resolves_to_nobody()
    {
        var created = await fixture.Grains.GetGrain<ITenantRegistryGrain>(0).CreateTenantAsync(new NewTenant("Keys", Plan.Pro, "UTC"));
        var keyGrain = fixture.Grains.GetGrain<IApiKeyGrain>(ApiKeySecret.Hash(created.Key.Secret));
        Assert.Equal(created.Tenant.Id, (await keyGrain.ResolveAsync())!.TenantId);
        await fixture.Grains.GetGrain<ITenantGrain>(created.Tenant.Id).RevokeApiKeyAsync(created.Key.Key.Id);
        Assert.Null(await keyGrain.ResolveAsync());
    }
}
