namespace CrdtCollab.Progress.Domain;

/// <summary>Well-known component types and their default milestone templates (seed 002).</summary>
public static class ComponentTypes
{
    /// <summary>A prefabricated pipe spool.</summary>
    public const string Spool = "spool";

    /// <summary>A weld made in the field.</summary>
    public const string FieldWeld = "field-weld";

    /// <summary>A pipe support.</summary>
    public const string Support = "support";

    /// <summary>A valve.</summary>
    public const string Valve = "valve";

    /// <summary>An instrument.</summary>
    public const string Instrument = "instrument";

    /// <summary>Default templates: weights add up to 100 so a weight reads as a share of the component.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<MilestoneDefinition>> DefaultTemplates { get; } =
        new Dictionary<string, IReadOnlyList<MilestoneDefinition>>
        {
            [Spool] =
            [
                new("Receive", 10, MilestoneKind.Checkbox), new("Erect", 40, MilestoneKind.Percent),
                new("Connect", 40, MilestoneKind.Percent), new("Punch", 5, MilestoneKind.Checkbox), new("Test", 5, MilestoneKind.Checkbox),
            ],
            [FieldWeld] =
            [
                new("Fit-up", 30, MilestoneKind.Checkbox), new("Weld", 60, MilestoneKind.Checkbox),
                new("Punch", 5, MilestoneKind.Checkbox), new("Test", 5, MilestoneKind.Checkbox),
            ],
            [Support] =
            [
                new("Receive", 10, MilestoneKind.Checkbox), new("Install", 80, MilestoneKind.Percent), new("Punch", 10, MilestoneKind.Checkbox),
            ],
            [Valve] =
            [
                new("Receive", 10, MilestoneKind.Checkbox), new("Install", 60, MilestoneKind.Checkbox),
                new("Punch", 10, MilestoneKind.Checkbox), new("Test", 20, MilestoneKind.Checkbox),
            ],
            [Instrument] =
            [
                new("Receive", 10, MilestoneKind.Checkbox), new("Install", 50, MilestoneKind.Checkbox),
                new("Connect", 30, MilestoneKind.Percent), new("Test", 10, MilestoneKind.Checkbox),
            ],
        };
}
