import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The shared core of the vendor API stand-ins: a loopback HTTP server (127.0.0.1, a free port) with a route
 * table, JSON bodies (refused over 1 MB), a record of every request received, a request-id header on every
 * answer, and fault injection. These are test stand-ins built from the vendors' public references, not the
 * vendors.
 */

/** Largest request body a stand-in accepts; a larger one is answered 413 (the vendors refuse large bodies too). */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/**
 * One injected fault, consumed by one request. Except for `delayMs`, `holdAnswerMs` and `slowBodyMs` (which deliver
 * the real answer, late or slowly), a fault answers in place of the vendor: the request is recorded but changes no
 * state.
 */
export type Fault =
  /** Answer with this status (e.g. 500, 502, 503) and the vendor's error body; `Retry-After` when given (429). */
  | { readonly status: number; readonly retryAfterSeconds?: number }
  /** Deliver the real answer only after this many milliseconds (for client timeouts). */
  | { readonly delayMs: number }
  /**
   * Carry out the request at once (its state change is made, e.g. the applicant exists) but hold the answer this
   * many milliseconds, or until the caller goes away: the window in which a caller that dies loses the answer.
   */
  | { readonly holdAnswerMs: number }
  /** Send the real answer's headers at once, then its body in pieces spread over this many milliseconds. */
  | { readonly slowBodyMs: number }
  /** Answer 200 `application/json` with a body that is not JSON (a truncated document). */
  | { readonly malformedJson: true }
  /** Answer 502 with an HTML page, as a proxy in front of the vendor does. */
  | { readonly htmlError: true }
  /** Answer 200 `application/json` with a valid JSON document of this many bytes. */
  | { readonly oversizedBodyBytes: number }
  /** Close the connection without answering. */
  | { readonly dropConnection: true };

/** A request as the stand-in received it. */
export interface RecordedRequest {
  /** The name of the route it matched; undefined when none did. */
  readonly route: string | undefined;
  readonly method: string;
  /** Path with its query string, exactly as sent. */
  readonly path: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body bytes (empty when refused as too large). */
  readonly body: Buffer;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  readonly json: unknown;
  /** The request id the stand-in answered with. */
  readonly requestId: string;
  /** The fault this request consumed, if any. */
  readonly fault: Fault | undefined;
  /** True when the stand-in was down for this request. */
  readonly whileDown: boolean;
}

/** What a route handler sees. */
export interface StandInRequest {
  readonly method: string;
  /** Path with its query string, exactly as sent (signatures cover this). */
  readonly path: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  /** Named groups of the route's pattern, URI-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  /** The parsed JSON body; undefined when the body is empty. */
  readonly json: unknown;
  /** A header's value (first one when repeated); undefined when absent. */
  header(name: string): string | undefined;
}

/** What a route handler answers. */
export interface StandInResponse {
  readonly status: number;
  /** Serialized as JSON; omitted for an empty body. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Route {
  /** A stable name tests use to queue faults and filter the request record. */
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Matched against the path without its query string; named groups become `params`. */
  readonly pattern: RegExp;
  readonly handle: (req: StandInRequest) => StandInResponse | Promise<StandInResponse>;
}

export interface StandInOptions {
  /** The vendor name, used in the HTML error page and the server's `Server` header. */
  readonly vendor: string;
  readonly routes: readonly Route[];
  /** The response header carrying the request id. */
  readonly requestIdHeader: string;
  /** Builds a request id (default: a random UUID). */
  readonly requestId?: () => string;
  /** The vendor's JSON error body for a status and message. */
  readonly errorBody: (status: number, message: string, requestId: string) => unknown;
  /** Checks the request's credentials; answers the refusal, or undefined to let the request through. */
  readonly authenticate?: (req: StandInRequest) => StandInResponse | undefined;
  /** Adds headers to every JSON answer (e.g. a response signature over the body). */
  readonly signResponse?: (body: Buffer) => Readonly<Record<string, string>>;
}

/** Fault queues, per route name or for all routes (`'*'`); a route's own queue is consumed first. */
export interface FaultQueue {
  /** Queues faults for `route` (a route name, or `'*'` for any route); each request consumes one, in order. */
  enqueue(route: string, ...faults: Fault[]): void;
  /** How many faults are still queued for `route` (all queues when omitted). */
  pending(route?: string): number;
  /** Drops every queued fault. */
  clear(): void;
}

/** A running stand-in. */
export interface StandIn {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** Every request received so far, oldest first (a live array). */
  readonly requests: readonly RecordedRequest[];
  readonly faults: FaultQueue;
  /** From now on every call fails with 503 until `up()`. */
  down(): void;
  up(): void;
  /** From now on each call fails with 503 with probability `ratio` (seeded: reproducible), until `up()`. */
  flaky(ratio: number, seed?: number): void;
  /** Stops the server, ending open connections and pending delayed answers. */
  close(): Promise<void>;
}

