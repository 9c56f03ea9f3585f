import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { LedgerError } from '../../shared/ledger-error';

export interface FieldProblem {
  readonly field: string;
  readonly problems: readonly string[];
}

/** A request body or parameter that does not match its declared shape. Lists fields and rules, never values. */
export class RequestValidationError extends LedgerError {
  readonly code = 'validation_failed';
  constructor(readonly errors: readonly FieldProblem[]) {
    super(`the request is not valid: ${errors.map((e) => e.field).join(', ')}`, { errors });
  }
}

/** Declared fields and array indexes look like this; an unknown key that does not may itself be data. */
const FIELD_NAME = /^(?:[A-Za-z_$][\w$]{0,63}|\d{1,6})$/;
const UNNAMED = '(unnamed)';

function flatten(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const property = error.property;
    const name = FIELD_NAME.test(property) ? property : UNNAMED;
    const field = prefix ? `${prefix}.${name}` : name;
    // Rule messages quote the property name ("property … should not exist"), so it is replaced there too.
    const problems = Object.values(error.constraints ?? {}).map((problem) =>
      name === property || property === '' ? problem : problem.split(property).join(name),
    );
    const own = error.constraints ? [{ field, problems }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Names every object inherits from Object.prototype (`constructor`, `__proto__`, `toString`, `valueOf`, …).
 * class-transformer skips such keys when it builds a DTO (on any instance they resolve to functions, and
 * `__proto__` to the prototype), so the whitelist never sees them and they would be dropped, not refused.
 */
const PROTOTYPE_MEMBERS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));
/** Enough fields named to fix an honest request; a bounded answer to a hostile one. */
const MAX_PROTOTYPE_FIELDS = 20;

/**
 * Paths (`checks.0.constructor`) of the own keys named like Object.prototype members anywhere in a parsed
 * value, in document order. Iterative: the value may be as deep as the JSON depth limit allows.
 */
export function prototypeMemberFields(value: unknown): string[] {
  const found: string[] = [];
  const stack: { readonly value: unknown; readonly path: string }[] = [{ value, path: '' }];
  for (let next = stack.pop(); next && found.length < MAX_PROTOTYPE_FIELDS; next = stack.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const node = next.value as Readonly<Record<string, unknown>>;
    const children: { value: unknown; path: string }[] = [];
    for (const key of Object.keys(node)) {
      const name = FIELD_NAME.test(key) ? key : UNNAMED;
      const path = next.path ? `${next.path}.${name}` : name;
      if (PROTOTYPE_MEMBERS.has(key)) found.push(path);
      else children.push({ value: node[key], path });
    }
    // One push each (a spread of a huge array would overflow the call stack), last first: document order.
    for (const child of children.reverse()) stack.push(child);
  }
  return found.slice(0, MAX_PROTOTYPE_FIELDS);
}

/** Refuses prototype-named keys on the parsed value, before class-transformer could drop them. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (this.toValidate(metadata)) {
      const fields = prototypeMemberFields(value);
      if (fields.length > 0) {
        throw new RequestValidationError(
          fields.map((field) => ({
            field,
            problems: [`property ${field.slice(field.lastIndexOf('.') + 1)} should not exist`],
          })),
        );
      }
    }
    const transformed: unknown = await super.transform(value, metadata);
    return transformed;
  }
}

/** Unknown fields are refused, not dropped; types are checked, not coerced. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flatten(errors)),
  });
}
