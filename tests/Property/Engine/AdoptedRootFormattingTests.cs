using CrdtCollab.Crdt;
using Xunit;

namespace CrdtCollab.Property.Tests.Engine;

/// <summary>
/// Regression: formatted text that arrived while its root was still untyped (no GetText yet) left
/// the text thinking it had no formatting, so a later local delete took the plain path and skipped
/// yjs's formatting-gap clean-up, and the next formatted insert landed before the stale markers
/// (found by UndoDifferentialTests, seed 5165). Typed before or after, the edits must be the same.
/// </summary>
public sealed class AdoptedRootFormattingTests
{
    [Fact]
    public void A_text_typed_after_formatted_content_arrived_edits_like_one_typed_before()
    {
        var remote = new YDoc(new YDocOptions { ClientId = 2 });
        remote.GetText("text").Insert(0, "b", new Dictionary<string, object?> { ["italic"] = true, ["color"] = "#0f0" });
        var update = remote.EncodeStateAsUpdate();

        byte[] Edit(bool typedFirst)
        {
            var doc = new YDoc(new YDocOptions { ClientId = 1 });
            if (typedFirst)
            {
                doc.GetText("text");
            }

            doc.ApplyUpdate(update);
            var text = doc.GetText("text");
            doc.Transact(_ =>
            {
                text.Delete(0, 1);
                text.Insert(0, "bé", new Dictionary<string, object?> { ["bold"] = true });
            });
            return doc.EncodeStateAsUpdate();
        }

        Assert.Equal(Hex.Of(Edit(typedFirst: true)), Hex.Of(Edit(typedFirst: false)));
    }
}
