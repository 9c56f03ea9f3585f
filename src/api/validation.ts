import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { LedgerError } from '../shared/ledger-error';

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

function flatten(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Unknown fields are refused, not dropped; types are checked, not coerced. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flatten(errors)),
  });
}
