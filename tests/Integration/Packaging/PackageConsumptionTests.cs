using System.Security.Cryptography;
using CrdtCollab.Integration.Tests.Operability;
using CrdtCollab.Integration.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace CrdtCollab.Integration.Tests.Packaging;

/// <summary>
/// The packed packages as a stranger uses them: a throwaway console project outside the
/// repository (none of its build props apply) restores CrdtCollab.Client and CrdtCollab.Crdt
/// from the local folder feed into an empty NUGET_PACKAGES, then syncs a document with a running
/// server: one client writes and waits for the ack, a second one joins and reads the text back;
/// it also round-trips a Yjs update through the engine alone. The server's log must hold the text.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PackageConsumptionTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string ProgramSource = """
        using CrdtCollab.Client;
        using CrdtCollab.Crdt;

        var server = new Uri(args[0]);
        var token = args[1];
        var document = args[2];
        var options = new SyncClientOptions { AccessTokenProvider = () => Task.FromResult<string?>(token) };

        // The engine alone: an update encoded by one document applies to another.
        var a = new YDoc();
        a.GetText("t").Insert(0, "engine");
        var b = new YDoc();
        b.ApplyUpdate(a.EncodeStateAsUpdate());
        Console.WriteLine("ENGINE:" + b.GetText("t").ToString());

        await using (var writer = await SyncClient.ConnectAsync(server, document, new YDoc(), options))
        {
            writer.Transact(_ => writer.Document.GetText("content").Insert(0, "written by the packaged client"));
            await writer.WhenSavedAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Console.WriteLine("SAVED:" + writer.SavedUpdates);
        }
        await using var reader = await SyncClient.ConnectAsync(server, document, new YDoc(), options);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string text;
        while ((text = reader.Document.GetText("content").ToString()).Length == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Console.WriteLine("READ:" + text);
        """;

    [Fact]
    public async Task A_console_app_restores_the_packages_and_syncs_a_document_with_the_server()
    {
        await PackedPackages.EnsurePackedAsync();
        await using var server = await SyncServer.StartAsync(postgres);
        var dir = Directory.CreateTempSubdirectory("crdtcollab-consumer-").FullName;
        try
        {
            var version = PackedPackages.Version;
            File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <NoWarn>NU1603</NoWarn>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="CrdtCollab.Client" Version="[{version}]" />
                    <PackageReference Include="CrdtCollab.Crdt" Version="[{version}]" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(dir, "Program.cs"), ProgramSource);
            // The local folder feed first; the machine's package cache as an offline mirror of the
            // dependencies (SignalR...), then nuget.org for anything it lacks.
            var cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="crdtcollab" value="{PackedPackages.Directory}" />
                    {(Directory.Exists(cache) ? $"<add key=\"cache\" value=\"{cache}\" />" : "")}
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                </configuration>
                """);
            var packages = Path.Combine(dir, "packages");
            var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };

            var build = await Tool.RunAsync("dotnet", ["build", "-c", "Release", "-nologo"], dir, env, TimeSpan.FromMinutes(4));
            Assert.True(build.ExitCode == 0, build.ToString());
            // Restored from our folder, byte for byte (NuGet keeps the package's hash beside it).
            foreach (var id in new[] { "CrdtCollab.Client", "CrdtCollab.Crdt" })
            {
                var restored = Path.Combine(packages, id.ToLowerInvariant(), version, $"{id.ToLowerInvariant()}.{version}.nupkg.sha512");
                Assert.True(File.Exists(restored), $"{id} {version} was not restored into {packages}");
                Assert.Equal(Convert.ToBase64String(SHA512.HashData(File.ReadAllBytes(PackedPackages.PathOf(id)))), File.ReadAllText(restored).Trim());
            }

            var token = await server.TokenAsync("packaged");
            var run = await Tool.RunAsync("dotnet", ["run", "-c", "Release", "--no-build", "--", server.BaseUrl.ToString(), token, "packaged-doc"], dir, env, TimeSpan.FromMinutes(2));
            output.WriteLine(run.Output);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("ENGINE:engine", run.Output, StringComparison.Ordinal);
            Assert.Contains("SAVED:1", run.Output, StringComparison.Ordinal);
            Assert.Contains("READ:written by the packaged client", run.Output, StringComparison.Ordinal);

            var stored = await server.ReplayAsync("packaged-doc");
            Assert.Equal("written by the packaged client", stored.GetText("content").ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
