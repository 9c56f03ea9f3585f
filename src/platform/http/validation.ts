import { ValidationPipe, type ValidationError } from '@nestjs/common';
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
