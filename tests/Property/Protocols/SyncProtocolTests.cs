using CrdtCollab.Crdt;
using CrdtCollab.Crdt.Protocols;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static CrdtCollab.Property.Tests.Lib0.TestValues;

namespace CrdtCollab.Property.Tests.Protocols;

/// <summary>Spec §8.1 and the §10.8 sync vectors, bare and inside the y-websocket envelope.</summary>
public sealed class SyncProtocolTests
{
    private const string StateVectorOf101 = "01 01 03";
    private const string UpdateDe = "01 01 02 00 84 01 02 02 64 65 00";
    private const string UpdateZ = "01 01 01 03 44 01 00 01 5a 00";

    /// <summary>Records what the protocol asks of the document.</summary>
    private sealed class RecordingDocument : ISyncDocument
    {
        public List<(byte[] Update, object? Origin)> Applied { get; } = [];

        public byte[]? LastStateVector { get; private set; }

        public byte[] StateVector { get; init; } = Hex(StateVectorOf101);

        public byte[] Answer { get; init; } = Hex(UpdateDe);

        public byte[] EncodeStateVector() => StateVector;

        public byte[] EncodeStateAsUpdate(ReadOnlySpan<byte> stateVector)
        {
            LastStateVector = stateVector.ToArray();
            return Answer;
        }

        public void ApplyUpdate(ReadOnlySpan<byte> update, object? origin) => Applied.Add((update.ToArray(), origin));
    }

    [Fact]
    public void Envelope_vectors_from_section_10_8()
    {
        Assert.Equal("000003010103", ToHex(YWebSocketEnvelope.EncodeSyncStep1(Hex(StateVectorOf101))));
        Assert.Equal("00000100", ToHex(YWebSocketEnvelope.EncodeSyncStep1(Hex("00"))));
        Assert.Equal(ToHex(Hex("00 01 0b " + UpdateDe)), ToHex(YWebSocketEnvelope.EncodeSyncStep2(Hex(UpdateDe))));
        Assert.Equal(ToHex(Hex("00 02 0a " + UpdateZ)), ToHex(YWebSocketEnvelope.EncodeUpdate(Hex(UpdateZ))));
        Assert.Equal("000003010103", ToHex(YWebSocketEnvelope.EncodeSync(SyncProtocol.EncodeSyncStep1(Hex(StateVectorOf101)))));
    }

    [Fact]
    public void Bare_messages_encode_and_decode()
    {
        Assert.Equal("0003010103", ToHex(SyncProtocol.EncodeSyncStep1(Hex(StateVectorOf101))));
        Assert.Equal("0003010103", ToHex(SyncProtocol.EncodeSyncStep1(new RecordingDocument())));
        Assert.Equal(ToHex(Hex("01 0b " + UpdateDe)), ToHex(SyncProtocol.EncodeSyncStep2(Hex(UpdateDe))));
        Assert.Equal(ToHex(Hex("02 0a " + UpdateZ)), ToHex(SyncProtocol.EncodeUpdate(Hex(UpdateZ))));

        var m = SyncProtocol.Decode(Hex("02 0a " + UpdateZ + " ff"), out int consumed);
        Assert.Equal(SyncMessageType.Update, m.Type);
        Assert.Equal(ToHex(Hex(UpdateZ)), ToHex(m.Payload));
        Assert.Equal(12, consumed);

        var framed = YWebSocketEnvelope.DecodeSync(Hex("00 01 0b " + UpdateDe));
        Assert.Equal(SyncMessageType.SyncStep2, framed.Type);
        Assert.Equal(ToHex(Hex(UpdateDe)), ToHex(framed.Payload));
    }

