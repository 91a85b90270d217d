namespace HeatmapSaas.Grains;

/// <summary>Registered with the memory storage providers: grain state that ends with the process.</summary>
public sealed class VolatileGrainState;

/// <summary>
/// Whether a grain's last write as it deactivates is worth making. Not when the silo is shutting down over memory
/// storage: the state ends with the process anyway, and the storage grains it would write to may already be gone
/// (which made every Ctrl+C print pages of failed writes).
/// </summary>
public static class ShutdownWrites
{
    public static bool Pointless(IServiceProvider services, DeactivationReason reason) =>
        reason.ReasonCode == DeactivationReasonCode.ShuttingDown && services.GetService(typeof(VolatileGrainState)) is not null;
}
