// Starts the node-portal example: `node examples/node-portal/server.mjs [port]`.
// Data go to $PORTAL_DATA (default: a folder in the system's temp directory); the demo users are
// sent as the `X-User` header.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPortal, USERS } from './portal.mjs';

const port = Number(process.argv[2] ?? process.env.PORT ?? 3000);
const dataDir = resolve(process.env.PORTAL_DATA ?? join(tmpdir(), 'chamdiem-node-portal'));
const server = createPortal({ dataDir });
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address();
  console.log(`node-portal on http://127.0.0.1:${actual}/ (data in ${dataDir})`);
  console.log(`users (X-User header): ${Object.keys(USERS).join(', ')}`);
  console.log(`try: curl -H 'X-User: so.tc' http://127.0.0.1:${actual}/dossiers/2026%2FSO-TC`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
