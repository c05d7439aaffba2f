namespace CrdtCollab.Benchmarks.Traces;

/// <summary>The <c>[Params]</c> values every trace scenario runs over.</summary>
internal static class TraceParams
{
    public const string AutomergePaper = "automerge-paper";
    public const string SephBlog1 = "seph-blog1";
    public const string SvelteComponent = "sveltecomponent";
}
