using System.Collections.Concurrent;
using System.Diagnostics;
using CrdtCollab.Crdt;
using CrdtCollab.Host.Observability;
using CrdtCollab.Integration.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Xunit;

namespace CrdtCollab.Integration.Tests.Observability;

/// <summary>
/// One trace per update, every stage in it (receive → validate/apply/broadcast → wait in the batch →
/// ack), and the Wolverine batch's commit span linked to every update it carried.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TraceTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Each_update_is_a_trace_with_every_stage_and_the_batch_commit_links_to_all_of_its_updates()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SyncTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        // A long flush window, so several updates share one batch.
        await using var server = await SyncServer.StartAsync(postgres, new Dictionary<string, string?> { ["Sync:FlushInterval"] = "00:00:00.200" });
        await using var client = await RawHubClient.ConnectAsync(server);
        await client.JoinAsync("traced");
        var doc = new YDoc(new YDocOptions { ClientId = 88 });
        var updates = new List<byte[]>();
        doc.UpdateV1 += (_, e) => updates.Add(e.Update);
        for (int i = 0; i < 4; i++)
        {
            doc.GetText("codemirror").Insert(0, $"{i} ");
        }
        // Sent at once, so they wait in the same flush.
        var acks = await Task.WhenAll(updates.Select(u => client.UpdateAsync("traced", u)));
        Assert.All(acks, a => Assert.True(a.Stored));
        await Assert.ThrowsAsync<HubException>(() => client.UpdateAsync("traced", [0xFF, 0xFF, 0xFF]));

        var roots = await WaitForAsync(spans, s => s.OperationName == SyncTracing.UpdateSpan && Tag(s, "crdtcollab.document.id") == "traced", 5);
        var stored = roots.Where(r => r.Status != ActivityStatusCode.Error).ToList();
        Assert.Equal(4, stored.Count);
        Assert.Equal(4, stored.Select(r => r.TraceId).Distinct().Count());
        var all = spans.ToArray();
        var batches = all.Where(s => s.OperationName == SyncTracing.BatchSpan).ToList();
        foreach (var root in stored)
        {
            Assert.Equal(default, root.ParentSpanId);
            Assert.Equal("signalr", Tag(root, "crdtcollab.transport"));
            Assert.Equal("tester", Tag(root, "user.id"));
            Assert.False(string.IsNullOrEmpty(Tag(root, "crdtcollab.connection.id")));
            Assert.Equal("True", Tag(root, "crdtcollab.update.stored"));
            Assert.Contains(root.Events, e => e.Name == "ack");
            var children = all.Where(s => s.ParentSpanId == root.SpanId && s.TraceId == root.TraceId).ToList();
            var apply = Assert.Single(children, c => c.OperationName == SyncTracing.ApplySpan);
            var wait = Assert.Single(children, c => c.OperationName == SyncTracing.CommitWaitSpan);
            // Stages in order, inside the update's span.
            Assert.True(apply.StartTimeUtc >= root.StartTimeUtc && apply.StartTimeUtc + apply.Duration <= wait.StartTimeUtc + TimeSpan.FromMilliseconds(1));
            Assert.True(wait.StartTimeUtc + wait.Duration <= root.StartTimeUtc + root.Duration + TimeSpan.FromMilliseconds(1));
            // Its batch links to its wait span.
            var batch = Assert.Single(batches, b => b.Links.Any(l => l.Context.SpanId == wait.SpanId && l.Context.TraceId == wait.TraceId));
            Assert.True(batch.StartTimeUtc >= wait.StartTimeUtc);
        }
        // At least one flush carried several of them, and said how many.
        var shared = batches.Where(b => b.Links.Count() > 1).ToList();
        Assert.NotEmpty(shared);
        Assert.All(batches.Where(b => b.Links.Any()), b => Assert.Equal(b.Links.Count().ToString(System.Globalization.CultureInfo.InvariantCulture), Tag(b, "crdtcollab.batch.size")));

        // The refused update's trace ends in an error with the reason, and never reached a batch.
        var refused = Assert.Single(roots, r => r.Status == ActivityStatusCode.Error);
        Assert.Equal("invalid-update", Tag(refused, "crdtcollab.rejection.reason"));
        Assert.DoesNotContain(all, s => s.TraceId == refused.TraceId && s.OperationName == SyncTracing.CommitWaitSpan);
    }

    private static string? Tag(Activity a, string key) => a.TagObjects.FirstOrDefault(t => t.Key == key).Value?.ToString();

    private static async Task<List<Activity>> WaitForAsync(ConcurrentQueue<Activity> spans, Func<Activity, bool> match, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = spans.Where(match).ToList();
            if (found.Count >= count || DateTime.UtcNow > deadline)
            {
                return found;
            }
            await Task.Delay(50);
        }
    }
}
