import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, query, type Schemas } from '../api';
import { type Column, ErrorNote, Hash, Loading, Page, StackTable, Time, useAsync } from '../components';
import { SessionTable } from '../session-table';
import { href, navigate } from '../router';
import { can, type Me } from '../session';
import './subject.css';

type Consents = Schemas['SubjectConsentsView'];
type Retention = Schemas['SubjectRetentionView'];
type Timeline = Schemas['SubjectTimelineView'];
type TimelineEntry = Schemas['TimelineEntryView'];
type Sessions = Schemas['VerificationListPage'];
type PersonalData = Schemas['PersonalDataView'];
type Erasure = Schemas['ErasureResponse'];
type Ground = Schemas['ErasureRequestDto']['ground'];
type CommandAnswer = Schemas['SubjectCommandResponse'];

const base = (subjectId: string): string => `/v1/subjects/${encodeURIComponent(subjectId)}`;

/** The API's bounds on X-Justification (src/privacy/personal-data.controller.ts). */
const JUSTIFICATION = { min: 10, max: 500 } as const;
const TIMELINE_PAGE = 50;

const GROUNDS: readonly { value: Ground; label: string }[] = [
  { value: 'no_longer_necessary', label: '(a) no longer necessary for the purpose' },
  { value: 'consent_withdrawn', label: '(b) consent withdrawn' },
  { value: 'objection', label: '(c) objection to processing' },
  { value: 'unlawful_processing', label: '(d) unlawfully processed' },
  { value: 'legal_obligation_to_erase', label: '(e) legal obligation to erase' },
  { value: 'child_information_society', label: '(f) child, information society service' },
];

type ReleaseReason = Schemas['ReleaseErasureRestrictionDto']['reason'];
const RELEASE_REASONS: readonly { value: ReleaseReason; label: string }[] = [
  { value: 'person_requested_service', label: 'the person asks to be served again' },
  { value: 'request_withdrawn_by_person', label: 'the person withdrew the request' },
  { value: 'request_not_from_person', label: 'the request was not from the person' },
];

/** A 404 answer means "nothing recorded", which the page says in words rather than as an error. */
const isNotFound = (error: unknown): boolean => error instanceof ApiError && error.status === 404;

/** Reads wait for the read models to reach the page's own last write (X-Min-Position). */
const after = (position: number): Record<string, string> =>
  position > 0 ? { 'X-Min-Position': String(position) } : {};

const label = (value: string): string => value.replaceAll('_', ' ');

export function SubjectPage({ me, subjectId }: { me: Me; subjectId?: string | undefined }) {
  if (subjectId === undefined) {
    return (
      <Page title="Subjects">
        <FindSubject />
      </Page>
    );
  }
  return <Subject me={me} subjectId={subjectId} key={subjectId} />;
}

function FindSubject({ initial = '' }: { initial?: string }) {
  const [value, setValue] = useState(initial);
  return (
    <form
      class="panel find-subject"
      role="search"
      aria-label="Find a subject"
      onSubmit={(e) => {
        e.preventDefault();
        const id = value.trim();
        if (id !== '') navigate(['subjects', id]);
      }}
    >
      <h2>Find a subject</h2>
      <div class="row">
        <div>
          <label for="subject-id">Subject id</label>
          <input
            id="subject-id"
            name="subjectId"
            required
            autoComplete="off"
            spellcheck={false}
            pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,127}"
            value={value}
            onInput={(e) => {
              setValue(e.currentTarget.value);
            }}
          />
        </div>
        <button type="submit">Open</button>
      </div>
    </form>
  );
}

function Subject({ me, subjectId }: { me: Me; subjectId: string }) {
  const officer = can(me, 'privacy_officer');
  const seesSessions = can(me, 'operator', 'reviewer', 'senior_reviewer', 'auditor');
  // The global position of this page's last write: reads after it wait until the read models show it.
  const [written, setWritten] = useState(0);
  const [accessed, setAccessed] = useState(0);
  const wrote = (position: number): void => {
    setWritten((p) => Math.max(p, position));
  };
  return (
    <Page title={`Subject ${subjectId}`} actions={<a href={href(['subjects'])}>Find another subject</a>}>
      <div class="subject">
        <ConsentsPanel subjectId={subjectId} />
        <RetentionPanel subjectId={subjectId} written={written} officer={officer} onWrite={wrote} />
        {officer ? (
          <>
            <PersonalDataPanel
              subjectId={subjectId}
              onRead={(position) => {
                setAccessed(position);
              }}
            />
            <ErasurePanel subjectId={subjectId} onWrite={wrote} />
          </>
        ) : null}
        {seesSessions ? <SessionsPanel subjectId={subjectId} /> : null}
        <TimelinePanel subjectId={subjectId} written={Math.max(written, accessed)} />
      </div>
    </Page>
  );
}