const HTML_502 = (vendor: string): string =>
  [
    '<!DOCTYPE html>',
    '<html><head><title>502 Bad Gateway</title></head>',
    '<body><center><h1>502 Bad Gateway</h1></center>',
    `<hr><center>${vendor} edge proxy (stand-in)</center></body></html>`,
    '',
  ].join('\n');

/** Starts a stand-in on 127.0.0.1 on a free port. */
export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  const queues = new Map<string, Fault[]>();
  const timers = new Set<NodeJS.Timeout>();
  let isDown = false;
  // A vendor failing a share of its calls: 503 for each request with this probability (seeded, reproducible).
  let flakyRatio = 0;
  let flakyState = 0x9e3779b9;
  const flakyDraw = (): number => {
    // mulberry32
    flakyState = (flakyState + 0x6d2b79f5) | 0;
    let t = flakyState;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let closed = false;
  const newRequestId = options.requestId ?? (() => randomUUID());

  const later = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  /** Waits `ms`, or less when the caller's connection closes first (a killed caller leaves no timer behind). */
  const heldUntilGone = (res: ServerResponse, ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        res.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timers.add(timer);
      res.once('close', done);
    });

  const takeFault = (route: string | undefined): Fault | undefined => {
    for (const key of [route, '*']) {
      if (key === undefined) continue;
      const queue = queues.get(key);
      const fault = queue?.shift();
      if (fault !== undefined) return fault;
    }
    return undefined;
  };

  const send = async (
    res: ServerResponse,
    requestId: string,
    answer: StandInResponse,
    slowBodyMs?: number,
  ): Promise<void> => {
    const body =
      answer.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(answer.body), 'utf8');
    const headers: Record<string, string> = {
      [options.requestIdHeader]: requestId,
      ...(body.length > 0 ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...(body.length > 0 && options.signResponse !== undefined ? options.signResponse(body) : {}),
      ...answer.headers,
      'content-length': String(body.length),
    };
    if (slowBodyMs === undefined || body.length === 0) {
      res.writeHead(answer.status, headers).end(body);
      return;
    }
    res.writeHead(answer.status, headers);
    res.flushHeaders();
    const pieces = Math.min(4, body.length);
    const size = Math.ceil(body.length / pieces);
    for (let i = 0; i < pieces; i += 1) {
      await later(slowBodyMs / pieces);
      if (res.destroyed) return;
      res.write(body.subarray(i * size, (i + 1) * size));
    }
    res.end();
  };

  const answerFault = (res: ServerResponse, requestId: string, fault: Fault): void => {
    if ('dropConnection' in fault) {
      res.socket?.destroy();
      return;
    }
    if ('status' in fault) {
      const headers: Record<string, string> = { [options.requestIdHeader]: requestId };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      const body = Buffer.from(
        JSON.stringify(options.errorBody(fault.status, `injected ${fault.status}`, requestId)),
      );
      res
        .writeHead(fault.status, {
          ...headers,
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(body.length),
        })
        .end(body);
      return;
    }
    if ('malformedJson' in fault) {
      const body = Buffer.from('{"id": "3f2c9e1a-', 'utf8');
      res
        .writeHead(200, {
          [options.requestIdHeader]: requestId,
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(body.length),
        })
        .end(body);
      return;
    }
    if ('htmlError' in fault) {
      const body = Buffer.from(HTML_502(options.vendor), 'utf8');
      res
        .writeHead(502, {
          [options.requestIdHeader]: requestId,
          'content-type': 'text/html',
          'content-length': String(body.length),
        })
        .end(body);
      return;
    }
    if ('oversizedBodyBytes' in fault) {
      const frame = Buffer.from('{"padding":""}', 'utf8');
      const body = Buffer.alloc(Math.max(fault.oversizedBodyBytes, frame.length), 'x');
      frame.copy(body, 0, 0, 12);
      body[body.length - 2] = 0x22; // closing quote
      body[body.length - 1] = 0x7d; // closing brace
      res
        .writeHead(200, {
          [options.requestIdHeader]: requestId,
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(body.length),
        })
        .end(body);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, rawBody: Buffer, tooLarge: boolean) => {
    const requestId = newRequestId();
    const path = req.url ?? '/';
    const url = new URL(path, 'http://stand-in.invalid');
    const method = req.method ?? 'GET';
    let matched: { route: Route; params: Record<string, string> } | undefined;
    let pathMatched = false;
    for (const route of options.routes) {
      const groups = route.pattern.exec(url.pathname);
      if (groups === null) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(groups.groups ?? {})) params[key] = decodeURIComponent(value);
      matched = { route, params };
      break;
    }
    let json: unknown = undefined;
    let parseFailed = false;
    if (rawBody.length > 0) {
      try {
        json = JSON.parse(rawBody.toString('utf8')) as unknown;
      } catch {
        parseFailed = true;
      }
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const routeName = matched?.route.name;
    const down = isDown || (flakyRatio > 0 && flakyDraw() < flakyRatio);
    const fault = down ? undefined : takeFault(routeName);
    requests.push({
      route: routeName,
      method,
      path,
      headers,
      body: rawBody,
      json,
      requestId,
      fault,
      whileDown: down,
    });

    const refuse = (status: number, message: string): Promise<void> =>
      send(res, requestId, { status, body: options.errorBody(status, message, requestId) });

    if (down) {
      await refuse(503, 'service unavailable');
      return;
    }
    if (
      fault !== undefined &&
      !('delayMs' in fault) &&
      !('holdAnswerMs' in fault) &&
      !('slowBodyMs' in fault)
    ) {
      answerFault(res, requestId, fault);
      return;
    }
    if (fault !== undefined && 'delayMs' in fault) {
      await later(fault.delayMs);
      if (closed || res.destroyed) return;
    }
    const slowBodyMs = fault !== undefined && 'slowBodyMs' in fault ? fault.slowBodyMs : undefined;
    if (tooLarge) {
      await send(res, requestId, {
        status: 413,
        body: options.errorBody(413, `request body over ${MAX_REQUEST_BODY_BYTES} bytes`, requestId),
        headers: { connection: 'close' },
      });
      return;
    }
    if (matched === undefined) {
      await refuse(pathMatched ? 405 : 404, pathMatched ? 'method not allowed' : 'not found');
      return;
    }
    const standInRequest: StandInRequest = {
      method,
      path,
      pathname: url.pathname,
      query: url.searchParams,
      params: matched.params,
      headers: req.headers,
      rawBody,
      json,
      header(name: string): string | undefined {
        const value = req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      },
    };
    const refusal = options.authenticate?.(standInRequest);
    if (refusal !== undefined) {
      await send(res, requestId, refusal, slowBodyMs);
      return;
    }
    if (parseFailed) {
      await refuse(400, 'request body is not valid JSON');
      return;
    }
    const answer = await matched.route.handle(standInRequest);
    if (fault !== undefined && 'holdAnswerMs' in fault) {
      await heldUntilGone(res, fault.holdAnswerMs);
      if (closed || res.destroyed) return;
    }
    await send(res, requestId, answer, slowBodyMs);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      handle(req, res, tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge).catch(
        (error: unknown) => {
          if (res.headersSent) {
            res.destroy();
            return;
          }
          const message = error instanceof Error ? error.message : 'internal error';
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`stand-in failure: ${message}`);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    faults: {
      enqueue(route: string, ...faults: Fault[]): void {
        const queue = queues.get(route) ?? [];
        queue.push(...faults);
        queues.set(route, queue);
      },
      pending(route?: string): number {
        if (route !== undefined) return queues.get(route)?.length ?? 0;
        let total = 0;
        for (const queue of queues.values()) total += queue.length;
        return total;
      },
      clear(): void {
        queues.clear();
      },
    },
    down(): void {
      isDown = true;
    },
    up(): void {
      isDown = false;
      flakyRatio = 0;
    },
    flaky(ratio: number, seed = 1): void {
      flakyRatio = ratio;
      flakyState = seed;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const stopped = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      server.closeAllConnections();
      await stopped;
    },
  };
}

/** What a webhook target answered. */
/** A webhook a stand-in prepared as its vendor would send it: the body, its signature headers, and delivery. */
export interface PreparedWebhook {
  readonly webhookBody: Buffer;
  readonly webhookHeaders: Readonly<Record<string, string>>;
  /** Delivers the webhook to `targetUrl` (e.g. `<ledger>/v1/webhooks/<vendor>`). */
  webhook(targetUrl: string): Promise<WebhookDelivery>;
}

export interface WebhookDelivery {
  readonly status: number;
  readonly text: string;
}

/** Posts a signed webhook body to `targetUrl` the way the vendor delivers it (POST, JSON, the given headers). */
export async function postWebhook(
  targetUrl: string,
  body: Buffer,
  headers: Readonly<Record<string, string>>,
): Promise<WebhookDelivery> {
  const res = await fetch(targetUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** Compares two strings in constant time for equal lengths (credential and signature checks). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined || given.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < given.length; i += 1) diff |= given.charCodeAt(i) ^ expected.charCodeAt(i);
  return diff === 0;
}

/** A JSON object's field, or undefined when `value` is not an object. */
export function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[name];
}

/** A JSON object's string field, or undefined when absent or not a non-empty string. */
export function stringField(value: unknown, name: string): string | undefined {
  const found = field(value, name);
  return typeof found === 'string' && found !== '' ? found : undefined;
}
