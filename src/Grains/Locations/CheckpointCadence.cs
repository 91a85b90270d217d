namespace HeatmapSaas.Grains.Locations;

/// <summary>
/// When a location checkpoints. After <see cref="IngestOptions.CheckpointEveryBatches"/> batches, or once
/// <see cref="IngestOptions.CheckpointInterval"/> has passed with anything uncheckpointed, whichever comes first; so
/// a store writes its state at most once per interval however often it sends, and a store that sends rarely writes
/// rarely (an idle one never). Both thresholds are drawn afresh after every checkpoint, up to
/// <see cref="IngestOptions.CheckpointJitter"/> below the setting, so stores that started together (a silo's restart,
/// a fleet's gateways on one schedule) drift apart instead of all writing in the same second. Whatever happens, a
/// crash replays at most the configured batches and interval of the log.
/// </summary>
public sealed class CheckpointCadence
{
    private readonly IngestOptions _options;
    private readonly Random _random;
    private DateTimeOffset _last;
    private int _batchesDue;
    private TimeSpan _intervalDue;
    private DateTimeOffset _cleanDue;

    public CheckpointCadence(IngestOptions options, DateTimeOffset now, Random? random = null)
    {
        _options = options;
        _random = random ?? Random.Shared;
        Checkpointed(now);
        // The first round's interval and cleaning are a random share of the whole: a silo's locations all activate
        // together after a restart, and would otherwise keep writing together.
        _intervalDue = _options.CheckpointInterval * _random.NextDouble();
        _cleanDue = now + _options.LogCleanInterval * _random.NextDouble();
    }

    /// <summary>After an accepted batch: whether the uncheckpointed count has reached this round's threshold.</summary>
    public bool DueAfterBatch(int uncheckpointed) => uncheckpointed >= _batchesDue;

    /// <summary>On a tick: whether something waits and this round's interval has passed.</summary>
    public bool DueByTime(int uncheckpointed, DateTimeOffset now) => uncheckpointed > 0 && now - _last >= _intervalDue;

    /// <summary>A checkpoint was written: the next round's thresholds.</summary>
    public void Checkpointed(DateTimeOffset now)
    {
        _last = now;
        var jitter = Math.Clamp(_options.CheckpointJitter, 0, 0.9);
        var batches = Math.Max(1, _options.CheckpointEveryBatches);
        _batchesDue = Math.Max(1, batches - (int)(batches * jitter * _random.NextDouble()));
        _intervalDue = _options.CheckpointInterval * (1 - jitter * _random.NextDouble());
    }

    /// <summary>
    /// Whether this checkpoint also runs the log's cleaner: it only deletes rows past the dedupe window (days), so
    /// once per <see cref="IngestOptions.LogCleanInterval"/> is as good as every checkpoint, at a fraction of the statements.
    /// </summary>
    public bool CleanDue(DateTimeOffset now)
    {
        if (now < _cleanDue)
        {
            return false;
        }

        _cleanDue = now + _options.LogCleanInterval;
        return true;
    }
}