function ConsentsPanel({ subjectId }: { subjectId: string }) {
  const consents = useAsync<Consents>(
    (signal) => call<Consents>(`${base(subjectId)}/consents`, { signal }),
    [subjectId],
  );
  return (
    <section class="panel" aria-labelledby="consents-title">
      <h2 id="consents-title">Consents</h2>
      {consents.loading && consents.data === undefined ? <Loading what="consents" /> : null}
      {isNotFound(consents.error) ? (
        <p class="muted">No consent is recorded for this subject.</p>
      ) : (
        <ErrorNote error={consents.error} />
      )}
      {consents.data === undefined ? null : (
        <>
          <h3>In force</h3>
          {consents.data.inForce.length === 0 ? (
            <p class="muted">None: every consent was withdrawn.</p>
          ) : (
            <ul class="plain">
              {consents.data.inForce.map((c) => (
                <li key={c.consentId}>
                  <code>{c.consentId}</code>: {c.scopes.map(label).join(', ')} (notice {c.noticeVersion},{' '}
                  {c.locale}, {c.channel}, granted <Time iso={c.grantedAt} />)
                </li>
              ))}
            </ul>
          )}
          <h3>History</h3>
          <StackTable
            caption="Consent history"
            columns={CONSENT_HISTORY_COLUMNS}
            rows={consents.data.history}
            rowKey={(h) => h.eventId}
          />
        </>
      )}
    </section>
  );
}

const CONSENT_HISTORY_COLUMNS: readonly Column<Schemas['SubjectConsentsView']['history'][number]>[] = [
  { label: 'When', cell: (h) => <Time iso={h.at} /> },
  {
    label: 'Action',
    cell: (h) => <span class={`badge ${h.action === 'granted' ? 'ok' : 'warn'}`}>{h.action}</span>,
  },
  { label: 'Consent', cell: (h) => <code>{h.consentId}</code> },
  { label: 'Scopes', cell: (h) => h.scopes.map(label).join(', ') },
];

const STATUS_TONE: Record<Schemas['ClassRetentionView']['status'], string> = {
  held: 'info',
  restricted: 'warn',
  shredded: 'bad',
  not_held: 'muted',
};

