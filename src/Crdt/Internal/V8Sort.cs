namespace CrdtCollab.Crdt.Internal;

/// <summary>
/// The order V8's <c>Array.prototype.sort</c> (TimSort) produces for short arrays: one
/// natural run (reversed when it descends), then binary insertion. Yjs's merge comparator is
/// not a consistent order when an item and a GC start at the same clock, so matching Yjs byte
/// for byte means sorting the way V8 does, not merely stably. Arrays of 64 or more take
/// V8's run-merging path, which this does not reproduce; they are sorted the same way,
/// which only differs from V8 for such ties.
/// </summary>
internal static class V8Sort
{
    public static void Sort<T>(List<T> items, Func<T, T, int> compare)
    {
        int n = items.Count;
        if (n < 2)
        {
            return;
        }
        int run = CountAndMakeRun(items, compare);
        for (int start = run; start < n; start++)
        {
            var pivot = items[start];
            int left = 0;
            int right = start;
            while (left < right)
            {
                int mid = left + ((right - left) >> 1);
                if (compare(pivot, items[mid]) < 0)
                {
                    right = mid;
                }
                else
                {
                    left = mid + 1;
                }
            }
            for (int p = start; p > left; p--)
            {
                items[p] = items[p - 1];
            }
            items[left] = pivot;
        }
    }

    private static int CountAndMakeRun<T>(List<T> items, Func<T, T, int> compare)
    {
        int n = items.Count;
        int runLength = 2;
        bool descending = compare(items[1], items[0]) < 0;
        var previous = items[1];
        for (int i = 2; i < n; i++)
        {
            var current = items[i];
            int order = compare(current, previous);
            if (descending ? order >= 0 : order < 0)
            {
                break;
            }
            previous = current;
            runLength++;
        }
        if (descending)
        {
            items.Reverse(0, runLength);
        }
        return runLength;
    }
}
