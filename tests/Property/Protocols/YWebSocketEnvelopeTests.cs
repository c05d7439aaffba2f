using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using Xunit;
using static CrdtCollab.Property.Tests.Lib0.TestValues;

namespace CrdtCollab.Property.Tests.Protocols;

/// <summary>Spec §8.3/§8.4 and the §10.9 frame vectors.</summary>
public sealed class YWebSocketEnvelopeTests
{
    private const string AnnUpdate = "01 07 01 17 7b 22 75 73 65 72 22 3a 7b 22 6e 61 6d 65 22 3a 22 61 6e 6e 22 7d 7d";

    [Fact]
    public void Frame_vectors_from_section_10_9()
    {
        Assert.Equal(ToHex(Hex("01 1b " + AnnUpdate)), ToHex(YWebSocketEnvelope.EncodeAwareness(Hex(AnnUpdate))));
        Assert.Equal("03", ToHex(YWebSocketEnvelope.EncodeQueryAwareness()));
        Assert.Equal("0200046e6f7065", ToHex(YWebSocketEnvelope.EncodePermissionDenied("nope")));
    }

    [Theory]
    [InlineData("00 00 01 00", YWebSocketMessageType.Sync)]
    [InlineData("01 00", YWebSocketMessageType.Awareness)]
    [InlineData("02 00 00", YWebSocketMessageType.Auth)]
    [InlineData("03", YWebSocketMessageType.QueryAwareness)]
    public void Reads_the_message_type(string hex, YWebSocketMessageType expected) =>
        Assert.Equal(expected, YWebSocketEnvelope.ReadMessageType(Hex(hex)));

    [Fact]
    public void Decodes_frames_and_rejects_the_wrong_or_unknown_type()
    {
        Assert.Equal("nope", YWebSocketEnvelope.DecodePermissionDenied(Hex("02 00 04 6e 6f 70 65")));
        Assert.Equal(ToHex(Hex(AnnUpdate)), ToHex(YWebSocketEnvelope.DecodeAwareness(Hex("01 1b " + AnnUpdate))));
        Assert.Contains("Unknown message type 4", Assert.Throws<UpdateFormatException>(() => YWebSocketEnvelope.ReadMessageType(Hex("04"))).Message, StringComparison.Ordinal);
        Assert.Throws<UpdateFormatException>(() => YWebSocketEnvelope.ReadMessageType([]));
        Assert.Throws<UpdateFormatException>(() => YWebSocketEnvelope.DecodeAwareness(Hex("00 00 01 00")));
        Assert.Throws<UpdateFormatException>(() => YWebSocketEnvelope.DecodePermissionDenied(Hex("02 01 00")));
        Assert.Throws<UpdateFormatException>(() => YWebSocketEnvelope.DecodePermissionDenied(Hex("02 00 05 6e")));
        Assert.Throws<UpdateFormatException>(() => YWebSocketEnvelope.DecodeAwareness(Hex("01 1c " + AnnUpdate)));
    }

    [Fact]
    public void Awareness_frames_apply_and_query_is_answered_with_all_states()
    {
        var time = new FakeTimeProvider();
        var server = new Awareness(1, time);
        server.SetLocalState(null);
        YWebSocketEnvelope.ApplyAwareness(Hex("01 1b " + AnnUpdate), server, "conn");
        Assert.Equal("{\"user\":{\"name\":\"ann\"}}", Crdt.Internal.Lib0.JsJson.Stringify(server.GetStates()[7]));
        // Only clients with a state are reported (the server's own is offline).
        Assert.Equal(ToHex(Hex("01 1b " + AnnUpdate)), ToHex(YWebSocketEnvelope.EncodeAwarenessOfAllStates(server)));
    }
}
