using Xunit;

namespace CrdtCollab.Property.Tests.Properties;

/// <summary>Focused cases the damaged-update property found, kept as regressions.</summary>
public sealed class HostileInputRegressionTests
{
    /// <summary>Applies <paramref name="hostile"/> to a doc built from <paramref name="baseState"/>; it must be rejected without change or leave a doc whose own state re-creates it.</summary>
    private static void RejectedOrConsistent(string baseState, string hostile)
    {
        var doc = SessionRunner.NewDoc(gc: true, 5);
        doc.ApplyUpdate(Convert.FromHexString(baseState));
        var before = DocState.Of(doc);
        try
        {
            doc.ApplyUpdate(Convert.FromHexString(hostile));
        }
        catch (UpdateFormatException)
        {
            Check2.Same(before, DocState.Of(doc), "rejected update changed the doc");
            return;
        }
        var fresh = SessionRunner.NewDoc(gc: true, 6);
        fresh.ApplyUpdate(doc.EncodeStateAsUpdate());
        Assert.Equal(CanonicalJson.Of(doc.ToJson()), CanonicalJson.Of(fresh.ToJson()));
        Check2.StateVectorCovers(fresh.EncodeStateVector(), doc.EncodeStateVector(), "fresh doc fed the doc's state");
    }

    [Fact]
    public void An_overlapping_struct_trimmed_past_its_origin_does_not_link_into_another_parent()
    {
        // Client 3 has typed "ab" (3:0-1) into root text and set map.k = 1 (3:2). The hostile
        // update re-sends 3:1-3 as a String "XYZ" with origin 3:0. The receiver already has
        // clocks up to 3, so it integrates only "Z" (3:3) from offset 2; its left becomes
        // 3:2 — the map entry — while its parent was resolved from the origin (root text).
        // The doc then shows map.k = 1 but encodes an item that re-parents to map.k: a fresh
        // doc fed its state shows map.k = "Z". (yjs 13.6.33 does the same; it does not
        // validate, we must: reject the struct, or integrate it consistently.)
        RejectedOrConsistent(
            "01020300040104746578740261622801036d6170016b017d0100",
            "010103018403000358595a00");
    }

    [Fact]
    public void A_struct_overlapping_known_clocks_keeps_the_parent_of_its_new_left()
    {
        // Found by the damaged-update property (Decrement of the client byte). Client 0 owns
        // map.k2 = 1 (0:0). The hostile update sends 0:0-2 as "éxy" with root text as parent;
        // only "xy" (0:1-2) is new and gets left = 0:0, the map entry, with parent root text.
        // The doc shows text "" while its own state re-creates "xy" as map.k2.
        RejectedOrConsistent("010100002801036d6170026b32017d0100", "010100000401047465787404c3a9787900");
    }

    [Fact]
    public void Items_whose_right_origin_is_not_right_of_their_origin_do_not_diverge_on_reencoding()
    {
        // Found by the damaged-update property (FlipBit in a clock). Client 1149751931's items:
        // 0 "x"; 1 "y" after 0; 2 "\nx" with origin 1 and right origin 1; 4 "yb" origin 3,
        // right origin 1; 6 "éé😀" origin 3, right origin 4. Honest peers never send a right
        // origin at or left of the origin. The doc reads "xy\nxéé😀yb", a fresh doc fed its
        // state reads "x\nxéé😀yby" (yjs 13.6.33 prints the same pair): the order depends on
        // integration history. Reject such items, or integrate them reproducibly.
        RejectedOrConsistent("0000", "0105fba49fa4040004010474657874017884fba49fa404000179c4fba49fa40401fba49fa40401020a78c4fba49fa40403fba49fa40401027962c4fba49fa40403fba49fa4040408c3a9c3a9f09f988000");
    }

    [Fact]
    public void Format_and_text_items_with_crossed_origins_do_not_diverge_on_reencoding()
    {
        // Found by the damaged-update property (Increment of a clock). Client 2: 0 "😀" in
        // root text; 2 "c" after 1; 3 "bé" with right origin 0; 5 a YText at map.k1; 6 "cxy"
        // inside it; 9 italic marker with origin 2 and right origin 2; 10 "中文" origin 9,
        // right origin 2; 12 marker origin 11, right origin 2. Doc text "bé😀c中文", a fresh
        // doc fed its state "bé😀中文c" (yjs prints the same pair).
        RejectedOrConsistent("0000", "010802000401047465787404f09f988084020101634402000362c3a92701036d6170026b31020400020503637879c602020202066974616c69630474727565c40209020206e4b8ade69687c6020b0202066974616c6963046e756c6c00");
    }

