using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace CrdtCollab.Integration.Tests.Packaging;

/// <summary>What the packed CrdtCollab.Crdt and CrdtCollab.Client carry: metadata, README, XML docs, symbols, one version.</summary>
public sealed class PackageContentTests
{
    [Theory]
    [InlineData("CrdtCollab.Crdt")]
    [InlineData("CrdtCollab.Client")]
    public async Task The_package_has_readme_licence_docs_repository_and_symbols(string id)
    {
        await PackedPackages.EnsurePackedAsync();
        using var package = ZipFile.OpenRead(PackedPackages.PathOf(id));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("README.md", entries);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);

        using var nuspecStream = package.GetEntry($"{id}.nuspec")!.Open();
        var root = XDocument.Load(nuspecStream).Root!;
        // The nuspec schema version (namespace) depends on the features the package uses.
        var ns = root.Name.Namespace;
        var metadata = root.Element(ns + "metadata")!;
        Assert.Equal(PackedPackages.Version, metadata.Element(ns + "version")!.Value);
        Assert.Equal("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
        // SourceLink: the commit the package was built from.
        Assert.Matches("^[0-9a-f]{40}$", metadata.Element(ns + "repository")!.Attribute("commit")!.Value);
        var dependencies = metadata.Descendants(ns + "dependency").ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
        if (id == "CrdtCollab.Client")
        {
            Assert.Equal(PackedPackages.Version, dependencies["CrdtCollab.Crdt"]);
        }
        else
        {
            Assert.Empty(dependencies);
        }

        using var symbols = ZipFile.OpenRead(PackedPackages.PathOf(id, "snupkg"));
        Assert.Contains(symbols.Entries, e => e.FullName == $"lib/net10.0/{id}.pdb");
    }
}
