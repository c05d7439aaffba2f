namespace CrdtCollab.Progress.Domain;

/// <summary>A component as imported.</summary>
/// <param name="DrawingId">The drawing it is on.</param>
/// <param name="ComponentId">Stable id, unique in its drawing.</param>
/// <param name="Type">Component type (spool, field-weld, support, valve, instrument...); selects the milestone template.</param>
/// <param name="TestPackageId">Test package it belongs to, if any.</param>
/// <param name="Description">Free text (size, material, tag).</param>
public sealed record ComponentSpec(string DrawingId, string ComponentId, string Type, string? TestPackageId, string? Description);
