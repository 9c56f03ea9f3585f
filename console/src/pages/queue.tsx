import { useState } from 'preact/hooks';
import { call, describeError, query, type Schemas } from '../api';
import { duration, ErrorNote, Loading, Page, Time, useAsync } from '../components';
import { describeCode, ReasonCodePicker } from '../reason-codes';
import { href } from '../router';
import { can, type Me } from '../session';

type Item = Schemas['ReviewQueueItemView'];
type QueuePageView = Schemas['ReviewQueuePage'];
type Explanation = Schemas['ExplanationView'];

type View = 'all' | 'mine' | 'unassigned' | 'breached';

const VIEWS: readonly { id: View; label: string }[] = [
  { id: 'all', label: 'All pending' },
  { id: 'mine', label: 'Assigned to me' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'breached', label: 'SLA breached' },
];

function filterOf(view: View, me: Me): Record<string, string | undefined> {
  switch (view) {
    case 'mine':
      return { assignee: me.principal };
    case 'unassigned':
      return { unassigned: 'true' };
    case 'breached':
      return { breached: 'true' };
    case 'all':
      return {};
  }
}

/**
 * The review queue in the server's triage order (priority, SLA due time, age), SLA breaches highlighted. A
 * reviewer claims a case, reads why it is here, and decides it with reason codes and a note.
 */
export function QueuePage({ me }: { me: Me }) {
  const [view, setView] = useState<View>('all');
  const [cursor, setCursor] = useState<string | undefined>();
  const [selected, setSelected] = useState<string | undefined>();
  const [announcement, setAnnouncement] = useState('');
  const page = useAsync(
    (signal) =>
      call<QueuePageView>(`/v1/review-queue${query({ ...filterOf(view, me), cursor, limit: 50 })}`, {
        signal,
      }),
    [view, cursor],
  );
  const items = page.data?.items ?? [];
  const current = items.find((i) => i.sessionId === selected);
  return (
    <Page title="Review queue">
      <div class="row" role="group" aria-label="Which cases">
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            class={view === v.id ? '' : 'secondary'}
            aria-pressed={view === v.id}
            onClick={() => {
              setView(v.id);
              setCursor(undefined);
              setSelected(undefined);
            }}
          >
            {v.label}
          </button>
        ))}
        <button type="button" class="secondary" onClick={page.reload}>
          Refresh
        </button>
      </div>
      <p role="status" aria-live="polite" class="muted">
        {announcement}
      </p>
      <ErrorNote error={page.error} />
      {page.loading && page.data === undefined ? <Loading what="the queue" /> : null}
      {page.data !== undefined ? (
        <>
          <p class="muted">
            {items.length === 0
              ? 'Nothing waits here.'
              : `${items.length} case${items.length === 1 ? '' : 's'}`}{' '}
            · SLA computed at <Time iso={page.data.asOf} />
          </p>
          <div class="table-wrap">
            <table class="stack" data-testid="queue-table">
              <caption class="muted">Pending reviews, most urgent first</caption>
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Reasons</th>
                  <th scope="col">SLA due</th>
                  <th scope="col">Waiting</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <QueueRow
                    key={item.sessionId}
                    item={item}
                    me={me}
                    selected={item.sessionId === selected}
                    onOpen={() => {
                      setSelected(item.sessionId);
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <div class="row">
            {cursor !== undefined ? (
              <button
                type="button"
                class="secondary"
                onClick={() => {
                  setCursor(undefined);
                }}
              >
                First page
              </button>
            ) : null}
            {page.data.nextCursor !== undefined ? (
              <button
                type="button"
                class="secondary"
                onClick={() => {
                  setCursor(page.data?.nextCursor);
                }}
              >
                Next page
              </button>
            ) : null}
          </div>
        </>
      ) : null}
      {current === undefined ? null : (
        <CasePanel
          key={current.sessionId}
          item={current}
          me={me}
          onDone={(message) => {
            setAnnouncement(message);
            setSelected(undefined);
            page.reload();
          }}
          onChanged={(message) => {
            setAnnouncement(message);
            page.reload();
          }}
        />
      )}
    </Page>
  );
}

function QueueRow({
  item,
  me,
  selected,
  onOpen,
}: {
  item: Item;
  me: Me;
  selected: boolean;
  onOpen: () => void;
}) {
  return (
    <tr class={item.slaBreached ? 'breached' : ''} aria-selected={selected} data-session={item.sessionId}>
      <td data-label="Session">
        <a href={href(['sessions', item.sessionId])}>
          <code>{item.sessionId}</code>
        </a>
        <div class="muted">
          {item.queue} · attempt {item.attempt}
        </div>
      </td>
      <td data-label="Priority">P{item.priority}</td>
      <td data-label="Reasons">
        {item.reasons.map((r) => (
          <span key={r} class="badge" title={describeCode(r)}>
            {r}
          </span>
        ))}
      </td>
      <td data-label="SLA due">
        <Time iso={item.slaDueAt} />
        {item.slaBreached ? <strong class="breach"> SLA breached</strong> : null}
      </td>
      <td data-label="Waiting">{duration(item.ageSeconds)}</td>
      <td data-label="Assignee">
        {item.assignee === undefined ? (
          <span class="muted">unassigned</span>
        ) : item.assignee === me.principal ? (
          <strong>you</strong>
        ) : (
          item.assignee
        )}
      </td>
      <td data-label="Actions">
        <button type="button" class={selected ? '' : 'secondary'} onClick={onOpen} aria-expanded={selected}>
          Open<span class="visually-hidden"> {item.sessionId}</span>
        </button>
      </td>
    </tr>
  );
}

