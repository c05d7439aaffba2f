using Microsoft.AspNetCore.SignalR;

namespace CrdtCollab.Host.Observability.Logging;

/// <summary>
/// Gives every hub invocation the update path's log scope: the SignalR connection id, the user,
/// the document (each hub method takes it first) and the connection's correlation id. User and
/// correlation id are worked out once per connection and kept in its items.
/// </summary>
internal sealed class LoggingHubFilter(ILogger<LoggingHubFilter> logger) : IHubFilter
{
    private const string CorrelationKey = "crdtcollab.correlation";
    private const string UserKey = "crdtcollab.user";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocationContext.Context;
        var documentId = invocationContext.HubMethodArguments.Count > 0 ? invocationContext.HubMethodArguments[0] as string : null;
        using var scope = logger.BeginScope(ScopeOf(context, documentId));
        return await next(invocationContext);
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        context.Context.Items[CorrelationKey] = LogScope.NewCorrelationId();
        context.Context.Items[UserKey] = Security.ConnectionUser.From(context.Context.User)?.Id;
        using var scope = logger.BeginScope(ScopeOf(context.Context, null));
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        using var scope = logger.BeginScope(ScopeOf(context.Context, null));
        await next(context, exception);
    }

    private static LogScope ScopeOf(HubCallerContext context, string? documentId) =>
        new(context.ConnectionId, Item(context, UserKey), documentId, Item(context, CorrelationKey), Commit.SyncMetrics.SignalR);

    private static string? Item(HubCallerContext context, string key) =>
        context.Items.TryGetValue(key, out var value) ? value as string : null;
}
