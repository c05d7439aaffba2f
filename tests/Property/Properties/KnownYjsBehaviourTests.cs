using Xunit;

namespace CrdtCollab.Property.Tests.Properties;

/// <summary>
/// Places where the properties deliberately step around a behaviour that real Yjs has too. Each
/// test pins the engine to what yjs 13.6.33 does (bytes printed by node), so the exclusion in
/// the generators is visible and cannot hide a change.
/// </summary>
public sealed class KnownYjsBehaviourTests
{
    [Fact]
    public void Formatting_half_a_surrogate_pair_without_a_change_splits_it_locally_only_like_yjs()
    {
        // Found by the convergence property (shrunk): client 577797180 types "😀", then formats
        // [1, 2) with {italic: null}, which changes nothing and so emits no update. The local
        // split still replaces both halves with U+FFFD (§3.7), so the peers differ — exactly as
        // in yjs: a = "\ufffd\ufffd", b = "😀". ScriptGen therefore keeps formats on whole pairs.
        var a = new YDoc(new YDocOptions { ClientId = 577797180 });
        var b = new YDoc(new YDocOptions { ClientId = 4 });
        a.UpdateV1 += (_, e) => b.ApplyUpdate(e.Update);
        a.GetText("text").Insert(0, "😀");
        a.GetText("text").Format(1, 1, new Dictionary<string, object?> { ["italic"] = null });

        Assert.Equal("\ufffd\ufffd", a.GetText("text").ToString());
        Assert.Equal("😀", b.GetText("text").ToString());
        Assert.Equal("0101bcf8c19302000401047465787406efbfbdefbfbd00", Check2.Hex(a.EncodeStateAsUpdate()));
        Assert.Equal("0101bcf8c19302000401047465787404f09f988000", Check2.Hex(b.EncodeStateAsUpdate()));
    }
}
