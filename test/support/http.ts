import type { PrincipalName, TestApp } from './app';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** A small HTTP client for end-to-end tests: real requests to the app's port, as a named principal. */
export function client(t: TestApp) {
  const request = async <T = Record<string, unknown>>(
    as: PrincipalName | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(as === null ? {} : { authorization: `Bearer ${t.keys[as]}` }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as T, headers: res.headers };
  };
  return {
    request,
    post: <T = Record<string, unknown>>(
      as: PrincipalName | null,
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
    ) => request<T>(as, 'POST', path, body ?? {}, headers),
    get: <T = Record<string, unknown>>(
      as: PrincipalName | null,
      path: string,
      headers?: Record<string, string>,
    ) => request<T>(as, 'GET', path, undefined, headers),
  };
}
