import type { Server } from 'node:http';
import express from 'express';

/**
 * The HTTP peer, run in a process of its own (`http.bench.ts` forks it): plain Express on loopback, a JSON POST
 * that echoes its body and a GET that answers `{"status":"ok"}` like `/health/live`. It reports its port once
 * listening and stops on SIGTERM.
 */
const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/echo', (req, res) => {
  res.json(req.body);
});
app.get('/live', (_req, res) => {
  res.json({ status: 'ok' });
});

const server: Server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port });
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
