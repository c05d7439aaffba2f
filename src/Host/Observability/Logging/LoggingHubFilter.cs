using Microsoft.AspNetCore.SignalR;

namespace CrdtCollab.Host.Observability.Logging;

/// <summary>
/// Gives every hub invocation the update path's log scope: the SignalR connection id, the user,
/// the document (each hub method takes it first) and the connection's correlation id, made once
/// per connection.
/// </summary>
internal sealed class LoggingHubFilter(ILogger<LoggingHubFilter> logger) : IHubFilter
{
    private const string CorrelationKey = "crdtcollab.correlation";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocationContext.Context;
        var documentId = invocationContext.HubMethodArguments.Count > 0 ? invocationContext.HubMethodArguments[0] as string : null;
        using var scope = logger.BeginScope(new LogScope(context.ConnectionId, Security.ConnectionUser.From(context.User)?.Id,
            documentId, CorrelationOf(context), Commit.SyncMetrics.SignalR));
        return await next(invocationContext);
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        context.Context.Items[CorrelationKey] = LogScope.NewCorrelationId();
        using var scope = logger.BeginScope(new LogScope(context.Context.ConnectionId, Security.ConnectionUser.From(context.Context.User)?.Id, null,
            CorrelationOf(context.Context), Commit.SyncMetrics.SignalR));
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        using var scope = logger.BeginScope(new LogScope(context.Context.ConnectionId, Security.ConnectionUser.From(context.Context.User)?.Id, null,
            CorrelationOf(context.Context), Commit.SyncMetrics.SignalR));
        await next(context, exception);
    }

    private static string? CorrelationOf(HubCallerContext context) =>
        context.Items.TryGetValue(CorrelationKey, out var id) ? id as string : null;
}
