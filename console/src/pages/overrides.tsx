import { useState } from 'preact/hooks';
import { call, describeError, query, type Schemas } from '../api';
import { ErrorNote, Justification, Loading, Page, StatusBadge, Time, useAsync } from '../components';
import { ReasonCodePicker } from '../reason-codes';
import { href } from '../router';
import { can, type Me } from '../session';

type Status = Schemas['VerificationStatusView'];
type ListPage = Schemas['VerificationListPage'];
type Explanation = Schemas['ExplanationView'];

/**
 * Overrides of a final decision take two senior reviewers (four eyes): one asks, another approves or rejects. The
 * inbox lists the overrides awaiting that second person; the ledger refuses the requester's own approval, and the
 * console says so before anyone tries.
 */
export function OverridesPage({ me, params }: { me: Me; params: URLSearchParams }) {
  const [announcement, setAnnouncement] = useState('');
  const inbox = useAsync(
    (signal) =>
      call<ListPage>(`/v1/verifications${query({ pendingOverride: 'true', limit: 100 })}`, { signal }),
    [],
  );
  const items = inbox.data?.items ?? [];
  return (
    <Page title="Overrides">
      <p role="status" aria-live="polite" class="muted">
        {announcement}
      </p>
      <h2>Awaiting a second approver</h2>
      <ErrorNote error={inbox.error} />
      {inbox.data === undefined && inbox.error === undefined ? <Loading what="the inbox" /> : null}
      {inbox.data !== undefined && items.length === 0 ? (
        <p class="muted">No override awaits approval.</p>
      ) : null}
      {items.length > 0 ? (
        <div class="table-wrap">
          <table class="stack" data-testid="override-inbox">
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Status now</th>
                <th scope="col">Asks to</th>
                <th scope="col">Requested by</th>
                <th scope="col">Requested</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.sessionId} data-session={item.sessionId}>
                  <td data-label="Session">
                    <a href={href(['sessions', item.sessionId])}>
                      <code>{item.sessionId}</code>
                    </a>
                  </td>
                  <td data-label="Status now">
                    <StatusBadge status={item.status} />
                  </td>
                  <td data-label="Asks to">{item.pendingOverride?.outcome}</td>
                  <td data-label="Requested by">
                    {item.pendingOverride?.requestedBy === me.principal ? (
                      <strong>you</strong>
                    ) : (
                      item.pendingOverride?.requestedBy
                    )}
                  </td>
                  <td data-label="Requested">
                    <Time iso={item.pendingOverride?.requestedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {items.map((item) => (
        <PendingOverride
          key={`${item.sessionId}:${item.pendingOverride?.overrideId ?? ''}`}
          item={item}
          me={me}
          onDone={(message) => {
            setAnnouncement(message);
            inbox.reload();
          }}
        />
      ))}
      <RequestOverride
        me={me}
        initialSessionId={params.get('sessionId') ?? ''}
        onDone={(message) => {
          setAnnouncement(message);
          inbox.reload();
        }}
      />
    </Page>
  );
}

function PendingOverride({ item, me, onDone }: { item: Status; me: Me; onDone: (message: string) => void }) {
  const pending = item.pendingOverride;
  const explanation = useAsync(
    (signal) =>
      call<Explanation>(`/v1/verifications/${encodeURIComponent(item.sessionId)}/explanation`, { signal }),
    [item.sessionId, item.position],
  );
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  if (pending === undefined) return null;
  const own = pending.requestedBy === me.principal;
  const senior = can(me, 'senior_reviewer');
  const requested = explanation.data?.overrides.find((o) => o.overrideId === pending.overrideId);
  const base = `/v1/verifications/${encodeURIComponent(item.sessionId)}/overrides/${encodeURIComponent(pending.overrideId)}`;
  const act = async (kind: 'approval' | 'rejection'): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await call(`${base}/${kind}`, {
        method: 'POST',
        ...(kind === 'rejection' ? { body: { reason: reason.trim() } } : {}),
      });
      onDone(
        kind === 'approval'
          ? `Override of ${item.sessionId} approved: the session is now ${pending.outcome === 'approve' ? 'approved' : 'rejected'}.`
          : `Override of ${item.sessionId} rejected: the decision stands.`,
      );
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const reasonId = `reject-reason-${pending.overrideId}`;
  return (
    <section class="panel" aria-label={`Override of ${item.sessionId}`} data-override={pending.overrideId}>
      <h3>
        Override of <code>{item.sessionId}</code>: {pending.outcome}
      </h3>
      <ErrorNote error={explanation.error} />
      {requested === undefined ? null : (
        <dl class="facts">
          <dt>Justification</dt>
          <dd>
            <Justification override={requested} />
          </dd>
          <dt>Decision it replaces</dt>
          <dd>{explanation.data?.decision?.outcome ?? '—'}</dd>
        </dl>
      )}
      {own ? (
        <p class="notice" data-testid="four-eyes-note">
          You requested this override. Four eyes: another senior reviewer must approve or reject it.
        </p>
      ) : null}
      {senior ? (
        <>
          <div class="row">
            <button type="button" disabled={busy || own} onClick={() => void act('approval')}>
              Approve override
            </button>
          </div>
          <label for={reasonId}>Reason to reject (at least 3 characters)</label>
          <textarea
            id={reasonId}
            maxLength={2000}
            value={reason}
            onInput={(e) => {
              setReason(e.currentTarget.value);
            }}
          />
          <div class="row">
            <button
              type="button"
              class="danger"
              disabled={busy || own || reason.trim().length < 3}
              onClick={() => void act('rejection')}
            >
              Reject override
            </button>
          </div>
        </>
      ) : (
        <p class="muted">A senior reviewer decides overrides.</p>
      )}
      {error === undefined ? null : (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function RequestOverride({
  initialSessionId,
  onDone,
}: {
  me: Me;
  initialSessionId: string;
  onDone: (message: string) => void;
}) {
  const [sessionId, setSessionId] = useState(initialSessionId);
  const [outcome, setOutcome] = useState<'approve' | 'reject'>('approve');
  const [justification, setJustification] = useState('');
  const [codes, setCodes] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await call<Schemas['OverrideResponse']>(
        `/v1/verifications/${encodeURIComponent(sessionId.trim())}/overrides`,
        {
          method: 'POST',
          body: {
            outcome,
            justification: justification.trim(),
            ...(codes.length === 0 ? {} : { reasonCodes: codes }),
          },
        },
      );
      setJustification('');
      setCodes([]);
      onDone(
        `Override ${answer.overrideId} requested for ${sessionId.trim()}; it waits for a second senior reviewer.`,
      );
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel" onSubmit={(e) => void submit(e)} aria-labelledby="request-title">
      <h2 id="request-title">Request an override</h2>
      <p class="muted">Changes a final decision once a second senior reviewer approves it.</p>
      <label for="override-session">Session id</label>
      <input
        id="override-session"
        required
        pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,127}"
        value={sessionId}
        onInput={(e) => {
          setSessionId(e.currentTarget.value);
        }}
      />
      <fieldset>
        <legend>New outcome</legend>
        <div class="checks">
          {(['approve', 'reject'] as const).map((o) => (
            <label key={o}>
              <input
                type="radio"
                name="override-outcome"
                value={o}
                checked={outcome === o}
                onChange={() => {
                  setOutcome(o);
                }}
              />
              {o === 'approve' ? 'Approve' : 'Reject'}
            </label>
          ))}
        </div>
      </fieldset>
      <label for="override-justification">Justification (10–2,000 characters; no personal data)</label>
      <textarea
        id="override-justification"
        required
        minLength={10}
        maxLength={2000}
        value={justification}
        onInput={(e) => {
          setJustification(e.currentTarget.value);
        }}
      />
      <ReasonCodePicker
        legend="Reason codes (optional)"
        selected={codes}
        suggested={[]}
        onChange={setCodes}
      />
      <button type="submit" disabled={busy || sessionId.trim() === '' || justification.trim().length < 10}>
        Request override
      </button>
      {error === undefined ? null : (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
