using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Types;
using Xunit;

namespace CrdtCollab.Property.Tests.Engine;

/// <summary>
/// UndoManager behaviour the differential suite (which compares states with yjs's for random
/// sequences) does not isolate: the capture timeout on an injected clock, tracked origins,
/// scope, stack-item metadata through the added/popped events, and Clear.
/// </summary>
public sealed class UndoManagerTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Changes_within_the_capture_timeout_undo_together()
    {
        var clock = new ManualClock();
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var text = doc.GetText("t");
        var um = new UndoManager(text, new UndoManagerOptions { TimeProvider = clock });
        text.Insert(0, "a");
        clock.Now += TimeSpan.FromMilliseconds(499);
        text.Insert(1, "b");
        clock.Now += TimeSpan.FromMilliseconds(500);
        text.Insert(2, "c");
        Assert.Equal(2, um.UndoStack.Count);
        um.Undo();
        Assert.Equal("ab", text.ToString());
        um.Undo();
        Assert.Equal("", text.ToString());
        um.Redo();
        um.Redo();
        Assert.Equal("abc", text.ToString());
    }

    [Fact]
    public void StopCapturing_starts_a_new_stack_item_within_the_timeout()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var map = doc.GetMap("m");
        var um = new UndoManager(map, new UndoManagerOptions { TimeProvider = new ManualClock() });
        map.Set("k", 1);
        um.StopCapturing();
        map.Set("k", 2);
        um.Undo();
        Assert.Equal(1, map.Get("k"));
        um.Undo();
        Assert.False(map.ContainsKey("k"));
        um.Redo();
        Assert.Equal(1, map.Get("k"));
    }

    [Fact]
    public void Only_tracked_origins_and_types_in_scope_are_captured()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var text = doc.GetText("t");
        var other = doc.GetArray("a");
        var um = new UndoManager(text, new UndoManagerOptions { TimeProvider = new ManualClock() });
        doc.Transact(_ => text.Insert(0, "remote-ish"), "sync");
        other.Push(1);
        Assert.False(um.CanUndo);
        um.AddTrackedOrigin("sync");
        doc.Transact(_ => text.Insert(0, "x"), "sync");
        um.AddTrackedOrigin(typeof(Uri));
        um.StopCapturing();
        doc.Transact(_ => text.Insert(0, "y"), new Uri("https://origin.example"));
        Assert.Equal(2, um.UndoStack.Count);
        um.Undo();
        um.Undo();
        Assert.Equal("remote-ish", text.ToString());
        Assert.Equal(1, other.Length);
    }

    [Fact]
    public void Stack_item_metadata_travels_from_added_to_popped()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var text = doc.GetText("t");
        var um = new UndoManager(text, new UndoManagerOptions { TimeProvider = new ManualClock() });
        um.StackItemAdded += (_, e) => e.StackItem.Meta["cursor"] = text.Length;
        var popped = new List<(UndoStackKind Kind, object? Cursor, bool ChangedText)>();
        um.StackItemPopped += (_, e) => popped.Add((e.Kind, e.StackItem.Meta.GetValueOrDefault("cursor"), e.ChangedParentTypes.Contains(text)));
        text.Insert(0, "hello");
        um.Undo();
        um.Redo();
        Assert.Equal([(UndoStackKind.Undo, (object?)5, true), (UndoStackKind.Redo, 0, true)], popped);
    }

    [Fact]
    public void Undo_restores_formatting_and_nested_types()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var text = doc.GetText("t");
        var map = doc.GetMap("m");
        text.Insert(0, "bold");
        var inner = new YArray();
        map.Set("list", inner);
        inner.Push("a", "b");
        var um = new UndoManager([text, map], new UndoManagerOptions { TimeProvider = new ManualClock() });
        text.Format(0, 4, new Dictionary<string, object?> { ["bold"] = true });
        um.StopCapturing();
        map.Delete("list");
        um.Undo();
        var restored = Assert.IsType<YArray>(map.Get("list"));
        Assert.Equal(["a", "b"], restored.ToArray());
        um.Undo();
        Assert.Null(Assert.Single(text.ToDelta()).Attributes);
        um.Redo();
        Assert.Equal(true, Assert.Single(text.ToDelta()).Attributes!["bold"]);
    }

    [Fact]
    public void Clear_empties_the_stacks_and_a_new_change_clears_redo()
    {
        var doc = new YDoc(new YDocOptions { ClientId = 1 });
        var text = doc.GetText("t");
        var um = new UndoManager(text, new UndoManagerOptions { TimeProvider = new ManualClock() });
        var cleared = new List<(bool, bool)>();
        um.StackCleared += (_, e) => cleared.Add(e);
        text.Insert(0, "a");
        um.Undo();
        Assert.True(um.CanRedo);
        text.Insert(0, "b");
        Assert.False(um.CanRedo);
        um.Clear();
        Assert.False(um.CanUndo);
        Assert.Equal([(false, true), (true, true)], cleared);
        um.Dispose();
        text.Insert(0, "c");
        Assert.False(um.CanUndo);
    }
}
