import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, call, describeError, query, type Schemas } from '../api';
import { ErrorNote, Hash, Justification, Loading, Page, StatusBadge, Time, useAsync } from '../components';
import { href, navigate } from '../router';
import { can, type Me } from '../session';
import { groupHex, normaliseFingerprint, type ProofVerification, verifyProof } from '../verify';
import './session.css';

type Status = Schemas['VerificationStatusView'];
type Entry = Schemas['TimelineEntryView'];
type TimelinePage = Schemas['SessionTimelineView'];
type Explanation = Schemas['ExplanationView'];
type Citation = Schemas['CitationView'];
type Proof = Schemas['InclusionProofView'];

const DECISION_TYPES = new Set(['VerificationApproved', 'VerificationRejected', 'VerificationExpired']);

/** The point in time the page shows: a global position, an ISO time, or now. */
interface Point {
  readonly atPosition?: string;
  readonly asOf?: string;
}

function pointOf(params: URLSearchParams): Point {
  const atPosition = params.get('atPosition');
  const asOf = params.get('asOf');
  if (atPosition !== null && /^\d{1,15}$/.test(atPosition)) return { atPosition };
  if (asOf !== null && asOf !== '') return { asOf };
  return {};
}

/** Every entry of the session's timeline, page after page (the API pages by position). */
async function wholeTimeline(sessionId: string, signal: AbortSignal): Promise<TimelinePage> {
  const base = `/v1/verifications/${encodeURIComponent(sessionId)}/timeline`;
  let page = await call<TimelinePage>(`${base}${query({ limit: 1000 })}`, { signal });
  const entries = [...page.entries];
  while (page.nextAfter !== undefined) {
    page = await call<TimelinePage>(`${base}${query({ limit: 1000, after: page.nextAfter })}`, { signal });
    entries.push(...page.entries);
  }
  return { ...page, entries };
}

const entryAnchor = (eventId: string): string => `event-${eventId}`;

/** Moves focus to a timeline entry (a button, not a fragment link: the hash holds the console's route). */
function showEntry(eventId: string): void {
  const target = document.getElementById(entryAnchor(eventId));
  if (target === null) return;
  target.scrollIntoView({ block: 'center' });
  target.focus();
}

function CitationRef({ proof, known }: { proof: Citation; known: ReadonlyMap<string, Entry> }) {
  const entry = known.get(proof.eventId);
  return (
    <span class="citation">
      {entry === undefined ? (
        <code title={proof.eventId}>event {proof.eventId.slice(0, 8)}</code>
      ) : (
        <button
          type="button"
          class="link"
          onClick={() => {
            showEntry(proof.eventId);
          }}
          aria-label={`Show event ${proof.eventId} at position ${proof.position} in the timeline`}
        >
          event {proof.eventId.slice(0, 8)}
        </button>
      )}{' '}
      <span class="muted">@{proof.position}</span> <Hash value={proof.hash} />
      {entry !== undefined && entry.hash !== proof.hash ? (
        <strong class="mismatch"> hash differs from the timeline</strong>
      ) : null}
    </span>
  );
}

function StatusFacts({ status }: { status: Status }) {
  return (
    <dl class="facts">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={status.status} />
        {status.decidedBy === undefined ? null : <span class="muted"> by {status.decidedBy}</span>}
      </dd>
      <dt>Subject</dt>
      <dd>
        <code>{status.subjectId}</code>
      </dd>
      <dt>Jurisdiction · segment</dt>
      <dd>
        {status.jurisdiction} · {status.segment}
      </dd>
      <dt>Tier</dt>
      <dd>{status.tier}</dd>
      <dt>Attempts</dt>
      <dd>{status.attempts}</dd>
      <dt>Reason codes</dt>
      <dd>
        {status.reasonCodes.length === 0 ? <span class="muted">none</span> : status.reasonCodes.join(', ')}
      </dd>
      <dt>Policy</dt>
      <dd>
        {status.policyVersion ?? ''} <Hash value={status.policyHash} />
      </dd>
      <dt>Updated</dt>
      <dd>
        <Time iso={status.updatedAt} /> <span class="muted">(position {status.position})</span>
      </dd>
    </dl>
  );
}

