using HeatmapSaas.Live;
using Orleans.Utilities;

namespace HeatmapSaas.Grains.Live;

/// <summary>
/// A grain's live audience: its observers and a push timer that runs only while someone watches and something
/// changed. The grain marks changes; the timer pushes what <c>build</c> makes of them, then stops when idle.
/// </summary>
public sealed class LivePush(Grain grain, LiveOptions options, Microsoft.Extensions.Logging.ILogger logger)
{
    private readonly ObserverManager<ILiveObserver> _observers = new(options.ObserverExpiry, logger);
    private IGrainTimer? _timer;
    private bool _changed;

    public bool HasObservers => _observers.Count > 0;

    public void Subscribe(ILiveObserver observer) => _observers.Subscribe(observer, observer);

    public void Unsubscribe(ILiveObserver observer) => _observers.Unsubscribe(observer);

    /// <summary>Something changed: make sure a push follows within one interval (if anyone watches).</summary>
    public void MarkChanged(Func<Action<ILiveObserver>?> build)
    {
        if (!HasObservers)
        {
            return;
        }

        _changed = true;
        _timer ??= grain.RegisterGrainTimer(_ =>
        {
            _observers.ClearExpired();
            if (!_changed || !HasObservers)
            {
                // Nothing to say, or nobody to say it to: the timer stops until the next change.
                _timer?.Dispose();
                _timer = null;
                return Task.CompletedTask;
            }

            _changed = false;
            if (build() is { } push)
            {
                _observers.Notify(push);
            }

            return Task.CompletedTask;
        }, options.PushInterval, options.PushInterval);
    }
}
