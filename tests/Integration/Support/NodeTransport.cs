namespace CrdtCollab.Integration.Tests.Support;

/// <summary>Which stock provider a <see cref="NodeClient"/> runs.</summary>
public enum NodeTransport
{
    /// <summary>y-websocket's <c>WebsocketProvider</c> on <c>/ws/{documentId}</c>.</summary>
    YWebsocket,

    /// <summary>@hocuspocus/provider's <c>HocuspocusProvider</c> on <c>/hocuspocus</c>.</summary>
    Hocuspocus,
}
