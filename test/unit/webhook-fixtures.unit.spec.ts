import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalisedDelivery } from '../../src/webhooks/delivery';
import { OnfidoAdapter } from '../../src/webhooks/vendors/onfido';
import { PersonaAdapter } from '../../src/webhooks/vendors/persona';
import { SumsubAdapter } from '../../src/webhooks/vendors/sumsub';
import { VeriffAdapter } from '../../src/webhooks/vendors/veriff';
import { fixture, WEBHOOK_SECRETS, FIXTURE_PII } from '../support/webhook-signing';

/*
 * Payloads built from each vendor's published examples (`test/fixtures/webhooks/<vendor>/`, the page each follows
 * in its `_source`), and what the mapping must make of them (`test/fixtures/webhooks/expected.json`): the outcome,
 * and for every implicated check its kind, result, reason codes and the vendor's own label that must be kept.
 * Checks an expectation does not name are not judged here.
 */

interface ExpectedCheck {
  readonly kind: string;
  readonly result: string;
  /** Codes the check must cite (it may cite more). */
  readonly reasonCodes: readonly string[];
  /** Codes the check must not cite (the mistakes the vendor's page rules out). */
  readonly reasonCodesAbsent?: readonly string[];
  /** The vendor's own labels or codes the check must keep. */
  readonly labelIncludes: readonly string[];
}

interface Expectation {
  readonly outcome: 'checks' | 'none';
  readonly reason?: string;
  /** The vendor marks the result as its sandbox's: kept, marked, and parked by the intake (never counted). */
  readonly sandbox?: boolean;
  /** Kinds the payload says nothing about (e.g. sanctions for a PEP-only screening). */
  readonly kindsAbsent?: readonly string[];
  readonly checks: readonly ExpectedCheck[];
}

const FIXTURES = join(__dirname, '../fixtures/webhooks');
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Readonly<
  Record<string, Expectation>
>;

const PII = FIXTURE_PII;

const AT = '2026-11-26T10:05:00.000Z';
const VALUES = {
  vendorReference: 'ref_fx_0001',
  sessionId: 'ses_fx_0001',
  occurredAt: AT,
  eventId: 'evt_fx_0001',
  reportId: 'rep_fx_0001',
  createdAtMs: '2026-11-26 10:05:00.123',
  createdAt: '2023-03-14 12:50:27+0000',
};

interface Adapter {
  normalise(payload: unknown, raw: Buffer): NormalisedDelivery;
}

const ADAPTERS: Readonly<Record<string, Adapter>> = {
  onfido: new OnfidoAdapter(WEBHOOK_SECRETS.onfido),
  veriff: new VeriffAdapter(WEBHOOK_SECRETS.veriff),
  sumsub: new SumsubAdapter(WEBHOOK_SECRETS.sumsub),
  persona: new PersonaAdapter(WEBHOOK_SECRETS.persona, 300),
};

function adapterFor(file: string): Adapter {
  const adapter = ADAPTERS[file.split('/')[0] ?? ''];
  if (adapter === undefined) throw new Error(`no vendor adapter for ${file}`);
  return adapter;
}

const entries = Object.entries(EXPECTED);

describe('Vendor payloads from the vendors’ own documentation', () => {
  it('covers every vendor with its documented examples', () => {
    const perVendor = new Map<string, number>();
    for (const [file] of entries) {
      const vendor = file.split('/')[0] ?? '';
      perVendor.set(vendor, (perVendor.get(vendor) ?? 0) + 1);
    }
    for (const vendor of Object.keys(ADAPTERS)) {
      expect(perVendor.get(vendor) ?? 0, `${vendor} fixtures`).toBeGreaterThanOrEqual(8);
    }
    expect([...perVendor.keys()].sort()).toEqual(Object.keys(ADAPTERS).sort());
  });

  describe.each(entries)('%s', (file, expectation) => {
    const raw = fixture(file, VALUES);
    const payload: unknown = JSON.parse(raw.toString('utf8'));

    it('names the vendor page it follows', () => {
      const source = (payload as { _source?: unknown })._source;
      expect(typeof source === 'string' ? source : '').toMatch(/^https:\/\/[^\s/]+\.[^\s]+/);
    });

    it('maps to what the vendor said, with the vendor’s own label and no personal data', () => {
      const delivery = adapterFor(file).normalise(payload, raw);

      const text = JSON.stringify(delivery);
      for (const value of PII)
        expect(text, `normalised delivery must not contain ${value}`).not.toContain(value);

      expect(delivery.sandbox === true, 'marked as a sandbox result').toBe(expectation.sandbox === true);
      if (expectation.outcome === 'none') {
        expect(delivery.outcome).toEqual({ kind: 'none', reason: expectation.reason });
        return;
      }
      expect(delivery.outcome.kind).toBe('checks');
      const checks = delivery.outcome.kind === 'checks' ? delivery.outcome.checks : [];
      for (const want of expectation.checks) {
        const found = checks.find((c) => c.kind === want.kind);
        expect(found, `a ${want.kind} check among ${JSON.stringify(checks)}`).toEqual(
          expect.objectContaining({
            kind: want.kind,
            result: want.result,
            ...(want.reasonCodes.length > 0
              ? { reasonCodes: expect.arrayContaining([...want.reasonCodes]) }
              : {}),
            ...(want.labelIncludes.length > 0
              ? { vendorLabels: expect.arrayContaining([...want.labelIncludes]) }
              : {}),
          }),
        );
        const cited = found?.reasonCodes ?? [];
        if (want.result === 'clear') expect(cited, `a clear ${want.kind} check cites no reason`).toEqual([]);
        for (const code of want.reasonCodesAbsent ?? []) {
          expect(cited, `the ${want.kind} check must not cite ${code}`).not.toContain(code);
        }
      }
      for (const kind of expectation.kindsAbsent ?? []) {
        expect(
          checks.map((c) => c.kind),
          `the payload says nothing about ${kind}`,
        ).not.toContain(kind);
      }
    });
  });
});
