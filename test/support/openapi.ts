import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { TestApp } from './app';
import type { ApiResponse, client } from './http';

/* The served OpenAPI document, and checks of real response bodies against the schemas it declares. */

export type OpenApiDocument = {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, unknown> };
  [key: string]: unknown;
};

interface OperationObject {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** GET /docs-json of a running test app. */
export async function fetchOpenApiDocument(t: TestApp): Promise<OpenApiDocument> {
  const res = await fetch(`${t.baseUrl}/docs-json`);
  if (res.status !== 200) throw new Error(`/docs-json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

/** Rewrites OpenAPI 3.0 schema keywords that JSON Schema 2020-12 reads differently (`nullable`). */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const entries = Object.entries(schema as Record<string, unknown>).map(
    ([key, value]) => [key, key === 'example' ? value : toJsonSchema(value)] as const,
  );
  const out: Record<string, unknown> = Object.fromEntries(entries.filter(([key]) => key !== 'nullable'));
  if ((schema as { nullable?: unknown }).nullable === true) {
    return { anyOf: [out, { type: 'null' }] };
  }
  if (typeof out.$ref === 'string') out.$ref = out.$ref.replace('#/components/schemas/', '#/$defs/');
  return out;
}

/** Validates response bodies against the document's declared response schema for their route and status. */
export class OpenApiResponses {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addKeyword('example');
  }

  static async of(t: TestApp): Promise<OpenApiResponses> {
    return new OpenApiResponses(await fetchOpenApiDocument(t));
  }

  /** The document's path template that matches a concrete path (`/v1/verifications/abc` → `/v1/verifications/{sessionId}`). */
  template(path: string): string {
    const bare = path.split('?')[0] ?? path;
    const parts = bare.split('/');
    const candidates = Object.keys(this.document.paths).filter((template) => {
      const segments = template.split('/');
      return (
        segments.length === parts.length &&
        segments.every((segment, i) => segment.startsWith('{') || segment === parts[i])
      );
    });
    // Literal segments win over parameters (`/parked` before `/{id}`).
    candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
    const found = candidates[0];
    if (found === undefined) throw new Error(`the document has no path for ${bare}`);
    return found;
  }

  /** Whether the document has an operation for `method path`. */
  has(method: string, path: string): boolean {
    try {
      return this.document.paths[this.template(path)]?.[method.toLowerCase()] !== undefined;
    } catch {
      return false;
    }
  }

  /**
   * Throws unless `body` matches the schema the document declares for `method path` answering `status`
   * (problem answers under application/problem+json, others under application/json).
   */
  check(method: string, path: string, status: number, body: unknown): void {
    const template = this.template(path);
    const operation = this.document.paths[template]?.[method.toLowerCase()];
    if (operation === undefined) throw new Error(`the document has no ${method} ${template}`);
    const key = `${method.toLowerCase()} ${template} ${status}`;
    let validate = this.cache.get(key);
    if (validate === undefined) {
      const response = operation.responses?.[String(status)];
      if (response === undefined) {
        throw new Error(
          `${method} ${template} (${operation.operationId}) does not document status ${status}`,
        );
      }
      const content = response.content ?? {};
      const media = content['application/problem+json'] ?? content['application/json'];
      const schema = media?.schema ?? {};
      validate = this.ajv.compile({
        ...(toJsonSchema(schema) as object),
        $defs: toJsonSchema(this.document.components?.schemas ?? {}),
      });
      this.cache.set(key, validate);
    }
    if (!validate(body)) {
      throw new Error(
        `${method} ${path} → ${status}: body does not match the document: ${this.ajv.errorsText(validate.errors)}`,
      );
    }
  }
}

type Api = ReturnType<typeof client>;

/**
 * The e2e HTTP client with every answer checked against the document: routes the document has must answer
 * with a status it lists and a body its schema allows (routes it does not have, such as /docs-json or an
 * unknown path, pass unchecked).
 */
export function checkedClient(api: Api, contract: OpenApiResponses): Api {
  const check = <R extends ApiResponse<unknown>>(method: string, path: string, res: R): R => {
    if (contract.has(method, path)) contract.check(method, path, res.status, res.body);
    return res;
  };
  return {
    request: async (as, method, path, body, headers) =>
      check(method, path, await api.request(as, method, path, body, headers)),
    post: async (as, path, body, headers) => check('POST', path, await api.post(as, path, body, headers)),
    get: async (as, path, headers) => check('GET', path, await api.get(as, path, headers)),
  } as Api;
}
