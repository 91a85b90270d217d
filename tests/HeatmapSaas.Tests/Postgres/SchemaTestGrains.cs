using Orleans.Runtime;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>A visitor tally kept in ADO.NET grain storage, and reminders, to drive the providers in tests.</summary>
public interface IVisitorTallyGrain : IGrain
{
    Task<int> AddAsync(int visitors);

    Task<int> TotalAsync();

    Task ResetAsync();

    Task DeactivateAsync();

    Task StartReminderAsync(string name);

    Task<IReadOnlyList<string>> ReminderNamesAsync();

    Task<bool> HasReminderAsync(string name);

    Task StopReminderAsync(string name);
}

/// <summary>Keyed by store name: the provider's string-key shape (no N0/N1, the key in the extension column).</summary>
public interface IStoreTallyGrain : IVisitorTallyGrain, IGrainWithStringKey;

/// <summary>Keyed by location id and zone: the Guid key with an extension.</summary>
public interface IZoneTallyGrain : IVisitorTallyGrain, IGrainWithGuidCompoundKey;

/// <summary>Keyed by door number: the integer key without extension.</summary>
public interface IDoorTallyGrain : IVisitorTallyGrain, IGrainWithIntegerKey;

[GenerateSerializer]
public sealed class VisitorTally
{
    [Id(0)]
    public int Visitors { get; set; }
}

public abstract class VisitorTallyGrain(IPersistentState<VisitorTally> tally) : Grain, IVisitorTallyGrain, IRemindable
{
    /// <summary>The grain storage provider name the test silo registers ADO.NET storage under.</summary>
    public const string StorageName = "schema-tests";

    public async Task<int> AddAsync(int visitors)
    {
        tally.State.Visitors += visitors;
        await tally.WriteStateAsync();
        return tally.State.Visitors;
    }

    public Task<int> TotalAsync() => Task.FromResult(tally.State.Visitors);

    public Task ResetAsync() => tally.ClearStateAsync();

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    // Reminders never need to fire in these tests; a long due time keeps them quiet.
    public Task StartReminderAsync(string name) =>
        this.RegisterOrUpdateReminder(name, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    public async Task<IReadOnlyList<string>> ReminderNamesAsync() =>
        (await this.GetReminders()).Select(r => r.ReminderName).Order(StringComparer.Ordinal).ToList();

    public async Task<bool> HasReminderAsync(string name) => await this.GetReminder(name) is not null;

    public async Task StopReminderAsync(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}

public sealed class StoreTallyGrain([PersistentState("tally", VisitorTallyGrain.StorageName)] IPersistentState<VisitorTally> tally)
    : VisitorTallyGrain(tally), IStoreTallyGrain;

public sealed class ZoneTallyGrain([PersistentState("tally", VisitorTallyGrain.StorageName)] IPersistentState<VisitorTally> tally)
    : VisitorTallyGrain(tally), IZoneTallyGrain;

public sealed class DoorTallyGrain([PersistentState("tally", VisitorTallyGrain.StorageName)] IPersistentState<VisitorTally> tally)
    : VisitorTallyGrain(tally), IDoorTallyGrain;
