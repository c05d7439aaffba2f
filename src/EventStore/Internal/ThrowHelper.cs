using System.Globalization;
using Npgsql;

namespace CrdtCollab.EventStore.Internal;

/// <summary>Turns the append function's custom SQLSTATEs into the store's typed exceptions.</summary>
internal static class ThrowHelper
{
    // Raised by append_events; see Migrations.
    public const string ConcurrencyState = "CS001";
    public const string IdempotencyState = "CS002";

    public static Exception Translate(PostgresException exception)
    {
        switch (exception.SqlState)
        {
            case ConcurrencyState:
                var parts = (exception.Detail ?? string.Empty).Split(' ');
                if (parts.Length == 3
                    && Guid.TryParse(parts[0], out var stream)
                    && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var expected)
                    && long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var actual))
                {
                    return new ConcurrencyException(stream, ExpectedVersion.FromValue(expected), actual, exception);
                }
                return new ConcurrencyException(exception.MessageText, exception);
            case IdempotencyState:
                return new IdempotencyConflictException(Guid.TryParse(exception.Detail, out var s) ? s : Guid.Empty, exception);
            default:
                return exception;
        }
    }
}
