using System.Numerics;
using CrdtCollab.Progress.Domain;

namespace CrdtCollab.Progress.Documents;

/// <summary>
/// Turns a raw value from a drawing document into a milestone value, or rejects it. This is the one
/// rule the bridge and every recomputation share.
/// </summary>
/// <remarks>
/// Absent (null) is 0: deleting a key resets the milestone. A number must be finite and within
/// 0–100; a checkbox milestone takes only 0 or 100, and also accepts <c>true</c>/<c>false</c> (what a
/// checkbox naturally writes). Anything else (text, NaN, −5, 250, 40 on a checkbox, a nested map) is
/// rejected: the bridge emits no event for it, counts it, and the milestone keeps its last valid value.
/// </remarks>
public static class MilestoneValues
{
    /// <summary>The value of a milestone that has none.</summary>
    public const double Absent = 0;

    /// <summary>The value of a completed milestone.</summary>
    public const double Complete = 100;

    /// <summary>Whether <paramref name="raw"/> is a valid value for a milestone of <paramref name="kind"/>; the value when it is.</summary>
    public static bool TryRead(object? raw, MilestoneKind kind, out double value)
    {
        value = Absent;
        switch (raw)
        {
            case null:
                return true;
            case bool b when kind == MilestoneKind.Checkbox:
                value = b ? Complete : Absent;
                return true;
            case int or long or short or sbyte or byte or uint or ulong or ushort or float or double or decimal or BigInteger:
                var number = raw is BigInteger big ? (double)big : Convert.ToDouble(raw, System.Globalization.CultureInfo.InvariantCulture);
                if (!double.IsFinite(number) || number < Absent || number > Complete)
                {
                    return false;
                }
                if (kind == MilestoneKind.Checkbox && number != Absent && number != Complete)
                {
                    return false;
                }
                value = number;
                return true;
            default:
                return false;
        }
    }
}
