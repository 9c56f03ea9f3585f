import Fastify from 'fastify';

/**
 * The second HTTP peer, run in a process of its own (`http.bench.ts` forks it): plain Fastify on loopback with the
 * same two routes as the plain Express peer, a JSON POST that echoes its body and a GET that answers
 * `{"status":"ok"}`. It tells how much faster a plain Fastify answers than a plain Express on this machine, the
 * most the API could gain by moving to `@nestjs/platform-fastify`. It reports its port once listening and stops on
 * SIGTERM.
 */
const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.post('/echo', (request, reply) => {
  void reply.send(request.body);
});
app.get('/live', (_request, reply) => {
  void reply.send({ status: 'ok' });
});

app.listen({ port: 0, host: '127.0.0.1' }).then(
  () => {
    const address = app.server.address();
    process.send?.({ port: typeof address === 'object' && address !== null ? address.port : 0 });
  },
  (error: unknown) => {
    process.stderr.write(`plain fastify: ${String(error)}\n`);
    process.exit(1);
  },
);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
