using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Grains.Catalog;

/// <summary>
/// A tenant's catalog, whole in memory, stored in pages (<see cref="ICatalogPageGrain"/>) of at most
/// <see cref="PageSize"/> locations with their heatmaps: a change writes one page, so creating the 10,000th store
/// costs what creating the first did. Its own state is only the number of pages.
/// The one owner of locations' and heatmaps' configuration: it pushes each change to the grains concerned (and
/// links a heatmap to its location), and calls nothing that calls it back.
/// </summary>
public sealed class CatalogGrain(
    [PersistentState("catalog", StorageNames.Default)] IPersistentState<CatalogState> state,
    TimeProvider clock) : Grain, ICatalogGrain
{
    public const int PageSize = 200;

    // In creation order (the order every list answers in). Lookups by id and slug follow every change of the list
    // in the same synchronous step, so interleaved reads always see them agree.
    private List<Location> Locations { get; } = [];
    private List<Heatmap> Heatmaps { get; } = [];
    private readonly Dictionary<string, Location> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Location> _bySlug = new(StringComparer.Ordinal);
    // Where each location is stored, and every entry's creation sequence (which orders a page's entries on load).
    private readonly Dictionary<string, int> _pageOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _sequenceOf = new(StringComparer.Ordinal);
    private long _nextSequence;

    private long TenantId => this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var pages = await Task.WhenAll(Enumerable.Range(0, state.State.Pages).Select(p => PageGrain(p).ReadAsync()));
        var locations = new List<CatalogEntry<Location>>();
        var heatmaps = new List<CatalogEntry<Heatmap>>();
        for (var page = 0; page < pages.Length; page++)
        {
            foreach (var entry in pages[page].Locations)
            {
                _pageOf[entry.Item.Id] = page;
                locations.Add(entry);
            }

            heatmaps.AddRange(pages[page].Heatmaps);
        }

        foreach (var entry in locations.OrderBy(e => e.Sequence))
        {
            Locations.Add(entry.Item);
            Index(entry.Item);
            _sequenceOf[entry.Item.Id] = entry.Sequence;
        }

        foreach (var entry in heatmaps.OrderBy(e => e.Sequence))
        {
            // Heatmaps stored before they carried their floor get it from their location.
            Heatmaps.Add(entry.Item.Floor is null && FindById(entry.Item.LocationId) is { } location
                ? entry.Item with { Floor = location.FloorPlan }
                : entry.Item);
            _sequenceOf[entry.Item.Id] = entry.Sequence;
        }

        _nextSequence = _sequenceOf.Count == 0 ? 0 : _sequenceOf.Values.Max() + 1;
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
            draft.Longitude, draft.TimeZone ?? "UTC", draft.Brand,
            draft.ParentIdOrSlug is { } parent ? Require(parent, "parent_id").Id : null,
            draft.FloorPlan ?? FloorPlan.Default, draft.TrackTimeoutSeconds ?? 30, clock.GetUtcNow(), draft.Capacity);

        await GrainFactory.GetGrain<ILocationGrain>(location.Id).ConfigureAsync(location);
        var page = await PageForNewLocationAsync();
        Locations.Add(location);
        Index(location);
        _pageOf[location.Id] = page;
        _sequenceOf[location.Id] = _nextSequence++;
        await WritePageAsync(page);
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
            Capacity = patch.Capacity switch { null => current.Capacity, 0 => null, var set => set },
        };

        await GrainFactory.GetGrain<ILocationGrain>(updated.Id).ConfigureAsync(updated);
        Locations[Locations.IndexOf(current)] = updated;
        _bySlug.Remove(current.Slug);
        Index(updated);
        if (updated.FloorPlan != current.FloorPlan)
        {
            await RefloorHeatmapsAsync(updated);
        }

        await WritePageOfAsync(updated.Id);
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
        _byId.Remove(location.Id);
        _bySlug.Remove(location.Slug);
        Heatmaps.RemoveAll(h => h.LocationId == location.Id);
        var page = _pageOf[location.Id];
        _pageOf.Remove(location.Id);
        await WritePageAsync(page);

        await Task.WhenAll(heatmaps.Select(h => GrainFactory.GetGrain<IHeatmapGrain>(h.Id).RetireAsync(TenantId)));
        await GrainFactory.GetGrain<ILocationGrain>(location.Id).RetireAsync(TenantId);
    }

    public async Task<Heatmap> CreateHeatmapAsync(HeatmapDraft draft)
    {
        var location = Require(draft.LocationIdOrSlug, "location_id");
        var heatmap = new Heatmap(
            ResourceId.New("hm"), TenantId, draft.Name, location.Id, draft.Type.WireName(), draft.TimeZone ?? location.TimeZone,
            draft.RefreshIntervalSeconds, draft.CellSize, "active", clock.GetUtcNow(), location.FloorPlan);

        await GrainFactory.GetGrain<IHeatmapGrain>(heatmap.Id).ConfigureAsync(heatmap);
        await GrainFactory.GetGrain<ILocationGrain>(location.Id).FollowAsync(heatmap.Id, heatmap.HeatmapType);
        Heatmaps.Add(heatmap);
        _sequenceOf[heatmap.Id] = _nextSequence++;
        await WritePageOfAsync(heatmap.LocationId);
        return heatmap;
    }

    public Task<Heatmap> GetHeatmapAsync(string id) => Task.FromResult(RequireHeatmap(id));

    public Task<Page<Heatmap>> ListHeatmapsAsync(string? locationIdOrSlug, int limit, int offset)
    {
        // The filter is resolved first, so an unknown location is a 404 whether or not the tenant has heatmaps.
        var locationId = locationIdOrSlug is null ? null : Require(locationIdOrSlug, "location_id").Id;
        var matching = locationId is null ? Heatmaps : Heatmaps.FindAll(h => h.LocationId == locationId);
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
        await WritePageOfAsync(updated.LocationId);
        return updated;
    }

    public async Task DeleteHeatmapAsync(string id)
    {
        var heatmap = RequireHeatmap(id);
        Heatmaps.Remove(heatmap);
        await WritePageOfAsync(heatmap.LocationId);
        await GrainFactory.GetGrain<ILocationGrain>(heatmap.LocationId).UnfollowAsync(id);
        await GrainFactory.GetGrain<IHeatmapGrain>(id).RetireAsync(TenantId);
    }

    public Task<(int Locations, int Heatmaps)> CountAsync() => Task.FromResult((Locations.Count, Heatmaps.Count));

    public Task<string[]> GetLocationIdsAsync() => Task.FromResult(Locations.Select(l => l.Id).ToArray());

    private Location? FindById(string id) => _byId.GetValueOrDefault(id);

    private Location? FindBySlug(string slug) => _bySlug.GetValueOrDefault(slug);

    private void Index(Location location)
    {
        _byId[location.Id] = location;
        _bySlug[location.Slug] = location;
    }

    private ICatalogPageGrain PageGrain(int page) =>
        GrainFactory.GetGrain<ICatalogPageGrain>($"{TenantId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{page}");

    /// <summary>The last page while it has room; else a new one, counted in this grain's state before anything is put in it.</summary>
    private async Task<int> PageForNewLocationAsync()
    {
        var last = state.State.Pages - 1;
        if (last >= 0 && _pageOf.Values.Count(p => p == last) < PageSize)
        {
            return last;
        }

        state.State.Pages++;
        await state.WriteStateAsync();
        return state.State.Pages - 1;
    }

    private Task WritePageOfAsync(string locationId) => WritePageAsync(_pageOf[locationId]);

    private Task WritePageAsync(int page)
    {
        var locations = Locations.Where(l => _pageOf[l.Id] == page).ToList();
        var ids = locations.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        return PageGrain(page).WriteAsync(new CatalogPage(
            locations.Select(l => new CatalogEntry<Location>(_sequenceOf[l.Id], l)).ToArray(),
            Heatmaps.Where(h => ids.Contains(h.LocationId)).Select(h => new CatalogEntry<Heatmap>(_sequenceOf[h.Id], h)).ToArray()));
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

    /// <summary>A location's heatmaps carry its floor (their grid size): a new floor is pushed to each.</summary>
    private async Task RefloorHeatmapsAsync(Location location)
    {
        for (var i = 0; i < Heatmaps.Count; i++)
        {
            if (Heatmaps[i].LocationId == location.Id)
            {
                Heatmaps[i] = Heatmaps[i] with { Floor = location.FloorPlan };
                await GrainFactory.GetGrain<IHeatmapGrain>(Heatmaps[i].Id).ConfigureAsync(Heatmaps[i]);
            }
        }
    }
}
