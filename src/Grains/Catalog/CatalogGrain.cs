using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Domain;
using HeatmapSaas.Tenants;

namespace HeatmapSaas.Grains.Catalog;

public sealed class CatalogGrain(
    [PersistentState("catalog", StorageNames.Default)] IPersistentState<CatalogState> state,
    TimeProvider clock) : Grain, ICatalogGrain
{
    // Lookups by id and slug, rebuilt right after every change of the list (in the same synchronous step).
    private Dictionary<string, Location> _byId = [];
    private Dictionary<string, Location> _bySlug = [];

    private long TenantId => this.GetPrimaryKeyLong();
    private List<Location> Locations => state.State.Locations;
    private List<Heatmap> Heatmaps => state.State.Heatmaps;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        IndexLocations();
        return Task.CompletedTask;
    }

    public async Task<Location> CreateLocationAsync(LocationDraft draft)
    {
        string slug;
        if (draft.Slug is { } requested)
        {
            if (FindBySlug(requested) is not null)
            {
                throw ApiException.Conflict($"Slug '{requested}' is already used by another location", "slug");
            }

            slug = requested;
        }
        else
        {
            slug = Slug.FirstFree(Slug.FromName(draft.Name), s => FindBySlug(s) is not null);
        }

        var location = new Location(
            ResourceId.New("loc"), TenantId, draft.Name, slug, draft.Type, draft.Address, draft.Latitude,
            draft.Longitude, draft.TimeZone ?? await TenantTimeZoneAsync(), draft.Brand,
            draft.ParentIdOrSlug is { } parent ? Require(parent, "parent_id").Id : null,
            draft.FloorPlan ?? FloorPlan.Default, draft.TrackTimeoutSeconds ?? 30, clock.GetUtcNow());

        await GrainFactory.GetGrain<ILocationGrain>(location.Id).ConfigureAsync(location);
        Locations.Add(location);
        IndexLocations();
        await state.WriteStateAsync();
        return location;
    }

    public Task<Location> GetLocationAsync(string idOrSlug) => Task.FromResult(Require(idOrSlug));

    public Task<Page<LocationListItem>> ListLocationsAsync(string? type, int limit, int offset)
    {
        var matching = type is null ? Locations : Locations.FindAll(l => l.Type == type);
        var items = matching.Skip(offset).Take(limit).Select(l => new LocationListItem(
                l,
                Heatmaps.Count(h => h.LocationId == l.Id),
                l.ParentId is { } parentId ? FindById(parentId)?.Slug : null,
                Locations.Where(c => c.ParentId == l.Id).Select(c => c.Slug).ToList()))
            .ToList();
        return Task.FromResult(new Page<LocationListItem>(items, matching.Count, limit, offset));
    }

    public async Task<Location> UpdateLocationAsync(string idOrSlug, LocationPatch patch)
    {
        var current = Require(idOrSlug);
        if (patch.Slug is { } slug && FindBySlug(slug) is { } holder && holder.Id != current.Id)
        {
            throw ApiException.Conflict($"Slug '{slug}' is already used by another location", "slug");
        }

        string? parentId = current.ParentId;
        if (patch.ParentIdOrSlug is { } parentRef)
        {
            var parent = Require(parentRef, "parent_id");
            if (IsSelfOrDescendant(parent.Id, current.Id))
            {
                throw ApiException.Invalid("parent_id", "A location cannot be inside itself or one of its zones");
            }

            parentId = parent.Id;
        }

        var updated = current with
        {
            Name = patch.Name ?? current.Name,
            Slug = patch.Slug ?? current.Slug,
            Type = patch.Type ?? current.Type,
            Address = patch.Address ?? current.Address,
            Latitude = patch.Latitude ?? current.Latitude,
            Longitude = patch.Longitude ?? current.Longitude,
            TimeZone = patch.TimeZone ?? current.TimeZone,
            Brand = patch.Brand ?? current.Brand,
            ParentId = parentId,
            FloorPlan = patch.FloorPlan ?? current.FloorPlan,
            TrackTimeoutSeconds = patch.TrackTimeoutSeconds ?? current.TrackTimeoutSeconds,
        };

        await GrainFactory.GetGrain<ILocationGrain>(updated.Id).ConfigureAsync(updated);
        Locations[Locations.IndexOf(current)] = updated;
        IndexLocations();
        await state.WriteStateAsync();
        return updated;
    }

    public async Task DeleteLocationAsync(string idOrSlug)
    {
        var location = Require(idOrSlug);
        if (Locations.Exists(l => l.ParentId == location.Id))
        {
            throw ApiException.Conflict("The location has zones; delete them first");
        }

        var heatmaps = Heatmaps.FindAll(h => h.LocationId == location.Id);
        Locations.Remove(location);
        IndexLocations();
        Heatmaps.RemoveAll(h => h.LocationId == location.Id);
        await state.WriteStateAsync();

        await Task.WhenAll(heatmaps.Select(h => GrainFactory.GetGrain<IHeatmapGrain>(h.Id).RetireAsync(TenantId)));
        await GrainFactory.GetGrain<ILocationGrain>(location.Id).RetireAsync(TenantId);
    }

    public async Task<Heatmap> CreateHeatmapAsync(HeatmapDraft draft)
    {
        var location = Require(draft.LocationIdOrSlug, "location_id");
        var heatmap = new Heatmap(
            ResourceId.New("hm"), TenantId, draft.Name, location.Id, draft.Type, draft.TimeZone ?? location.TimeZone,
            draft.RefreshIntervalSeconds, draft.CellSize, "active", clock.GetUtcNow());

        await GrainFactory.GetGrain<IHeatmapGrain>(heatmap.Id).ConfigureAsync(heatmap);
        Heatmaps.Add(heatmap);
        await state.WriteStateAsync();
        return heatmap;
    }

    public Task<Heatmap> GetHeatmapAsync(string id) => Task.FromResult(RequireHeatmap(id));

    public Task<Page<Heatmap>> ListHeatmapsAsync(string? locationIdOrSlug, int limit, int offset)
    {
        var matching = locationIdOrSlug is null
            ? Heatmaps
            : Heatmaps.FindAll(h => h.LocationId == Require(locationIdOrSlug, "location_id").Id);
        return Task.FromResult(new Page<Heatmap>(matching.Skip(offset).Take(limit).ToList(), matching.Count, limit, offset));
    }

    public async Task<Heatmap> UpdateHeatmapAsync(string id, HeatmapPatch patch)
    {
        var current = RequireHeatmap(id);
        var updated = current with
        {
            Name = patch.Name ?? current.Name,
            TimeZone = patch.TimeZone ?? current.TimeZone,
            RefreshIntervalSeconds = patch.RefreshIntervalSeconds ?? current.RefreshIntervalSeconds,
            Status = patch.Status ?? current.Status,
        };

        await GrainFactory.GetGrain<IHeatmapGrain>(id).ConfigureAsync(updated);
        Heatmaps[Heatmaps.IndexOf(current)] = updated;
        await state.WriteStateAsync();
        return updated;
    }

    public async Task DeleteHeatmapAsync(string id)
    {
        var heatmap = RequireHeatmap(id);
        Heatmaps.Remove(heatmap);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IHeatmapGrain>(id).RetireAsync(TenantId);
    }

    public Task<(int Locations, int Heatmaps)> CountAsync() => Task.FromResult((Locations.Count, Heatmaps.Count));

    public Task<string[]> GetLocationIdsAsync() => Task.FromResult(Locations.Select(l => l.Id).ToArray());

    private Location? FindById(string id) => _byId.GetValueOrDefault(id);

    private Location? FindBySlug(string slug) => _bySlug.GetValueOrDefault(slug);

    private void IndexLocations()
    {
        _byId = Locations.ToDictionary(l => l.Id, StringComparer.Ordinal);
        _bySlug = Locations.ToDictionary(l => l.Slug, StringComparer.Ordinal);
    }

    /// <summary>A location of this tenant by id or slug; a missing one is a 404 (or a 400 naming a body field).</summary>
    private Location Require(string idOrSlug, string? bodyParameter = null) =>
        FindById(idOrSlug) ?? FindBySlug(idOrSlug) ?? throw (bodyParameter is null
            ? ApiException.NotFound("Location")
            : new ApiException(ApiErrorCode.NotFound, $"Location '{idOrSlug}' not found", bodyParameter, ParameterProblem.Unknown));

    private Heatmap RequireHeatmap(string id) => Heatmaps.Find(h => h.Id == id) ?? throw ApiException.NotFound("Heatmap");

    private bool IsSelfOrDescendant(string candidateId, string rootId)
    {
        for (var id = candidateId; id is not null; id = FindById(id)?.ParentId)
        {
            if (id == rootId)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<string> TenantTimeZoneAsync() =>
        (await GrainFactory.GetGrain<ITenantGrain>(TenantId).GetAsync())?.TimeZone ?? "UTC";
}
