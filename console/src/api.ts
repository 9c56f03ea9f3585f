import type { components } from '../../test/support/openapi-types';

/** Response and request bodies of the API, generated from its OpenAPI document (npm run openapi:types). */
export type Schemas = components['schemas'];

const TOKEN_KEY = 'kyc-ledger.console.token';

/**
 * The bearer token (an API key or a JWT) lives in this tab's session storage only: it goes with each call to this
 * origin and is forgotten when the tab closes or the user signs out.
 */
export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string): void => {
    sessionStorage.setItem(TOKEN_KEY, value);
  },
  clear: (): void => {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** An RFC 9457 problem answer, with its stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: readonly { field: string; problems: string[] }[] = [],
  ) {
    super(detail ?? title);
  }
}

/**
 * Read-your-writes: the highest ledger position a command of this tab answered with. Reads send it as
 * `X-Min-Position`, so a list read right after a decision already reflects it (the server waits briefly for its
 * read model, or answers 503 `read_model_behind` with `Retry-After`, which `call` honours a few times).
 */
let minPosition = 0;

const RETRIES_WHEN_BEHIND = 3;

export interface CallOptions {
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
  /** Answer the body's exact text instead of parsing it (a download must keep the server's bytes). */
  readonly raw?: boolean;
}

/** One call to the API with the signed-in token. Commands carry a fresh Idempotency-Key, so a retry is safe. */
export async function call<T>(path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  const bearer = token.get();
  if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
  const method = options.method ?? 'GET';
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    headers['Idempotency-Key'] ??= crypto.randomUUID();
  } else if (minPosition > 0) {
    headers['X-Min-Position'] ??= String(minPosition);
  }
  for (let attempt = 0; ; attempt++) {
    const response = await send(path, method, headers, options);
    if (response.status === 503 && attempt < RETRIES_WHEN_BEHIND && method === 'GET') {
      const problem = (await response
        .clone()
        .json()
        .catch(() => ({}))) as { code?: string };
      if (problem.code === 'read_model_behind') {
        const seconds = Number(response.headers.get('Retry-After') ?? '1');
        await new Promise((resolve) => setTimeout(resolve, Math.min(5, Math.max(0.2, seconds)) * 1000));
        continue;
      }
    }
    const result = await read<T>(response, options.raw === true);
    if (method === 'POST') {
      const position = (result as { position?: unknown } | undefined)?.position;
      if (typeof position === 'number' && position > minPosition) minPosition = position;
    }
    return result;
  }
}

function send(
  path: string,
  method: string,
  headers: Record<string, string>,
  options: CallOptions,
): Promise<Response> {
  return fetch(path, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    credentials: 'omit',
    cache: 'no-store',
  });
}

async function read<T>(response: Response, raw: boolean): Promise<T> {
  const text = await response.text();
  if (raw && response.ok) return text as T;
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const problem = (parsed ?? {}) as {
      code?: string;
      title?: string;
      detail?: string;
      errors?: { field: string; problems: string[] }[];
    };
    throw new ApiError(
      response.status,
      problem.code ?? `http_${response.status}`,
      problem.title ?? response.statusText,
      problem.detail,
      problem.errors ?? [],
    );
  }
  return parsed as T;
}

/** A GET whose answer is kept as the exact text the server sent (e.g. a signed audit bundle to save). */
export function callText(
  path: string,
  options: Omit<CallOptions, 'raw' | 'method' | 'body'> = {},
): Promise<string> {
  return call<string>(path, { ...options, raw: true });
}

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** What an error says to a person: the problem's detail and field problems, never a stack. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.errors.map((e) => `${e.field}: ${e.problems.join(', ')}`).join('; ');
    return `${error.title}${error.detail !== undefined && error.detail !== error.title ? ` — ${error.detail}` : ''}${fields === '' ? '' : ` (${fields})`} [${error.code}]`;
  }
  return error instanceof Error ? error.message : 'Something went wrong';
}