function RetentionPanel({
  subjectId,
  written,
  officer,
  onWrite,
}: {
  subjectId: string;
  written: number;
  officer: boolean;
  onWrite: (position: number) => void;
}) {
  const retention = useAsync<Retention>(
    (signal) => call<Retention>(`${base(subjectId)}/retention`, { signal, headers: after(written) }),
    [subjectId, written],
  );
  const data = retention.data;
  return (
    <section class="panel" aria-labelledby="retention-title" aria-busy={retention.loading}>
      <h2 id="retention-title">Retention</h2>
      {retention.loading && data === undefined ? <Loading what="retention" /> : null}
      {isNotFound(retention.error) ? (
        <p class="muted">The ledger holds nothing of this subject.</p>
      ) : (
        <ErrorNote error={retention.error} />
      )}
      {data === undefined ? null : (
        <>
          <dl class="facts">
            <dt>Policy</dt>
            <dd>
              {data.policy.policyId ?? '—'} {data.policy.version ?? ''}
            </dd>
            <dt>Relationship ended</dt>
            <dd>
              <Time iso={data.relationshipEndedAt} />
            </dd>
            <dt>Erasure request</dt>
            <dd data-testid="erasure-state">
              {data.erasureRequest === null ? (
                'none'
              ) : (
                <>
                  <code>{data.erasureRequest.requestId}</code>, <Time iso={data.erasureRequest.requestedAt} />
                  {officer && data.erasureRequest.requestId !== undefined ? (
                    <ReleaseRestriction
                      subjectId={subjectId}
                      requestId={data.erasureRequest.requestId}
                      onWrite={onWrite}
                    />
                  ) : null}
                </>
              )}
            </dd>
            <dt>Legal holds</dt>
            <dd>
              {data.legalHolds.length === 0 ? (
                'none'
              ) : (
                <ul class="plain">
                  {data.legalHolds.map((holdId) => (
                    <li key={holdId}>
                      <code>{holdId}</code>{' '}
                      {officer ? (
                        <ReleaseHold subjectId={subjectId} holdId={holdId} onWrite={onWrite} />
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
          <h3>By data class</h3>
          <div class="table-wrap">
            <table class="stack" data-testid="retention-classes">
              <caption class="visually-hidden">Retention by data class</caption>
              <thead>
                <tr>
                  <th scope="col">Data class</th>
                  <th scope="col">Status</th>
                  <th scope="col">Legal basis</th>
                  <th scope="col">Period</th>
                  <th scope="col">Due</th>
                  <th scope="col">Holds and restriction</th>
                </tr>
              </thead>
              <tbody>
                {data.classes.map((c) => (
                  <tr key={c.dataClass} data-class={c.dataClass}>
                    <td data-label="Data class">{label(c.dataClass)}</td>
                    <td data-label="Status">
                      <span class={`badge ${STATUS_TONE[c.status]}`}>{label(c.status)}</span>
                    </td>
                    <td data-label="Legal basis">
                      {c.legalBasis}
                      {c.legalObligation ? ' (legal obligation)' : ''}
                    </td>
                    <td data-label="Period">
                      {c.period} from {label(c.runsFrom)}
                    </td>
                    <td data-label="Due">
                      {c.shreddedAt !== null ? (
                        <>
                          shredded <Time iso={c.shreddedAt} />
                        </>
                      ) : c.waitingFor !== null ? (
                        'after the legal hold is released'
                      ) : (
                        <Time iso={c.dueAt} />
                      )}
                    </td>
                    <td data-label="Holds, restriction">
                      {[
                        ...c.holds,
                        ...(c.restriction === null
                          ? []
                          : [`restricted: ${label(c.restriction.basis ?? '')}`]),
                      ].join('; ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {officer ? <PlaceHold subjectId={subjectId} onWrite={onWrite} /> : null}
        </>
      )}
    </section>
  );
}

function PlaceHold({ subjectId, onWrite }: { subjectId: string; onWrite: (position: number) => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await call<CommandAnswer>(`${base(subjectId)}/legal-holds`, {
        method: 'POST',
        body: { reason: reason.trim() },
      });
      setReason('');
      onWrite(answer.position);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="hold-form" onSubmit={(e) => void submit(e)}>
      <h3>Place a legal hold</h3>
      <label for="hold-reason">Reason (a case reference, not personal data)</label>
      <div class="row">
        <input
          id="hold-reason"
          name="reason"
          required
          minLength={3}
          maxLength={500}
          autoComplete="off"
          value={reason}
          onInput={(e) => {
            setReason(e.currentTarget.value);
          }}
        />
        <button type="submit" class="secondary" disabled={busy || reason.trim().length < 3}>
          Place hold
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

function ReleaseHold({
  subjectId,
  holdId,
  onWrite,
}: {
  subjectId: string;
  holdId: string;
  onWrite: (position: number) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const release = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await call<CommandAnswer>(
        `${base(subjectId)}/legal-holds/${encodeURIComponent(holdId)}/release`,
        { method: 'POST', body: {} },
      );
      onWrite(answer.position);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        class="link"
        disabled={busy}
        aria-label={`Release legal hold ${holdId}`}
        onClick={() => void release()}
      >
        Release
      </button>
      <ErrorNote error={error} />
    </>
  );
}

/**
 * Personal data is shown only after the officer states why (the API records the read, with that reason, before
 * it answers); "Hide" drops it from the page, not just from view.
 */
function PersonalDataPanel({ subjectId, onRead }: { subjectId: string; onRead: (position: number) => void }) {
  const [asking, setAsking] = useState(false);
  const [justification, setJustification] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [data, setData] = useState<PersonalData | undefined>();
  // Where focus goes back to once the data or the question is gone (the button is re-rendered by then).
  const [refocus, setRefocus] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const shown = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (asking) field.current?.focus();
  }, [asking]);
  useEffect(() => {
    if (data !== undefined) shown.current?.focus();
  }, [data]);
  useEffect(() => {
    if (refocus && opener.current !== null) {
      opener.current.focus();
      setRefocus(false);
    }
  }, [refocus, data, asking]);

  // One line, as a header carries it.
  const reason = justification.replace(/\s+/g, ' ').trim();
  const latin1 = /^[\x20-\x7e\xa0-\xff]*$/.test(reason);
  const valid = reason.length >= JUSTIFICATION.min && reason.length <= JUSTIFICATION.max && latin1;

  const read = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!valid) return;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await call<PersonalData>(`${base(subjectId)}/personal-data`, {
        headers: { 'X-Justification': reason },
      });
      setData(answer);
      setAsking(false);
      setJustification('');
      if (answer.accessEventPosition !== null) onRead(answer.accessEventPosition);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const hide = (): void => {
    setData(undefined);
    setRefocus(true);
  };

  return (
    <section class="panel" aria-labelledby="pii-title">
      <h2 id="pii-title">Personal data</h2>
      {data === undefined && !asking ? (
        <>
          <p class="muted">
            Reading personal data is recorded in the ledger with your justification and shown to auditors.
          </p>
          <button
            type="button"
            id="show-personal-data"
            ref={opener}
            onClick={() => {
              setAsking(true);
            }}
          >
            Show personal data
          </button>
        </>
      ) : null}
      {asking ? (
        <form aria-labelledby="justify-title" class="justify" onSubmit={(e) => void read(e)}>
          <h3 id="justify-title">Why do you need to see it?</h3>
          <label for="justification">Justification</label>
          <textarea
            id="justification"
            ref={field}
            name="justification"
            required
            minLength={JUSTIFICATION.min}
            maxLength={JUSTIFICATION.max}
            aria-describedby="justification-help"
            value={justification}
            onInput={(e) => {
              setJustification(e.currentTarget.value);
            }}
          />
          <p id="justification-help" class="muted">
            {JUSTIFICATION.min} to {JUSTIFICATION.max} characters, e.g. a case reference. State the reason,
            not personal data: it is recorded and auditors read it.
            {latin1 ? '' : ' Use Latin letters, digits and punctuation only.'}
          </p>
          <div class="row">
            <button type="submit" disabled={busy || !valid}>
              Record and show
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setAsking(false);
                setError(undefined);
                setRefocus(true);
              }}
            >
              Cancel
            </button>
          </div>
          {busy ? <Loading what="personal data" /> : null}
          <ErrorNote error={error} />
        </form>
      ) : null}
      {data === undefined ? null : (
        <div class="pii" data-testid="personal-data" ref={shown} tabIndex={-1}>
          <p class="notice" role="status">
            {data.accessEventPosition === null
              ? 'The ledger holds no personal data of this subject; nothing was recorded.'
              : `This read is recorded at ledger position ${data.accessEventPosition}.`}
          </p>
          {data.items.length === 0 ? null : (
            <div class="table-wrap">
              <table class="stack">
                <caption class="visually-hidden">Personal data by record</caption>
                <thead>
                  <tr>
                    <th scope="col">Data class</th>
                    <th scope="col">Recorded</th>
                    <th scope="col">State</th>
                    <th scope="col">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((item) => (
                    <tr key={`${item.eventId}:${item.dataClass}`}>
                      <td data-label="Data class">{label(item.dataClass)}</td>
                      <td data-label="Recorded">
                        <Time iso={item.recordedAt} />
                      </td>
                      <td data-label="State">{item.state}</td>
                      <td data-label="Value">
                        {item.value === null ? (
                          <span class="muted">
                            {item.state === 'restricted'
                              ? `restricted (${label(item.restriction?.basis ?? '')})`
                              : 'not readable'}
                          </span>
                        ) : (
                          <Values value={item.value} />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <button type="button" class="secondary" onClick={hide}>
            Hide personal data
          </button>
        </div>
      )}
    </section>
  );
}

function Values({ value }: { value: Record<string, unknown> }) {
  return (
    <dl class="facts">
      {Object.entries(value).map(([key, v]) => (
        <Fragment key={key}>
          <dt>{key}</dt>
          <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

function ErasurePanel({ subjectId, onWrite }: { subjectId: string; onWrite: (position: number) => void }) {
  const [ground, setGround] = useState<Ground>('no_longer_necessary');
  const [reference, setReference] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [outcome, setOutcome] = useState<Erasure | undefined>();
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirm.current?.focus();
  }, [confirming]);

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const ref = reference.trim();
      const answer = await call<Erasure>(`${base(subjectId)}/erasure-requests`, {
        method: 'POST',
        body: { ground, ...(ref === '' ? {} : { reference: ref }) },
      });
      setOutcome(answer);
      setConfirming(false);
      onWrite(answer.position);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="erasure-title">
      <h2 id="erasure-title">Erasure request (GDPR Art. 17)</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setConfirming(true);
        }}
      >
        <div class="row">
          <div>
            <label for="erasure-ground">Ground</label>
            <select
              id="erasure-ground"
              name="ground"
              value={ground}
              disabled={confirming}
              onChange={(e) => {
                setGround(e.currentTarget.value as Ground);
              }}
            >
              {GROUNDS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="erasure-reference">Case reference (optional)</label>
            <input
              id="erasure-reference"
              name="reference"
              autoComplete="off"
              pattern="[A-Za-z0-9._:\/\-]{1,64}"
              aria-describedby="erasure-reference-help"
              disabled={confirming}
              value={reference}
              onInput={(e) => {
                setReference(e.currentTarget.value);
              }}
            />
          </div>
          <button type="submit" class="danger" disabled={confirming}>
            Request erasure…
          </button>
        </div>
        <p id="erasure-reference-help" class="muted">
          Letters, digits and . _ : / - (up to 64), e.g. dsr-2026-0042. Not personal data.
        </p>
      </form>
      {confirming ? (
        <div class="confirm" role="alertdialog" aria-labelledby="erasure-confirm-title">
          <h3 id="erasure-confirm-title">Erase this subject's personal data?</h3>
          <p>
            Classes no obligation keeps are shredded at once and cannot be recovered; the rest is restricted
            and shredded when its obligation or legal hold ends.
          </p>
          <div class="row">
            <button type="button" class="danger" ref={confirm} disabled={busy} onClick={() => void submit()}>
              Confirm erasure
            </button>
            <button
              type="button"
              class="secondary"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      <ErrorNote error={error} />
      {outcome === undefined ? null : <ErasureOutcome outcome={outcome} />}
    </section>
  );
}

/**
 * A privacy officer releases the restriction of the erasure request in force, so that the person can consent again.
 * The release resumes nothing on its own: a consent with evidence, recorded afterwards, does. The server decides
 * whether this request is still the one in force.
 */
function ReleaseRestriction({
  subjectId,
  requestId,
  onWrite,
}: {
  subjectId: string;
  requestId: string;
  onWrite: (position: number) => void;
}) {
  const [reason, setReason] = useState<ReleaseReason>('person_requested_service');
  const [reference, setReference] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const ref = reference.trim();
      const answer = await call<{ position: number }>(
        `${base(subjectId)}/erasure-requests/${encodeURIComponent(requestId)}/release`,
        { method: 'POST', body: { reason, ...(ref === '' ? {} : { reference: ref }) } },
      );
      setDone(true);
      onWrite(answer.position);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="inline"
      aria-label="Release the erasure restriction"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label for="release-reason">Release because</label>
      <select
        id="release-reason"
        value={reason}
        onChange={(e) => {
          setReason(e.currentTarget.value as ReleaseReason);
        }}
      >
        {RELEASE_REASONS.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
      <label for="release-reference">Release case reference (optional)</label>
      <input
        id="release-reference"
        autoComplete="off"
        pattern="[A-Za-z0-9._:\/\-]{1,64}"
        value={reference}
        onInput={(e) => {
          setReference(e.currentTarget.value);
        }}
      />
      <button type="submit" class="secondary" disabled={busy || done}>
        Release restriction
      </button>
      {done ? (
        <p role="status" data-testid="release-outcome">
          Released. Processing resumes only once the person consents again, with evidence.
        </p>
      ) : null}
      <ErrorNote error={error} />
    </form>
  );
}

function ErasureOutcome({ outcome }: { outcome: Erasure }) {
  return (
    <div class="notice" role="status" data-testid="erasure-outcome">
      <p>{outcome.explanation}</p>
      <dl class="facts">
        <dt>Request</dt>
        <dd>
          <code>{outcome.requestId}</code>, <Time iso={outcome.requestedAt} />
        </dd>
        <dt>Erased now</dt>
        <dd>{outcome.erased.length === 0 ? 'nothing' : outcome.erased.map(label).join(', ')}</dd>
        <dt>Restricted</dt>
        <dd>
          {outcome.restricted.length === 0
            ? 'nothing'
            : outcome.restricted
                .map(
                  (r) =>
                    `${label(r.dataClass)} (${r.basis === 'legal_hold' ? `held: ${r.holdIds.join(', ')}` : r.legalBasis}${r.retainUntil === null ? '' : `, until ${r.retainUntil}`})`,
                )
                .join('; ')}
        </dd>
        <dt>Not held</dt>
        <dd>{outcome.notHeld.length === 0 ? 'nothing' : outcome.notHeld.map(label).join(', ')}</dd>
      </dl>
    </div>
  );
}

function SessionsPanel({ subjectId }: { subjectId: string }) {
  const sessions = useAsync<Sessions>(
    (signal) => call<Sessions>(`/v1/verifications${query({ subjectId, limit: 100 })}`, { signal }),
    [subjectId],
  );
  return (
    <section class="panel" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      {sessions.loading && sessions.data === undefined ? <Loading what="sessions" /> : null}
      <ErrorNote error={sessions.error} />
      {sessions.data === undefined ? null : sessions.data.items.length === 0 ? (
        <p class="muted">No session of this subject.</p>
      ) : (
        <div>
          <SessionTable sessions={sessions.data.items} caption="Sessions of the subject" attempts={false} />
          {sessions.data.nextCursor === null ? null : <p class="muted">The 100 newest sessions are shown.</p>}
        </div>
      )}
    </section>
  );
}

/** The references an entry carries, as short text (the timeline holds no personal data). */
function detailText(details: unknown): string {
  if (details === null || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}

function TimelinePanel({ subjectId, written }: { subjectId: string; written: number }) {
  const [pages, setPages] = useState<TimelineEntry[][]>([]);
  const [next, setNext] = useState<number | undefined>();
  const [more, setMore] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  const first = useAsync<Timeline>(
    (signal) =>
      call<Timeline>(`${base(subjectId)}/timeline${query({ limit: TIMELINE_PAGE })}`, {
        signal,
        headers: after(written),
      }),
    [subjectId, written],
  );
  useEffect(() => {
    setPages(first.data === undefined ? [] : [first.data.entries]);
    setNext(first.data?.nextAfter);
  }, [first.data]);
  const loadMore = async (): Promise<void> => {
    if (next === undefined) return;
    setMore({ busy: true });
    try {
      const page = await call<Timeline>(
        `${base(subjectId)}/timeline${query({ limit: TIMELINE_PAGE, after: next })}`,
      );
      setPages((p) => [...p, page.entries]);
      setNext(page.nextAfter);
      setMore({ busy: false });
    } catch (e) {
      setMore({ busy: false, error: e });
    }
  };
  const entries = pages.flat();
  return (
    <section class="panel" aria-labelledby="timeline-title" aria-busy={first.loading || more.busy}>
      <h2 id="timeline-title">Timeline</h2>
      {first.loading && first.data === undefined ? <Loading what="the timeline" /> : null}
      {isNotFound(first.error) ? (
        <p class="muted">Nothing recorded for this subject.</p>
      ) : (
        <ErrorNote error={first.error} />
      )}
      {entries.length === 0 ? null : (
        <div class="table-wrap">
          <table class="stack" data-testid="subject-timeline">
            <caption class="visually-hidden">Subject timeline</caption>
            <thead>
              <tr>
                <th scope="col">Position</th>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Actor</th>
                <th scope="col">Details</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.eventId}>
                  <td data-label="Position">{entry.position}</td>
                  <td data-label="When">
                    <Time iso={entry.occurredAt} />
                  </td>
                  <td data-label="Event">
                    {entry.type}
                    {entry.sessionId === undefined ? null : (
                      <>
                        {' '}
                        <a href={href(['sessions', entry.sessionId])}>{entry.sessionId}</a>
                      </>
                    )}
                  </td>
                  <td data-label="Actor">
                    {entry.actor.id}{' '}
                    <span class="muted">({entry.actor.roles.join(', ') || entry.actor.kind})</span>
                  </td>
                  <td data-label="Details" class="details">
                    {[entry.reasonCodes.join(', '), detailText(entry.details)]
                      .filter((t) => t !== '')
                      .join(' · ')}
                  </td>
                  <td data-label="Hash">
                    <Hash value={entry.hash} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next === undefined ? null : (
        <button type="button" class="secondary" disabled={more.busy} onClick={() => void loadMore()}>
          Load later entries
        </button>
      )}
      <ErrorNote error={more.error} />
    </section>
  );
}
