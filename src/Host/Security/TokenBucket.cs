namespace CrdtCollab.Host.Security;

/// <summary>
/// A token bucket: <c>rate</c> tokens a second, at most <c>burst</c> saved up. Not thread-safe
/// on its own; each connection's messages are handled one at a time, and the lock makes a
/// concurrent hub invocation safe.
/// </summary>
internal sealed class TokenBucket
{
    private readonly object _gate = new();
    private readonly double _rate;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _last;

    public TokenBucket(double ratePerSecond, double burst, TimeProvider time)
    {
        _rate = ratePerSecond;
        _burst = burst;
        _time = time;
        _tokens = burst;
        _last = time.GetTimestamp();
    }

    public bool TryTake()
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + _time.GetElapsedTime(_last, now).TotalSeconds * _rate);
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens -= 1;
            return true;
        }
    }
}