    [Theory]
    [InlineData("03 00", "Unknown message type 3")]
    [InlineData("80 01 00", "Unknown message type 128")]
    [InlineData("", "end of input")]
    [InlineData("00", "end of input")]
    [InlineData("00 05 01 02", "exceeds")]
    public void Malformed_messages_throw_UpdateFormatException(string hex, string expected)
    {
        var e = Assert.Throws<UpdateFormatException>(() => SyncProtocol.Decode(Hex(hex)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SyncStep1_is_answered_with_SyncStep2_from_the_received_state_vector()
    {
        var doc = new RecordingDocument();
        var reply = SyncProtocol.ReadSyncMessage(Hex("00 03 " + StateVectorOf101), doc, "conn");
        Assert.Equal(ToHex(Hex("01 0b " + UpdateDe)), ToHex(reply));
        Assert.Equal(ToHex(Hex(StateVectorOf101)), ToHex(doc.LastStateVector));
        Assert.Empty(doc.Applied);

        var framedReply = YWebSocketEnvelope.HandleSync(Hex("00 00 03 " + StateVectorOf101), doc, "conn");
        Assert.Equal(ToHex(Hex("00 01 0b " + UpdateDe)), ToHex(framedReply));
    }

    [Theory]
    [InlineData("01 01 05")]
    [InlineData("02 02 04 01 07")]
    [InlineData("00")]
    public void SyncStep1_is_answered_against_the_received_state_vector_when_ours_differs(string ours)
    {
        // Our document is ahead of (or beside) the peer: answering against our own vector would
        // send the peer nothing it lacks.
        var doc = new RecordingDocument { StateVector = Hex(ours) };
        Assert.Equal(ToHex(SyncProtocol.EncodeSyncStep1(Hex(ours))), ToHex(SyncProtocol.EncodeSyncStep1(doc)));

        SyncProtocol.ReadSyncMessage(Hex("00 03 " + StateVectorOf101), doc, "conn");
        Assert.Equal(ToHex(Hex(StateVectorOf101)), ToHex(doc.LastStateVector));

        YWebSocketEnvelope.HandleSync(Hex("00 00 01 00"), doc, "conn");
        Assert.Equal("00", ToHex(doc.LastStateVector));
    }

    [Fact]
    public void A_peer_that_is_behind_receives_exactly_what_it_lacks_in_the_SyncStep2_reply()
    {
        var server = new YDoc(new YDocOptions { ClientId = 1 });
        var peer = new YDoc(new YDocOptions { ClientId = 2 });
        server.Transact(_ => server.GetText("t").Insert(0, "abc"));
        peer.ApplyUpdate(server.EncodeStateAsUpdate());
        server.Transact(_ => server.GetText("t").Insert(3, "def"));
        peer.Transact(_ => peer.GetText("t").Insert(0, ">"));
        Assert.NotEqual(ToHex(server.EncodeStateVector()), ToHex(peer.EncodeStateVector()));

        var reply = SyncProtocol.ReadSyncMessage(SyncProtocol.EncodeSyncStep1(peer), server, "peer");

        Assert.NotNull(reply);
        Assert.Null(SyncProtocol.ReadSyncMessage(reply, peer, "server"));
        Assert.Equal(">abcdef", peer.GetText("t").ToString());
        // The server learns the peer's edit from the peer's answer to the server's own SyncStep1.
        Assert.Null(SyncProtocol.ReadSyncMessage(SyncProtocol.ReadSyncMessage(SyncProtocol.EncodeSyncStep1(server), peer, "server")!, server, "peer"));
        Assert.Equal(">abcdef", server.GetText("t").ToString());
    }

    [Fact]
    public void SyncStep2_and_Update_are_applied_with_the_origin_and_need_no_reply()
    {
        var doc = new RecordingDocument();
        var origin = new object();
        Assert.Null(SyncProtocol.ReadSyncMessage(Hex("01 0b " + UpdateDe), doc, origin));
        Assert.Null(YWebSocketEnvelope.HandleSync(Hex("00 02 0a " + UpdateZ), doc, origin));
        Assert.Equal(2, doc.Applied.Count);
        Assert.Equal(ToHex(Hex(UpdateDe)), ToHex(doc.Applied[0].Update));
        Assert.Equal(ToHex(Hex(UpdateZ)), ToHex(doc.Applied[1].Update));
        Assert.Same(origin, doc.Applied[1].Origin);
    }

    [Fact]
    public void A_malformed_message_reaches_no_document()
    {
        var doc = new RecordingDocument();
        Assert.Throws<UpdateFormatException>(() => SyncProtocol.ReadSyncMessage(Hex("02 0b 01"), doc, null));
        Assert.Throws<UpdateFormatException>(() => SyncProtocol.ReadSyncMessage(Hex("07 00"), doc, null));
        Assert.Throws<UpdateFormatException>(() => YWebSocketEnvelope.HandleSync(Hex("01 00"), doc, null));
        Assert.Empty(doc.Applied);
        Assert.Null(doc.LastStateVector);
    }

    [CrdtProperty(300, RandomInCi = true)]
    public FsCheck.Property Random_payloads_round_trip_for_every_type()
    {
        var gen = Gen.Choose(0, 2).Zip(Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf());
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var type = (SyncMessageType)t.Item1;
            var bytes = SyncProtocol.Encode(type, t.Item2);
            var m = SyncProtocol.Decode(bytes, out int consumed);
            var framed = YWebSocketEnvelope.DecodeSync(YWebSocketEnvelope.EncodeSync(bytes));
            return m.Type == type && consumed == bytes.Length && m.Payload.AsSpan().SequenceEqual(t.Item2)
                && framed.Type == type && framed.Payload.AsSpan().SequenceEqual(t.Item2);
        });
    }

    [CrdtProperty(500, RandomInCi = true)]
    public FsCheck.Property Truncated_messages_only_ever_throw_UpdateFormatException()
    {
        var gen = Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf();
        return Prop.ForAll(gen.ToArbitrary(), input =>
        {
            try
            {
                _ = SyncProtocol.ReadSyncMessage(input, new RecordingDocument(), null);
            }
            catch (UpdateFormatException)
            {
            }
            return true;
        });
    }
}
