import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';

/*
 * Shared OpenAPI decorators: one Problem schema (RFC 9457) for every error answer, each operation listing the
 * codes it can give, grouped by status, so that a generated client knows both its success and its error shapes.
 */

/** One field of a request that failed validation: its name and the rules it broke, never its value. */
export class FieldProblemView {
  @ApiProperty({ example: 'jurisdiction' }) field!: string;
  @ApiProperty({ type: [String], example: ['jurisdiction must be an ISO 3166-1 alpha-2 code'] })
  problems!: string[];
}

/** RFC 9457 problem document (application/problem+json); `code` is stable, `detail` is for people. */
export class ProblemView {
  @ApiProperty({ example: 'https://kyc-ledger.dev/problems/validation_failed', format: 'uri' })
  type!: string;
  @ApiProperty({ example: 'validation failed' }) title!: string;
  @ApiProperty({ example: 400, minimum: 400, maximum: 599 }) status!: number;
  @ApiProperty({ example: 'validation_failed', description: 'Stable machine-readable error code' })
  code!: string;
  @ApiPropertyOptional({ description: 'Explanation for people (never quotes a value from the request)' })
  detail?: string;
  @ApiPropertyOptional({ description: 'Path of the request', example: '/v1/verifications' })
  instance?: string;
  @ApiPropertyOptional({ type: [FieldProblemView], description: 'Fields that failed validation' })
  errors?: FieldProblemView[];
}

/** HTTP status of each problem code an operation documents (the problem-details filter answers with these). */
export const PROBLEM_STATUS = {
  validation_failed: 400,
  malformed_json: 400,
  json_too_deep: 400,
  invalid_idempotency_key: 400,
  bad_request: 400,
  unauthenticated: 401,
  invalid_webhook_signature: 401,
  forbidden: 403,
  four_eyes_violation: 403,
  senior_reviewer_required: 403,
  compliance_clearance_required: 403,
  not_found: 404,
  subject_not_found: 404,
  consent_not_found: 404,
  legal_hold_not_found: 404,
  erasure_request_not_found: 404,
  override_not_found: 404,
  no_checkpoint: 404,
  nothing_to_export: 404,
  not_yet_checkpointed: 404,
  parked_delivery_not_found: 404,
  parked_event_not_found: 404,
  replay_not_found: 404,
  vendor_not_configured: 404,
  applicant_name_required: 422,
  unknown_projection: 404,
  illegal_transition: 409,
  idempotency_key_in_progress: 409,
  evidence_required: 409,
  too_many_attempts: 409,
  consent_already_exists: 409,
  consent_already_withdrawn: 409,
  relationship_already_ended: 409,
  relationship_not_ended: 409,
  legal_hold_already_exists: 409,
  legal_hold_already_released: 409,
  legal_hold_active: 409,
  processing_restricted: 409,
  erasure_release_required: 409,
  restriction_not_in_force: 409,
  override_already_exists: 409,
  override_pending: 409,
  override_already_decided: 409,
  override_outcome_unchanged: 409,
  override_not_permitted: 409,
  review_assigned_to_other: 409,
  reassignment_not_allowed: 403,
  evidence_id_conflict: 409,
  verification_expired: 409,
  not_yet_due: 409,
  concurrency_conflict: 409,
  rebuild_in_progress: 409,
  parked_delivery_resolved: 409,
  session_still_unknown: 409,
  parked_delivery_not_replayable: 409,
  replay_limit_reached: 409,
  calibration_limit_reached: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  position_beyond_head: 422,
  note_required: 422,
  consent_evidence_required: 422,
  consent_required: 422,
  unknown_jurisdiction: 422,
  unknown_segment: 422,
  unknown_risk_signal: 422,
  unknown_consent_scope: 422,
  unknown_notice: 422,
  unknown_erasure_ground: 422,
  reason_code_required: 422,
  reason_code_not_allowed: 422,
  relationship_end_before_start: 422,
  relationship_end_backdated_too_far: 422,
  domain_validation_failed: 422,
  invalid_policy: 422,
  too_many_requests: 429,
  internal_error: 500,
  ledger_corrupt: 500,
  read_model_behind: 503,
  event_store_unavailable: 503,
  no_active_policy: 503,
  checkpoint_unavailable: 503,
  identity_provider_unavailable: 503,
  vendor_unavailable: 503,
} as const;

export type ProblemCode = keyof typeof PROBLEM_STATUS;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'The request is malformed or failed validation',
  401: 'No valid credentials',
  403: 'The caller may not do this',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'The request body is too large',
  415: 'The request body is not JSON',
  422: 'Well-formed but not acceptable',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Temporarily unavailable (retry later)',
};

/** Every authenticated request can be refused for its credentials or its role, or throttled. */
export const AUTH_PROBLEMS = ['unauthenticated', 'forbidden', 'too_many_requests'] as const;
/** Every command with a JSON body can be refused before it reaches the domain. */
export const BODY_PROBLEMS = ['validation_failed', 'malformed_json', 'payload_too_large'] as const;

