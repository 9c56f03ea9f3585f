import { describe, expect, it } from 'vitest';
import { addDuration, durationToMs, parseDuration } from '../../../src/domain/policy/duration';
import { parseInstant } from '../../../src/domain/policy/instant';
import { InvalidDurationError } from '../../../src/domain/policy/policy.errors';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe(parseDuration.name, () => {
  it('reads every component', () => {
    expect(parseDuration('P1Y6M2W3DT4H5M6S')).toEqual({
      years: 1,
      months: 6,
      weeks: 2,
      days: 3,
      hours: 4,
      minutes: 5,
      seconds: 6,
    });
    expect(parseDuration('PT30M')).toMatchObject({ minutes: 30, months: 0 });
  });

  it.each([
    '',
    'P',
    'PT',
    'P1YT',
    '5Y',
    'p5y',
    'P5y',
    'P1.5Y',
    'PT0.5H',
    '-P1D',
    'P1D2H',
    'P1M1Y',
    'P0001-02-03',
    'P 1D',
  ])('refuses %j with an error naming it', (value) => {
    expect(() => parseDuration(value)).toThrow(InvalidDurationError);
    expect(() => parseDuration(value)).toThrow(/ISO 8601 duration/);
  });
});

describe(durationToMs.name, () => {
  it.each([
    ['P3D', 3 * DAY],
    ['PT72H', 72 * HOUR],
    ['PT30M', 30 * 60_000],
    ['P1W', 7 * DAY],
    ['P1DT12H', 36 * HOUR],
    ['PT90S', 90_000],
  ])('%s is %d ms', (value, ms) => {
    expect(durationToMs(value)).toBe(ms);
  });

  it.each(['P5Y', 'P1M', 'P0Y', 'P1Y6M', 'P1MT1H'])('refuses the calendar duration %s', (value) => {
    expect(() => durationToMs(value)).toThrow(/years or months/);
  });

  it('does not take the minutes of a time part for months', () => {
    expect(durationToMs('PT1M')).toBe(60_000);
  });
});

describe(addDuration.name, () => {
  it.each([
    ['2026-11-01T00:00:00Z', 'P5Y', '2031-11-01T00:00:00.000Z'],
    ['2024-02-29T10:00:00Z', 'P1Y', '2025-02-28T10:00:00.000Z'],
    ['2024-02-29T10:00:00Z', 'P4Y', '2028-02-29T10:00:00.000Z'],
    ['2026-01-31T00:00:00Z', 'P1M', '2026-02-28T00:00:00.000Z'],
    ['2026-08-31T00:00:00Z', 'P1Y6M', '2028-02-29T00:00:00.000Z'],
    ['2026-12-15T00:00:00Z', 'P1M', '2027-01-15T00:00:00.000Z'],
    ['2026-03-28T12:00:00Z', 'P3D', '2026-03-31T12:00:00.000Z'],
    ['2026-11-26T10:00:00Z', 'PT72H', '2026-11-29T10:00:00.000Z'],
    ['2026-11-26T23:45:00Z', 'PT30M', '2026-11-27T00:15:00.000Z'],
    ['2026-11-26T10:00:00+02:00', 'P1D', '2026-11-27T08:00:00.000Z'],
    ['2026-11-01', 'P2Y', '2028-11-01T00:00:00.000Z'],
  ])('%s + %s = %s', (instant, duration, expected) => {
    expect(addDuration(instant, duration)).toBe(expected);
  });

  it('refuses a bad instant and a bad duration', () => {
    expect(() => addDuration('2026-11-26 10:00', 'P1D')).toThrow(InvalidDurationError);
    expect(() => addDuration('2026-11-26T10:00:00Z', 'five years')).toThrow(InvalidDurationError);
  });
});

describe(parseInstant.name, () => {
  it('reads dates as midnight UTC and date-times with their offset', () => {
    expect(parseInstant('2026-11-01')).toBe(Date.UTC(2026, 10, 1));
    expect(parseInstant('2026-11-01T01:30:00+01:00')).toBe(Date.UTC(2026, 10, 1, 0, 30));
    expect(parseInstant('2026-11-26T10:00:00.123Z')).toBe(Date.UTC(2026, 10, 26, 10, 0, 0, 123));
  });

  it.each([
    '2026-02-30',
    '2026-13-01',
    '2026-11-26T10:00:00',
    '2026-11-26T24:00:00Z',
    '26-11-2026',
    'yesterday',
  ])('refuses %j', (value) => {
    expect(() => parseInstant(value)).toThrow(InvalidDurationError);
  });
});
