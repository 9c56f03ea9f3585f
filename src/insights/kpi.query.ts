import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { RequestValidationError } from '../platform/http/validation';

/* `GET /v1/insights/kpis`: the query, its range of UTC days, grouping and filters (docs/insights.md). */

export const GROUP_BY = ['country', 'deviceClass', 'documentType', 'vendor'] as const;
export type KpiGroupBy = (typeof GROUP_BY)[number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A dimension value as events carry it: a word of letters, digits and `_ . : @ -`. */
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;
/** The default range: the last 30 days, today (UTC, by the service clock) included. */
export const DEFAULT_DAYS = 30;
/** The longest range one request may ask for (it bounds the decision times loaded for the percentiles). */
export const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

export class KpiQuery {
  @ApiPropertyOptional({ description: 'First UTC day (YYYY-MM-DD), inclusive; default: 29 days before `to`' })
  @IsOptional()
  @IsString()
  @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ description: 'Last UTC day (YYYY-MM-DD), inclusive; default: today' })
  @IsOptional()
  @IsString()
  @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ enum: GROUP_BY, description: 'Rows per day and this dimension; default: per day' })
  @IsOptional()
  @IsIn(GROUP_BY, { message: `groupBy must be one of ${GROUP_BY.join(', ')}` })
  groupBy?: KpiGroupBy;

  @ApiPropertyOptional({
    description: 'Only sessions of this jurisdiction (ISO 3166-1 alpha-2)',
    example: 'DE',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as GB' })
  country?: string;

  @ApiPropertyOptional({ description: 'Only sessions whose first capture was on this device class' })
  @IsOptional()
  @IsString()
  @Matches(TOKEN, { message: 'deviceClass must be a device class such as mobile' })
  deviceClass?: string;

  @ApiPropertyOptional({ description: 'Only sessions whose first document was of this type' })
  @IsOptional()
  @IsString()
  @Matches(TOKEN, { message: 'documentType must be a document type such as passport' })
  documentType?: string;

  @ApiPropertyOptional({ description: 'Only sessions whose first vendor was this one' })
  @IsOptional()
  @IsString()
  @Matches(TOKEN, { message: 'vendor must be a vendor name such as onfido' })
  vendor?: string;

  @ApiPropertyOptional({ description: 'Only sessions started under this policy version' })
  @IsOptional()
  @IsString()
  @Matches(TOKEN, { message: 'policyVersion must be a policy version such as 2026-11-01' })
  policyVersion?: string;
}

/** The dimension filters a query may set. */
export interface KpiDimensions {
  readonly country?: string;
  readonly deviceClass?: string;
  readonly documentType?: string;
  readonly vendor?: string;
  readonly policyVersion?: string;
}

export interface KpiFilter extends KpiDimensions {
  /** UTC days, both inclusive. */
  readonly from: string;
  readonly to: string;
  readonly groupBy?: KpiGroupBy;
}

/** The filter a valid query stands for; refuses impossible dates and ranges (naming the field, not the value). */
export function kpiFilter(query: KpiQuery, now: Date): KpiFilter {
  const problems: { field: string; problems: string[] }[] = [];
  const dayOf = (field: 'from' | 'to'): number | undefined => {
    const value = query[field];
    if (value === undefined) return undefined;
    const time = Date.parse(`${value}T00:00:00.000Z`);
    if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value) {
      problems.push({ field, problems: [`${field} must be a date that exists in the calendar`] });
      return undefined;
    }
    return time;
  };
  const fromTime = dayOf('from');
  const toTime = dayOf('to');
  if (problems.length > 0) throw new RequestValidationError(problems);
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00.000Z`);
  const to = toTime ?? today;
  const from = fromTime ?? to - (DEFAULT_DAYS - 1) * DAY_MS;
  if (from > to)
    throw new RequestValidationError([{ field: 'from', problems: ['from must not be after to'] }]);
  if ((to - from) / DAY_MS + 1 > MAX_DAYS) {
    throw new RequestValidationError([
      { field: 'from', problems: [`the range from..to must span at most ${MAX_DAYS} days`] },
    ]);
  }
  const day = (time: number): string => new Date(time).toISOString().slice(0, 10);
  return {
    from: day(from),
    to: day(to),
    ...(query.groupBy === undefined ? {} : { groupBy: query.groupBy }),
    ...(query.country === undefined ? {} : { country: query.country }),
    ...(query.deviceClass === undefined ? {} : { deviceClass: query.deviceClass }),
    ...(query.documentType === undefined ? {} : { documentType: query.documentType }),
    ...(query.vendor === undefined ? {} : { vendor: query.vendor }),
    ...(query.policyVersion === undefined ? {} : { policyVersion: query.policyVersion }),
  };
}