/** A command with an Idempotency-Key header. */
export const IDEMPOTENCY_PROBLEMS = [
  'invalid_idempotency_key',
  'idempotency_key_reused',
  'idempotency_key_in_progress',
] as const;

/** A read of a read model can wait for X-Min-Position (beyond the head: at once) and give up, or find the store unavailable. */
export const READ_PROBLEMS = [
  'position_beyond_head',
  'read_model_behind',
  'event_store_unavailable',
] as const;

/** Problem answers of an operation: one response per status, `code` narrowed to the codes named. */
export function ApiProblems(...codes: readonly ProblemCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, Set<string>>();
  for (const code of codes) {
    const status = PROBLEM_STATUS[code];
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  }
  const responses = [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, set]) =>
      ApiResponse({
        status,
        description: STATUS_TEXT[status] ?? 'Problem',
        content: {
          'application/problem+json': {
            schema: {
              allOf: [
                { $ref: getSchemaPath(ProblemView) },
                { type: 'object', properties: { code: { type: 'string', enum: [...set].sort() } } },
              ],
            },
          },
        },
      }),
    );
  return applyDecorators(ApiExtraModels(ProblemView, FieldProblemView), ...responses);
}

export interface ApiEndpointOptions {
  readonly summary: string;
  readonly description?: string;
  readonly operationId: string;
  /** The 2xx body; `undefined` for none. */
  readonly response?: Type<unknown> | [Type<unknown>];
  /** 200 (default) or 201 (created). */
  readonly status?: 200 | 201 | 202;
  readonly responseDescription?: string;
  /** Problem codes beyond the authentication ones. */
  readonly problems?: readonly ProblemCode[];
  /** A route anyone may call (health, metrics): no security, no authentication problems. */
  readonly public?: boolean;
  /**
   * With `public`: credentials are optional, and read when presented (@ReadsCredentials(), `GET /health`):
   * security is "none or bearer", and wrong credentials are answered 401, then 429 (no 403: no role is required).
   */
  readonly credentialsOptional?: boolean;
}

/** The problems of a public route that reads credentials presented to it: wrong ones, then their budget spent. */
const OPTIONAL_CREDENTIAL_PROBLEMS = ['unauthenticated', 'too_many_requests'] as const;

/** Summary, operationId, security, 2xx body and problem answers of one operation. */
export function ApiEndpoint(options: ApiEndpointOptions): MethodDecorator {
  const response = options.response;
  const isArray = Array.isArray(response);
  const type = isArray ? response[0] : response;
  const optional = options.public === true && options.credentialsOptional === true;
  const decorators: (MethodDecorator | ClassDecorator)[] = [
    ApiOperation({
      summary: options.summary,
      operationId: options.operationId,
      ...(options.description === undefined ? {} : { description: options.description }),
      ...(optional ? { security: [{}, { bearer: [] }] } : options.public === true ? { security: [] } : {}),
    }),
    ApiResponse({
      status: options.status ?? 200,
      description: options.responseDescription ?? (options.status === 201 ? 'Created' : 'OK'),
      ...(type === undefined ? {} : { type, isArray }),
    }),
    ApiProblems(
      ...(optional ? OPTIONAL_CREDENTIAL_PROBLEMS : options.public === true ? [] : AUTH_PROBLEMS),
      ...(options.problems ?? []),
    ),
  ];
  if (options.public !== true) decorators.push(ApiBearerAuth());
  return applyDecorators(...decorators);
}

type ResponsesObject = Record<string, unknown>;
interface OperationLike {
  security?: unknown[];
  responses?: ResponsesObject;
}

/**
 * The authentication guard is global: every operation that requires credentials can be answered 401, 403 or
 * 429 whether or not its controller says so. Fills those answers in where an operation does not declare them.
 * An operation whose security admits no credentials (`{}` among its requirements, `GET /health`) requires no
 * role, so it gets no 403.
 */
export function withAuthProblems<T extends { paths: Record<string, object>; security?: unknown[] }>(
  document: T,
): T {
  const problem = (code: ProblemCode): object => ({
    description: STATUS_TEXT[PROBLEM_STATUS[code]] ?? 'Problem',
    content: {
      'application/problem+json': {
        schema: {
          allOf: [
            { $ref: getSchemaPath(ProblemView) },
            { type: 'object', properties: { code: { type: 'string', enum: [code] } } },
          ],
        },
      },
    },
  });
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, OperationLike>)) {
      if (typeof operation !== 'object' || operation.responses === undefined) continue;
      const security = operation.security ?? document.security ?? [];
      if (security.length === 0) continue;
      const anonymousToo = security.some(
        (requirement) =>
          typeof requirement === 'object' && requirement !== null && Object.keys(requirement).length === 0,
      );
      for (const code of AUTH_PROBLEMS) {
        if (anonymousToo && code === 'forbidden') continue;
        const status = String(PROBLEM_STATUS[code]);
        operation.responses[status] ??= problem(code);
      }
    }
  }
  return document;
}
