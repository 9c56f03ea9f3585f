import { Injectable, type PipeTransform } from '@nestjs/common';
import { ID_PATTERN } from '../../ledger/stream-names';
import { RequestValidationError } from './validation';

/** Path ids (subject, session, consent, hold, override): pseudonymous, bounded, no personal-data shapes. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  constructor(private readonly field: string) {}

  transform(value: string): string {
    if (!ID_PATTERN.test(value)) {
      throw new RequestValidationError([
        { field: this.field, problems: [`${this.field} must match ${ID_PATTERN.source}`] },
      ]);
    }
    return value;
  }
}
