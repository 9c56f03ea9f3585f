/**
 * The demo's data set, drawn from a seed: which people go through which journey, from which country, on which
 * device, with which document and vendor. The same seed and count always give the same plan, so a second run
 * sends the same requests (with the same idempotency keys) and adds nothing.
 */

export const DEMO_KINDS = [
  'auto_approve',
  'resubmit_then_approve',
  'retry_limit',
  'international_review_approve',
  'international_review_reject',
  'sanctions_cleared_by_senior',
  'pep_review',
  'override_four_eyes',
  'embargo',
  'abandoned',
  'consent_withdrawn',
  'erasure_after_relationship_end',
  'legal_hold',
  'awaiting_review',
  'override_awaiting_approval',
] as const;
export type DemoKind = (typeof DEMO_KINDS)[number];

/** How often each journey occurs, per 100 sessions: mostly clean approvals, as in production. */
const WEIGHTS: Record<DemoKind, number> = {
  auto_approve: 42,
  resubmit_then_approve: 10,
  retry_limit: 3,
  international_review_approve: 11,
  international_review_reject: 3,
  sanctions_cleared_by_senior: 5,
  pep_review: 4,
  override_four_eyes: 4,
  embargo: 2,
  abandoned: 6,
  consent_withdrawn: 3,
  erasure_after_relationship_end: 5,
  legal_hold: 2,
  // Left waiting, so that the console opens on a working day's queue and a senior reviewer's inbox.
  awaiting_review: 10,
  override_awaiting_approval: 2,
};

/**
 * Why a review is waiting, as the policy will see it, and so which priority it gets (review-ticket.ts): a
 * sanctions hit 1, a PEP match 2, a self-declared PEP (a review-trigger signal) 3, a score in the review band 4,
 * a country without its own rules 5.
 */
export const WAITING_REASONS = [
  'sanctions',
  'pep',
  'self_declared_pep',
  'low_score',
  'jurisdiction',
] as const;
export type WaitingReason = (typeof WAITING_REASONS)[number];
const WAITING_WEIGHTS: Record<WaitingReason, number> = {
  sanctions: 1,
  pep: 2,
  self_declared_pep: 2,
  low_score: 3,
  jurisdiction: 4,
};
/** Share of the waiting reviews a reviewer already took: most of a queue is unassigned. */
const ASSIGNED_SHARE = 0.3;

/** Countries with their own rules in the shipped policy; the rest take the manual-review fallback. */
const POLICY_COUNTRIES = ['DE', 'GB', 'US'] as const;
const FALLBACK_COUNTRIES = ['FR', 'ES', 'IT', 'NL', 'PL', 'SE', 'BR', 'IN', 'JP', 'MX'] as const;
const EMBARGOED = ['KP', 'IR'] as const;
/** Locales of the privacy notices the service ships (policies/notices); other countries read the English one. */
const LOCALES: Record<string, string> = { DE: 'de-DE', GB: 'en-GB', US: 'en-US', FR: 'fr-FR' };
export const VENDORS = ['onfido', 'veriff', 'sumsub', 'persona'] as const;
const DEVICES = [
  { deviceClass: 'mobile', channel: 'mobile', weight: 6 },
  { deviceClass: 'desktop', channel: 'web', weight: 3 },
  { deviceClass: 'tablet', channel: 'web', weight: 1 },
] as const;
/** Documents each policy country accepts for retail (the fallback accepts passports only). */
const DOCUMENTS: Record<string, readonly string[]> = {
  DE: ['id_card', 'passport', 'passport'],
  GB: ['driving_licence', 'passport', 'passport'],
  US: ['driving_licence', 'passport'],
};

const GIVEN = [
  'Alex',
  'Sam',
  'Mira',
  'Jonas',
  'Aiko',
  'Lucía',
  'Omar',
  'Priya',
  'Tomasz',
  'Elin',
  'Chidi',
  'Noor',
];
const FAMILY = ['Demoson', 'Beispiel', 'Exemplar', 'Muster', 'Sample', 'Testa', 'Probe', 'Voorbeeld'];