function Claim({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function ExplanationView({ x, known }: { x: Explanation; known: ReadonlyMap<string, Entry> }) {
  const cite = (proof: Citation) => <CitationRef proof={proof} known={known} />;
  return (
    <>
      <p class="summary">{x.summary}</p>
      <dl class="facts">
        {x.decision === null ? (
          <Claim label="Decision">
            <span class="muted">none yet{x.waitingFor === null ? '' : ` — waiting for ${x.waitingFor}`}</span>
          </Claim>
        ) : (
          <Claim label="Decision">
            <StatusBadge status={x.decision.outcome} /> by {x.decision.decidedBy} ({x.decision.actor.kind}{' '}
            {x.decision.actor.id}), <Time iso={x.decision.at} />
            {x.decision.reasonCodes.length === 0
              ? null
              : ` — ${x.decision.reasonCodes.map((c) => c.code).join(', ')}`}
            <br />
            {cite(x.decision.proof)}
          </Claim>
        )}
        {x.originalDecision === null ? null : (
          <Claim label="Replaced decision">
            {x.originalDecision.outcome} by {x.originalDecision.decidedBy} <br />
            {cite(x.originalDecision.proof)}
          </Claim>
        )}
        <Claim label="Policy">
          {x.policy.policyId} {x.policy.version} ({x.policy.jurisdiction}, {x.policy.segment}, tier{' '}
          {x.policy.tier}; {x.policy.path}) <br />
          {cite(x.policy.proof)}
        </Claim>
        {x.consent === null ? (
          <Claim label="Consent">
            <span class="muted">none in force</span>
          </Claim>
        ) : (
          <Claim label="Consent">
            {x.consent.scopes.join(', ')}, notice {x.consent.noticeVersion}, granted{' '}
            <Time iso={x.consent.grantedAt} />
            {x.consent.withdrawn === null ? null : ' — withdrawn'}
            <br />
            {cite(x.consent.proof)}
          </Claim>
        )}
      </dl>
      {x.evaluations.length === 0 ? null : (
        <>
          <h3>Policy evaluations</h3>
          <ul class="claims">
            {x.evaluations.map((e) => (
              <li key={e.proof.eventId}>
                Attempt {e.attempt}: <strong>{e.outcome}</strong> (tier {e.tier}, after {e.trigger})
                {e.reasonCodes.length === 0 ? '' : ` — ${e.reasonCodes.map((c) => c.code).join(', ')}`}
                {e.ruleTrace.length === 0 ? null : (
                  <span class="muted">
                    {' '}
                    · rules: {e.ruleTrace.map((r) => `${r.ruleId} ${r.result}`).join(', ')}
                  </span>
                )}
                <br />
                {cite(e.proof)}
              </li>
            ))}
          </ul>
        </>
      )}
      {x.vendorResults.length === 0 ? null : (
        <>
          <h3>Vendor results</h3>
          <ul class="claims">
            {x.vendorResults.map((v) => (
              <li key={v.proof.eventId}>
                {v.vendor}, attempt {v.attempt}
                {v.counted ? '' : ' (not counted)'}: {v.checks.map((c) => `${c.kind} ${c.result}`).join(', ')}
                <br />
                {cite(v.proof)}
              </li>
            ))}
          </ul>
        </>
      )}
      {x.reviews.length === 0 ? null : (
        <>
          <h3>Reviews</h3>
          <ul class="claims">
            {x.reviews.map((r) => (
              <li key={r.proof.eventId}>
                {r.reviewerId}: {r.outcome}
                {r.reasonCodes.length === 0 ? '' : ` — ${r.reasonCodes.map((c) => c.code).join(', ')}`}
                <br />
                {cite(r.proof)}
              </li>
            ))}
          </ul>
        </>
      )}
      {x.overrides.length === 0 ? null : (
        <>
          <h3>Overrides</h3>
          <ul class="claims">
            {x.overrides.map((o) => (
              <li key={o.overrideId}>
                {o.requestedBy} asked to {o.outcome} ({o.status}
                {o.decidedBy === null ? '' : `, decided by ${o.decidedBy}`}): <Justification override={o} />
                <br />
                {cite(o.requestProof)}
                {o.decisionProof === null ? null : <> · {cite(o.decisionProof)}</>}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

type VerifyState =
  | { readonly phase: 'running'; readonly entry: Entry }
  | {
      readonly phase: 'done';
      readonly entry: Entry;
      readonly proof: Proof;
      readonly result: ProofVerification;
    }
  | { readonly phase: 'error'; readonly entry: Entry; readonly error: unknown };

const TRUSTED_KEY = 'kyc-ledger.console.trustedKeyFingerprint';

/**
 * The fingerprint of the signing key this browser trusts (kept in local storage: it is public, and an auditor
 * pins it once, from a source other than this service). With it, a checkpoint re-signed by any other key fails.
 */
const trustedKeyStore = {
  get: (): string | undefined => normaliseFingerprint(localStorage.getItem(TRUSTED_KEY) ?? ''),
  set: (fingerprint: string | undefined): void => {
    if (fingerprint === undefined) localStorage.removeItem(TRUSTED_KEY);
    else localStorage.setItem(TRUSTED_KEY, fingerprint);
  },
};

function TrustedKey({
  fingerprint,
  onChange,
}: {
  fingerprint: string | undefined;
  onChange: (fingerprint: string | undefined) => void;
}) {
  const [text, setText] = useState('');
  const parsed = normaliseFingerprint(text);
  return (
    <details class="trusted-key" open={fingerprint === undefined ? undefined : true}>
      <summary>
        Trusted signing key:{' '}
        {fingerprint === undefined ? (
          <strong>none pinned</strong>
        ) : (
          <code data-testid="trusted-fingerprint">{groupHex(fingerprint)}</code>
        )}
      </summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (parsed !== undefined) {
            onChange(parsed);
            setText('');
          }
        }}
      >
        <label for="trusted-fingerprint-input">SHA-256 fingerprint of the ledger's public key (hex)</label>
        <input
          id="trusted-fingerprint-input"
          autoComplete="off"
          spellcheck={false}
          value={text}
          onInput={(e) => {
            setText(e.currentTarget.value);
          }}
        />
        <div class="row">
          <button type="submit" disabled={parsed === undefined}>
            Trust this fingerprint
          </button>
          {fingerprint === undefined ? null : (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                onChange(undefined);
              }}
            >
              Forget the trusted key
            </button>
          )}
        </div>
      </form>
    </details>
  );
}

function VerifyReport({ state, onTrust }: { state: VerifyState; onTrust: (fingerprint: string) => void }) {
  const what = `${state.entry.type} (position ${state.entry.position})`;
  if (state.phase === 'running') {
    return (
      <p class="muted" role="status">
        Checking the proof of {what}…
      </p>
    );
  }
  if (state.phase === 'error') {
    const pending = state.error instanceof ApiError && state.error.code === 'not_yet_checkpointed';
    return pending ? (
      <p class="notice" role="status">
        {what} is not yet in a signed checkpoint, so there is no proof of it yet. Try again after the next
        checkpoint is signed.
      </p>
    ) : (
      <p class="error" role="alert">
        The proof of {what} could not be fetched: {describeError(state.error)}
      </p>
    );
  }
  const { result, proof } = state;
  return (
    <div class="verify-report">
      {result.failed === undefined ? (
        <p class="verified" role="status">
          <strong>Verified</strong>: {what} is in signed checkpoint {proof.checkpoint.statement.sequence}.
        </p>
      ) : (
        <p class="tampered" role="alert">
          <strong>Verification failed</strong> at step “{result.failed.title}”: {result.failed.detail}
        </p>
      )}
      <ol class="verify-steps" aria-label="Verification steps">
        {result.checks.map((c) => (
          <li key={c.step} class={c.ok ? 'pass' : 'fail'}>
            <span class="mark" aria-hidden="true">
              {c.ok ? '✓' : '✗'}
            </span>{' '}
            <strong>{c.title}</strong> — {c.ok ? 'passed' : 'failed'}. <span>{c.detail}</span>
          </li>
        ))}
      </ol>
      <dl class="facts">
        <dt>Event</dt>
        <dd>
          <code>{proof.eventId}</code>
        </dd>
        <dt>Key id</dt>
        <dd>
          <code data-testid="key-id">{result.keyId}</code>
        </dd>
        <dt>Key fingerprint (SHA-256 of the public key)</dt>
        <dd>
          <code data-testid="key-fingerprint">{groupHex(result.fingerprint)}</code>
        </dd>
        <dt>Checkpoint</dt>
        <dd>
          {proof.checkpoint.statement.sequence}, positions {proof.checkpoint.statement.fromPosition + 1}–
          {proof.checkpoint.statement.toPosition}, signed <Time iso={proof.checkpoint.statement.signedAt} />
        </dd>
        <dt>Signed root</dt>
        <dd>
          <code class="hash">{proof.checkpoint.statement.rootHash}</code>
        </dd>
      </dl>
      {result.pinned ? null : (
        <p class="notice" data-testid="unpinned">
          No trusted key is pinned: the checks show that this key signed the root, not that it is the ledger's
          key. Compare its fingerprint with one you hold from elsewhere, then pin it.{' '}
          {result.ok ? (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                onTrust(result.fingerprint);
              }}
            >
              Trust this key
            </button>
          ) : null}
        </p>
      )}
    </div>
  );
}

function Timeline({
  entries,
  through,
  onVerify,
  busy,
}: {
  entries: readonly Entry[];
  through: (e: Entry) => boolean;
  onVerify: ((entry: Entry) => void) | undefined;
  busy: boolean;
}) {
  return (
    <ol class="timeline session-timeline">
      {entries.map((e) => {
        const shown = through(e);
        return (
          <li key={e.eventId} id={entryAnchor(e.eventId)} tabIndex={-1} class={shown ? undefined : 'later'}>
            <div class="entry-head">
              <strong>{e.type}</strong> <span class="muted">#{e.position}</span> <Time iso={e.recordedAt} />
              {shown ? null : <span class="muted"> (after the chosen point)</span>}
            </div>
            <div class="entry-body">
              <span>
                {e.actor.kind} <code>{e.actor.id}</code>
              </span>
              {e.reasonCodes.length === 0 ? null : <span> · {e.reasonCodes.join(', ')}</span>}
            </div>
            <div class="entry-ids">
              <span>
                event <code class="hash">{e.eventId}</code>
              </span>{' '}
              <span>
                hash <Hash value={e.hash} />
              </span>
              {onVerify === undefined ? null : (
                <button
                  type="button"
                  class="secondary"
                  disabled={busy}
                  aria-label={`Verify ${e.type} at position ${e.position}`}
                  onClick={() => {
                    onVerify(e);
                  }}
                >
                  Verify
                </button>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

function PointInTime({
  sessionId,
  positions,
  point,
}: {
  sessionId: string;
  positions: readonly number[];
  point: Point;
}) {
  const chosen = point.atPosition === undefined ? undefined : Number(point.atPosition);
  // The slider steps over the session's own event positions; "now" is its right end.
  const index =
    chosen === undefined
      ? positions.length - 1
      : Math.max(
          0,
          positions.findLastIndex((p) => p <= chosen),
        );
  const [asOf, setAsOf] = useState(point.asOf === undefined ? '' : point.asOf.replace(/Z$/, '').slice(0, 19));
  const go = (params: Record<string, string | undefined>): void => {
    navigate(['sessions', sessionId], params);
  };
  return (
    <form
      class="panel point-in-time"
      aria-label="Point in time"
      onSubmit={(e) => {
        e.preventDefault();
        const time = Date.parse(`${asOf}Z`);
        if (!Number.isNaN(time)) go({ asOf: new Date(time).toISOString() });
      }}
    >
      <h2>Point in time</h2>
      {positions.length === 0 ? null : (
        <div>
          <label for="pit-position">
            As of event {index + 1} of {positions.length} (position {positions[index]})
          </label>
          <input
            id="pit-position"
            type="range"
            min={0}
            max={positions.length - 1}
            step={1}
            value={index}
            aria-valuetext={`event ${index + 1} of ${positions.length}, position ${positions[index]}`}
            onChange={(e) => {
              const at = positions[Number(e.currentTarget.value)];
              if (at === undefined) return;
              go(at === positions.at(-1) && chosen === undefined ? {} : { atPosition: String(at) });
            }}
          />
        </div>
      )}
      <div class="row">
        <div>
          <label for="pit-asof">As of (UTC)</label>
          <input
            id="pit-asof"
            type="datetime-local"
            step={1}
            value={asOf}
            onInput={(e) => {
              setAsOf(e.currentTarget.value);
            }}
          />
        </div>
        <div class="session-actions">
          <button type="submit" class="secondary" disabled={asOf === ''}>
            Show as of this time
          </button>
          <button
            type="button"
            class="secondary"
            disabled={point.atPosition === undefined && point.asOf === undefined}
            onClick={() => {
              setAsOf('');
              go({});
            }}
          >
            Show now
          </button>
        </div>
      </div>
      <p class="muted" role="status">
        {point.atPosition !== undefined
          ? `Showing the session as of global position ${point.atPosition}.`
          : point.asOf !== undefined
            ? `Showing the session as the ledger stood at ${point.asOf}.`
            : 'Showing the session now.'}
      </p>
    </form>
  );
}

/** One verification session: status, timeline, why it was decided, at any point in time, and its proofs. */
export function SessionPage({
  me,
  sessionId,
  params,
}: {
  me: Me;
  sessionId: string;
  params: URLSearchParams;
}) {
  const point = pointOf(params);
  const pointKey = `${point.atPosition ?? ''}|${point.asOf ?? ''}`;
  const reads = can(me, 'reviewer', 'senior_reviewer', 'auditor');
  const audits = can(me, 'auditor');
  const path = `/v1/verifications/${encodeURIComponent(sessionId)}`;

  const status = useAsync(
    (signal) => call<Status>(`${path}${query({ ...point })}`, { signal }),
    [sessionId, pointKey],
  );
  const timeline = useAsync(
    (signal) => (reads ? wholeTimeline(sessionId, signal) : Promise.resolve(undefined)),
    [sessionId, reads],
  );
  const explanation = useAsync(
    (signal) =>
      reads
        ? call<Explanation>(`${path}/explanation${query({ ...point })}`, { signal })
        : Promise.resolve(undefined),
    [sessionId, pointKey, reads],
  );
  const [verifying, setVerifying] = useState<VerifyState | undefined>();
  const [trustedKey, setTrustedKey] = useState<string | undefined>(trustedKeyStore.get);
  const trust = (fingerprint: string | undefined): void => {
    trustedKeyStore.set(fingerprint);
    setTrustedKey(fingerprint);
    setVerifying(undefined);
  };

  const entries = timeline.data?.entries ?? [];
  const known = new Map(entries.map((e) => [e.eventId, e]));
  const start = entries.find((e) => e.type === 'VerificationInitiated')?.position;
  const positions = entries.filter((e) => start !== undefined && e.position >= start).map((e) => e.position);
  const asOfTime = point.asOf === undefined ? undefined : Date.parse(point.asOf);
  const through = (e: Entry): boolean =>
    point.atPosition !== undefined
      ? e.position <= Number(point.atPosition)
      : asOfTime !== undefined
        ? Date.parse(e.recordedAt) <= asOfTime
        : true;
  const decision = entries.filter((e) => DECISION_TYPES.has(e.type)).at(-1);

  const verify = async (entry: Entry): Promise<void> => {
    setVerifying({ phase: 'running', entry });
    try {
      const proof = await call<Proof>(`/v1/audit/proofs/${encodeURIComponent(entry.eventId)}`);
      const result = await verifyProof(proof, entry.hash, trustedKey);
      setVerifying({ phase: 'done', entry, proof, result });
    } catch (error) {
      setVerifying({ phase: 'error', entry, error });
    }
  };
  const onVerify = audits
    ? (entry: Entry): void => {
        void verify(entry);
      }
    : undefined;

  return (
    <Page
      title={`Session ${sessionId}`}
      actions={
        <a href={href(['sessions'])} class="muted">
          All sessions
        </a>
      }
    >
      <div class="session-layout">
        <section class="panel" aria-labelledby="status-heading">
          <h2 id="status-heading">Status</h2>
          <ErrorNote error={status.error} />
          {status.loading && status.data === undefined ? <Loading what="status" /> : null}
          {status.data === undefined || status.error !== undefined ? null : (
            <StatusFacts status={status.data} />
          )}
        </section>
        <PointInTime key={pointKey} sessionId={sessionId} positions={positions} point={point} />
      </div>

      {audits ? (
        <section class="panel" aria-labelledby="verify-heading">
          <h2 id="verify-heading">Verify this decision</h2>
          <p class="muted">
            Checks in this browser, with the ledger's public key alone, that the decision event is in a signed
            checkpoint: leaf, audit path, key id and Ed25519 signature.
          </p>
          <button
            type="button"
            disabled={decision === undefined || verifying?.phase === 'running'}
            onClick={() => {
              if (decision !== undefined) void verify(decision);
            }}
          >
            Verify this decision
          </button>
          {decision === undefined && timeline.data !== undefined ? (
            <p class="muted">The session has no decision yet; verify any event from the timeline.</p>
          ) : null}
          <TrustedKey fingerprint={trustedKey} onChange={trust} />
          <div aria-live="polite">
            {verifying === undefined ? null : <VerifyReport state={verifying} onTrust={trust} />}
          </div>
        </section>
      ) : null}

      {reads ? (
        <div class="session-columns">
          <section class="panel" aria-labelledby="explanation-heading">
            <h2 id="explanation-heading">Why</h2>
            <ErrorNote error={explanation.error} />
            {explanation.loading && explanation.data === undefined ? <Loading what="explanation" /> : null}
            {explanation.data === undefined || explanation.error !== undefined ? null : (
              <ExplanationView x={explanation.data} known={known} />
            )}
          </section>
          <section class="panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <ErrorNote error={timeline.error} />
            {timeline.loading && timeline.data === undefined ? <Loading what="timeline" /> : null}
            {timeline.data === undefined ? null : (
              <Timeline
                entries={entries}
                through={through}
                onVerify={onVerify}
                busy={verifying?.phase === 'running'}
              />
            )}
          </section>
        </div>
      ) : null}
    </Page>
  );
}
