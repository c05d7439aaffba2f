// The reference: Hocuspocus 4.7 with its default settings, in memory (no extensions).
import { Server } from '@hocuspocus/server';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const server = new Server({ port, address: '127.0.0.1', quiet: true, stopOnSignals: true });
await server.listen();
process.stdout.write(`listening ${port}\n`);
