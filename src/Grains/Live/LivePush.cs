using System.Diagnostics;
using HeatmapSaas.Live;
using Orleans.Utilities;

namespace HeatmapSaas.Grains.Live;

/// <summary>
/// A grain's live audience: its observers and a push timer that runs only while someone watches and something
/// changed. The first change after a quiet spell is pushed at once; what follows is coalesced into at most one push
/// per interval by the timer, which stops at its first tick with nothing new.
/// </summary>
public sealed class LivePush(Grain grain, LiveOptions options, Microsoft.Extensions.Logging.ILogger logger)
{
    private readonly ObserverManager<ILiveObserver> _observers = new(options.ObserverExpiry, logger);
    private IGrainTimer? _timer;
    private bool _changed;
    private long _oldestChange; // Stopwatch timestamp of the oldest change not pushed yet; 0: none

    public bool HasObservers => _observers.Count > 0;

    public void Subscribe(ILiveObserver observer) => _observers.Subscribe(observer, observer);

    public void Unsubscribe(ILiveObserver observer) => _observers.Unsubscribe(observer);

    /// <summary>Something changed (and the grain's state already shows it): push now, or within one interval.</summary>
    public void MarkChanged(Func<Action<ILiveObserver>?> build)
    {
        if (!HasObservers)
        {
            return;
        }

        if (_oldestChange == 0)
        {
            _oldestChange = Stopwatch.GetTimestamp();
        }

        if (_timer is not null)
        {
            _changed = true;
            return;
        }

        // No timer means no push for at least one interval: this one may go now, and the timer holds back the next.
        // A gateway posting about once a second would otherwise wait a whole interval for every push.
        Push(build);
        _timer = grain.RegisterGrainTimer(_ =>
        {
            _observers.ClearExpired();
            if (!_changed || !HasObservers)
            {
                // Nothing new, or nobody left to tell: stop until the next change, and forget what nobody will see.
                _timer?.Dispose();
                _timer = null;
                _changed = false;
                _oldestChange = 0;
                return Task.CompletedTask;
            }

            _changed = false;
            Push(build);
            return Task.CompletedTask;
        }, options.PushInterval, options.PushInterval);
    }

    private void Push(Func<Action<ILiveObserver>?> build)
    {
        if (build() is { } push)
        {
            _observers.Notify(push);
            LiveMetrics.PushDelaySeconds.Record(Stopwatch.GetElapsedTime(_oldestChange).TotalSeconds);
        }

        _oldestChange = 0;
    }
}
