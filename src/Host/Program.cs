// The sync server. With no configuration it starts its own PostgreSQL (see README) and serves
// the demo at http://127.0.0.1:5000.
var app = await CrdtCollab.Host.SyncServerApp.BuildAsync(args);
await app.RunAsync();