/** One case: why it is here (the ledger's explanation), claim, decide. */
function CasePanel({
  item,
  me,
  onDone,
  onChanged,
}: {
  item: Item;
  me: Me;
  onDone: (message: string) => void;
  onChanged: (message: string) => void;
}) {
  const explanation = useAsync(
    (signal) =>
      call<Explanation>(`/v1/verifications/${encodeURIComponent(item.sessionId)}/explanation`, { signal }),
    [item.sessionId, item.position],
  );
  const [outcome, setOutcome] = useState<'approve' | 'reject' | ''>('');
  const [codes, setCodes] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const mine = item.assignee === me.principal;
  const mayReassign = can(me, 'senior_reviewer');
  const base = `/v1/verifications/${encodeURIComponent(item.sessionId)}`;

  const claim = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await call(`${base}/review/assignment`, { method: 'POST', body: {} });
      onChanged(`You claimed ${item.sessionId}.`);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const decide = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (outcome === '') return;
    setBusy(true);
    setError(undefined);
    try {
      await call(`${base}/review/decision`, {
        method: 'POST',
        body: { outcome, reasonCodes: codes, ...(note.trim() === '' ? {} : { note: note.trim() }) },
      });
      onDone(
        `${item.sessionId}: ${outcome === 'approve' ? 'approved' : 'rejected'} and recorded in the ledger.`,
      );
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="case-title" data-testid="case-panel">
      <h2 id="case-title">
        Case <code>{item.sessionId}</code>
      </h2>
      <ErrorNote error={explanation.error} />
      {explanation.data === undefined ? (
        <Loading what="the explanation" />
      ) : (
        <>
          <p data-testid="case-summary">{explanation.data.summary}</p>
          <dl class="facts">
            <dt>Policy</dt>
            <dd>
              {explanation.data.policy.policyId} {explanation.data.policy.version} ·{' '}
              {explanation.data.policy.tier} · {explanation.data.policy.path}
            </dd>
            <dt>Why in review</dt>
            <dd>
              <ul>
                {item.reasons.map((r) => (
                  <li key={r}>
                    <code>{r}</code>: {describeCode(r)}
                  </li>
                ))}
              </ul>
            </dd>
            <dt>Vendor results</dt>
            <dd>{explanation.data.vendorResults.length}</dd>
          </dl>
          <p>
            <a href={href(['sessions', item.sessionId])}>Full timeline and explanation</a>
          </p>
        </>
      )}
      {mine ? (
        <p class="notice">Assigned to you.</p>
      ) : (
        <div class="row">
          <button
            type="button"
            onClick={() => void claim()}
            disabled={busy || (item.assignee !== undefined && !mayReassign)}
          >
            {item.assignee === undefined ? 'Claim this case' : 'Reassign to me'}
          </button>
          {item.assignee !== undefined && !mayReassign ? (
            <span class="muted">Assigned to {item.assignee}; a senior reviewer can reassign it.</span>
          ) : null}
        </div>
      )}
      <form onSubmit={(e) => void decide(e)} aria-label="Decision">
        <fieldset>
          <legend>Decision</legend>
          <div class="checks">
            <label>
              <input
                type="radio"
                name="outcome"
                value="approve"
                checked={outcome === 'approve'}
                onChange={() => {
                  setOutcome('approve');
                }}
              />
              Approve
            </label>
            <label>
              <input
                type="radio"
                name="outcome"
                value="reject"
                checked={outcome === 'reject'}
                onChange={() => {
                  setOutcome('reject');
                }}
              />
              Reject
            </label>
          </div>
        </fieldset>
        <ReasonCodePicker
          legend="Reason codes"
          selected={codes}
          suggested={item.reasons}
          onChange={setCodes}
        />
        <label for="review-note">Note (encrypted; visible to reviewers and auditors only)</label>
        <textarea
          id="review-note"
          maxLength={2000}
          value={note}
          onInput={(e) => {
            setNote(e.currentTarget.value);
          }}
        />
        <div class="row">
          <button type="submit" disabled={busy || outcome === '' || (item.assignee !== undefined && !mine)}>
            Record decision
          </button>
          {item.assignee !== undefined && !mine ? (
            <span class="muted">Assigned to {item.assignee}: only they can decide it.</span>
          ) : null}
        </div>
        {error === undefined ? null : (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