    [Fact]
    public void A_bigint_value_from_a_peer_does_not_make_ToJson_throw()
    {
        // Found by the damaged-update property (a byte became the bigint tag 7a). A JS peer can
        // send this honestly: map.set("k", 1n) is valid Yjs (Any tag 7a, §1.6). The update
        // applies, and then doc.ToJson() throws ArgumentException ("Do not know how to
        // serialize a BigInt"), so one peer can break every ToJson/projection of the document.
        var doc = SessionRunner.NewDoc(gc: true, 5);
        doc.ApplyUpdate(Convert.FromHexString("01010100280103" + "6d6170" + "016b" + "01" + "7a0000000000000001" + "00"));
        Assert.True(doc.GetMap("map").ContainsKey("k"));
        _ = doc.ToJson();
        _ = doc.GetMap("map").ToJson();
    }

    [Fact]
    public void A_format_item_as_a_map_value_does_not_make_ToJson_throw()
    {
        // Found by the damaged-update property: a chain of items whose first origin is a map
        // entry ended in a ContentFormat, which became the map's value for that key; YMap
        // then takes the last of its (zero) values and ToJson throws ArgumentOutOfRangeException
        // (yjs reads undefined and leaves the key out). Minimal form: a Format item (info 26)
        // directly at map.k. Reject non-countable content under a map key, or tolerate it.
        RejectedOrConsistent("0000", "01010100260103" + "6d6170" + "016b" + "04626f6c64" + "0474727565" + "00");
    }

    [Fact]
    public void An_item_whose_right_origin_lies_inside_the_item_left_of_its_origin_does_not_diverge()
    {
        // Found by the damaged-update property after the right-of-origin check went in (FlipBit
        // in a clock). The doc holds client 1248713435's "a𝄞😀𝄞" as clocks 10-16. The hostile
        // update's last item, "c\n👍🏽" (23-28), has origin 13 and right origin 12: both inside
        // that one item, the right origin one unit left of the origin. The doc reads
        // " xya\ufffdc\n👍🏽\ufffd\ufffd\ufffd中文c 𝄞\na", a fresh doc fed its state
        // " xya\ufffd\ufffd\ufffdc\n👍🏽\ufffd中文c 𝄞\na" (yjs 13.6.33 prints the same pair).
        RejectedOrConsistent(
            "0106dbb5b7d30400040104746578740320787984dbb5b7d30402020a6107010561727261790187dbb5b7d30405020400dbb5b7d30406070ae4b8ade69687c4dbb5b7d30402dbb5b7d304030d61f09d849ef09f9880f09d849e00",
            "0104dbb5b7d30411c4dbb5b7d3040edbb5b7d3040f08e4b8ade696876320c6dbb5b7d30407dbb5b7d3040804687265660131c6dbb5b7d30408dbb5b7d304090468726566046e756c6cc4dbb5b7d3040ddbb5b7d3040c0a630af09f918df09f8fbd00");
    }

    [Fact]
    public void A_known_struct_resent_with_a_missing_dependency_does_not_replace_the_known_one_in_the_state()
    {
        // Found by the damaged-update property (SetZero in a client id). The doc already holds
        // client 1152156332's clocks 0-1 as GC. The hostile update re-sends 1152156332:0-1 as
        // an item "c " whose right origin is on an unknown client (85158452:2). The item is
        // kept pending although its clocks are known, and EncodeStateAsUpdate merges the
        // pending copy over the GC: a fresh doc fed that state cannot integrate it and ends
        // without client 1152156332 (state vector 01b4d4cda81205 vs the doc's
        // 02b4d4cda81205ac85b2a50402). yjs 13.6.33 does the same.
        RejectedOrConsistent(
            "0204b4d4cda81200010105617272617901000287b4d4cda81200012800b4d4cda81203026b310175047d017701737e750001ac85b2a50400000202b4d4cda812010003ac85b2a504010002",
            "0205b4d4cda812000701056172726179020400b4d4cda81200012084b4d4cda8120102c3a987b4d4cda81200012800b4d4cda81203026b310175047d017701737e750001ac85b2a50400c4b4d4cda81201b4d4cda8000202632000");
    }
}
