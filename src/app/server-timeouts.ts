import type { Server } from 'node:http';
import type { AppConfig } from '../platform/config/config';

/**
 * Bounds how long a client may hold a connection: its headers (`headersTimeout`), its whole request
 * (`requestTimeout`; Node's default is 300 s, so a slowly sent body would hold a socket for five minutes) and an
 * idle keep-alive connection (`keepAliveTimeout`). Node checks the first two every `connectionsCheckingInterval`
 * (30 s by default), so that interval shrinks with them.
 *
 * Call it before `listen`: Node starts the checking interval when the server starts listening.
 */
export function applyServerTimeouts(server: Server, config: Pick<AppConfig, 'serverTimeouts'>): void {
  const { headersMs, requestMs, keepAliveMs } = config.serverTimeouts;
  server.headersTimeout = headersMs;
  server.requestTimeout = requestMs;
  server.keepAliveTimeout = keepAliveMs;
  // Precise to about a quarter of the shortest timeout, never busier than every 100 ms nor lazier than 1 s. A
  // server option that @types/node does not declare on the server, which reads it when it starts listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    1000,
    Math.max(100, Math.floor(headersMs / 4)),
  );
}
