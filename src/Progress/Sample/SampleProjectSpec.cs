namespace CrdtCollab.Progress.Sample;

/// <summary>Size of a generated sample project. The defaults are the issue's: about 500 drawings, 20,000 components, three weeks.</summary>
public sealed record SampleProjectSpec
{
    /// <summary>Project id.</summary>
    public string ProjectId { get; init; } = "sample";

    /// <summary>Drawings.</summary>
    public int Drawings { get; init; } = 500;

    /// <summary>Components per drawing.</summary>
    public int ComponentsPerDrawing { get; init; } = 40;

    /// <summary>Days of history, ending yesterday.</summary>
    public int Days { get; init; } = 21;

    /// <summary>Seed of the generator: the same seed gives the same project and history.</summary>
    public int Seed { get; init; } = 2002;
}