export interface DemoCase {
  readonly index: number;
  readonly kind: DemoKind;
  readonly subjectId: string;
  readonly jurisdiction: string;
  readonly segment: 'retail' | 'business';
  readonly locale: string;
  readonly vendor: (typeof VENDORS)[number];
  readonly deviceClass: string;
  readonly channel: string;
  readonly documentType: string;
  readonly issuingCountry: string;
  /** For `awaiting_review` only: why the review waits, and whether the demo reviewer already took it. */
  readonly waiting?: { readonly reason: WaitingReason; readonly assigned: boolean };
  /** Made-up personal data (the ledger encrypts it; the demo shows who may read it). */
  readonly person: {
    readonly fullName: string;
    readonly dateOfBirth: string;
    readonly documentNumber: string;
  };
}

/** A small seeded generator (mulberry32): the plan is a function of the seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function weighted<T extends string>(random: () => number, weights: Readonly<Record<T, number>>): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [item, weight] of entries) {
    roll -= weight;
    if (roll < 0) return item;
  }
  const last = entries.at(-1);
  if (last === undefined) throw new Error('no weights');
  return last[0];
}

function jurisdictionFor(kind: DemoKind, random: () => number, waiting: WaitingReason | undefined): string {
  if (kind === 'embargo') return pick(random, EMBARGOED);
  if (
    kind === 'international_review_approve' ||
    kind === 'international_review_reject' ||
    waiting === 'jurisdiction'
  ) {
    return pick(random, FALLBACK_COUNTRIES);
  }
  // Three failed attempts end a German session (two resubmissions allowed there).
  if (kind === 'retry_limit') return 'DE';
  return pick(random, POLICY_COUNTRIES);
}

/**
 * Why the `nth` waiting review waits: the first five take each reason once (so a small demo shows every priority),
 * the first is taken by the reviewer and the second not; the rest are drawn.
 */
function waitingCase(random: () => number, nth: number): { reason: WaitingReason; assigned: boolean } {
  const drawn = weighted(random, WAITING_WEIGHTS);
  const assigned = random() < ASSIGNED_SHARE;
  return {
    reason: WAITING_REASONS[nth] ?? drawn,
    assigned: nth === 0 ? true : nth === 1 ? false : assigned,
  };
}

/** `count` cases, every journey at least once (from 15 on), drawn from `seed`. */
export function planDemo(count: number, seed: number): DemoCase[] {
  const random = seededRandom(seed);
  const kinds: DemoKind[] = count >= DEMO_KINDS.length ? [...DEMO_KINDS] : [];
  while (kinds.length < count) kinds.push(weighted(random, WEIGHTS));
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const a = kinds[i];
    const b = kinds[j];
    if (a !== undefined && b !== undefined) [kinds[i], kinds[j]] = [b, a];
  }
  let waitingSoFar = 0;
  return kinds.map((kind, index) => {
    const waiting = kind === 'awaiting_review' ? waitingCase(random, waitingSoFar++) : undefined;
    const jurisdiction = jurisdictionFor(kind, random, waiting?.reason);
    const device = weighted(random, Object.fromEntries(DEVICES.map((d) => [d.deviceClass, d.weight])));
    const documentType = pick(random, DOCUMENTS[jurisdiction] ?? ['passport']);
    const year = 1950 + Math.floor(random() * 55);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    return {
      index,
      kind,
      subjectId: `demo_${seed}_${index}`,
      jurisdiction,
      segment: random() < 0.9 ? 'retail' : 'business',
      locale: LOCALES[jurisdiction] ?? 'en-GB',
      vendor: pick(random, VENDORS),
      deviceClass: device,
      channel: DEVICES.find((d) => d.deviceClass === device)?.channel ?? 'web',
      documentType,
      // A domestic document mostly; now and then a passport from abroad, as residents present them.
      issuingCountry:
        random() < 0.85 || documentType !== 'passport' ? jurisdiction : pick(random, FALLBACK_COUNTRIES),
      ...(waiting === undefined ? {} : { waiting }),
      person: {
        fullName: `${pick(random, GIVEN)} ${pick(random, FAMILY)}`,
        dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        documentNumber: `D${Math.floor(random() * 1e9)
          .toString(36)
          .toUpperCase()
          .padStart(7, '0')}`,
      },
    };
  });
}
