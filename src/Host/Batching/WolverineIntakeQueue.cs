using Wolverine;
using Wolverine.Runtime;

namespace CrdtCollab.Host.Batching;

/// <summary>Publishes each accepted update to Wolverine's local batching queue.</summary>
internal sealed class WolverineIntakeQueue(IServiceProvider services) : IIntakeQueue
{
    // IMessageBus is scoped in Wolverine; a bus made from the runtime is cheap and thread-safe
    // enough for publishing (it holds no per-message state we rely on).
    private readonly Lazy<IMessageBus> _bus = new(() => new MessageBus(services.GetRequiredService<IWolverineRuntime>()));

    public ValueTask EnqueueAsync(PendingUpdate update) => _bus.Value.PublishAsync(update);
}
