using CrdtCollab.EventStore;
using Npgsql;

namespace CrdtCollab.Integration.Tests;

/// <summary>Helpers shared by the test classes: a fresh schema per store, event builders, waiting.</summary>
internal static class TestSchema
{
    private static int s_counter;

    public static string NewName(string prefix) => $"{prefix}_{Interlocked.Increment(ref s_counter)}_{Environment.ProcessId}";

    public static async Task<PostgresEventStore> NewStoreAsync(NpgsqlDataSource dataSource, string prefix, Func<EventStoreOptions, EventStoreOptions>? configure = null)
    {
        var options = new EventStoreOptions { Schema = NewName(prefix) };
        if (configure is not null)
        {
            options = configure(options);
        }
        var store = new PostgresEventStore(dataSource, options);
        await store.MigrateAsync();
        return store;
    }

    public static EventData Update(int seed, Guid? updateId = null) =>
        new("update", Payload(seed)) { UpdateId = updateId };

    public static byte[] Payload(int seed)
    {
        var bytes = new byte[32];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static AppendRequest Request(Guid stream, ExpectedVersion expected, params EventData[] events) =>
        new(stream, expected, events);

    /// <summary>Polls a condition until it holds; fails after a generous timeout. Never a fixed sleep.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for: " + what);
            }
            await Task.Delay(10);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what, int timeoutSeconds = 60) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeoutSeconds);

    public static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
