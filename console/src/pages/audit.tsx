import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, callText, query, type Schemas } from '../api';
import { ErrorNote, Loading, Page, Time, useAsync } from '../components';
import type { Me } from '../session';
import './audit.css';

type Checkpoint = Schemas['LatestCheckpointView'];
type Report = Schemas['VerificationReportView'];
type Bundle = Schemas['AuditBundleView'];

/** SHA-256 of the key's SPKI DER (the body of its PEM), hex: what an auditor compares with the key they hold. */
async function fingerprint(pem: string): Promise<string> {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Saves text as a file through an object URL; the URL lives until the next save or until the page goes. */
function useDownload(): {
  url: string | undefined;
  name: string;
  save: (text: string, name: string) => void;
} {
  const [file, setFile] = useState<{ url: string; name: string } | undefined>();
  useEffect(
    () => () => {
      if (file !== undefined) URL.revokeObjectURL(file.url);
    },
    [file],
  );
  const save = (text: string, name: string): void => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setFile({ url, name });
  };
  return { url: file?.url, name: file?.name ?? '', save };
}

export function AuditPage(_props: { me: Me }) {
  return (
    <Page title="Audit">
      <div class="audit">
        <CheckpointPanel />
        <VerifyPanel />
        <BundlePanel />
      </div>
    </Page>
  );
}

function CheckpointPanel() {
  const latest = useAsync<{ checkpoint: Checkpoint; fingerprint: string } | null>(async (signal) => {
    try {
      const checkpoint = await call<Checkpoint>('/v1/audit/checkpoints/latest', { signal });
      return { checkpoint, fingerprint: await fingerprint(checkpoint.publicKey) };
    } catch (e) {
      if (e instanceof ApiError && e.code === 'no_checkpoint') return null;
      throw e;
    }
  }, []);
  const keyFile = useDownload();
  const data = latest.data;
  const statement = data?.checkpoint.statement;
  return (
    <section class="panel" aria-labelledby="checkpoint-title" aria-busy={latest.loading}>
      <div class="panel-head">
        <h2 id="checkpoint-title">Latest signed checkpoint</h2>
        <button type="button" class="secondary" disabled={latest.loading} onClick={latest.reload}>
          Refresh
        </button>
      </div>
      {latest.loading && data === undefined ? <Loading what="the latest checkpoint" /> : null}
      <ErrorNote error={latest.error} />
      {data === null ? <p class="muted">No checkpoint is signed yet.</p> : null}
      {data === undefined || data === null || statement === undefined ? null : (
        <>
          <dl class="facts">
            <dt>Sequence</dt>
            <dd data-testid="checkpoint-sequence">{statement.sequence}</dd>
            <dt>Range</dt>
            <dd>
              positions {statement.fromPosition} to {statement.toPosition} ({statement.treeSize} leaves)
            </dd>
            <dt>Merkle root</dt>
            <dd>
              <code data-testid="checkpoint-root">{statement.rootHash}</code>
            </dd>
            <dt>Signed</dt>
            <dd>
              <Time iso={statement.signedAt} />
            </dd>
            <dt>Key id</dt>
            <dd>
              <code>{statement.keyId}</code>
            </dd>
            <dt>Public key (SHA-256 of SPKI DER)</dt>
            <dd>
              <code data-testid="key-fingerprint">{data.fingerprint}</code>
            </dd>
          </dl>
          <p class="muted">
            Compare the fingerprint with the key you were given out of band before you trust a verification.
          </p>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              keyFile.save(data.checkpoint.publicKey, 'kyc-ledger-public-key.pem');
            }}
          >
            Download the public key
          </button>
        </>
      )}
    </section>
  );
}

/** The first failure of a report, as the API names it (kind or reason, where, detail). */
function firstFailure(report: Report): Record<string, unknown> | undefined {
  return report.chain.failures[0] ?? report.checkpoints.failure;
}

function VerifyPanel() {
  const [stream, setStream] = useState('');
  const [state, setState] = useState<{ busy: boolean; report?: Report; error?: unknown }>({ busy: false });
  const run = async (event: Event): Promise<void> => {
    event.preventDefault();
    setState({ busy: true });
    try {
      const s = stream.trim();
      const report = await call<Report>(`/v1/audit/verification${query({ stream: s })}`);
      setState({ busy: false, report });
    } catch (e) {
      setState({ busy: false, error: e });
    }
  };
  const report = state.report;
  const failure = report === undefined ? undefined : firstFailure(report);
  return (
    <section class="panel" aria-labelledby="verify-title">
      <h2 id="verify-title">Verify the ledger</h2>
      <form onSubmit={(e) => void run(e)}>
        <p class="muted">
          Re-walks every hash chain and checks every signed checkpoint, here on the server. For an independent
          check, export a bundle below and verify it offline.
        </p>
        <div class="row">
          <div>
            <label for="verify-stream">Stream (optional; all when empty)</label>
            <input
              id="verify-stream"
              name="stream"
              autoComplete="off"
              spellcheck={false}
              placeholder="kyc-verification-…"
              value={stream}
              onInput={(e) => {
                setStream(e.currentTarget.value);
              }}
            />
          </div>
          <button type="submit" disabled={state.busy}>
            Verify the ledger
          </button>
        </div>
      </form>
      <div aria-live="polite" aria-busy={state.busy} data-testid="verify-result">
        {state.busy ? (
          <div class="verifying">
            <label for="verify-progress">Verifying…</label>
            <progress id="verify-progress" />
          </div>
        ) : null}
        <ErrorNote error={state.error} />
        {report === undefined ? null : (
          <div class={report.ok ? 'verified' : 'tampered'} role="status">
            <p class="verdict">
              {report.ok
                ? 'Verified: the hash chains and signed checkpoints hold.'
                : 'Verification FAILED: the ledger does not match its hashes or signatures.'}
            </p>
            <dl class="facts">
              <dt>Hash chains</dt>
              <dd>
                {report.chain.ok ? 'ok' : 'failed'}: {report.chain.streamsChecked} streams,{' '}
                {report.chain.eventsChecked} events, through position {report.chain.throughPosition}
              </dd>
              <dt>Checkpoints</dt>
              <dd>
                {report.checkpoints.ok ? 'ok' : 'failed'}: {report.checkpoints.checkpointsChecked} checked,
                covering through position {report.checkpoints.coveredThrough}
              </dd>
              {failure === undefined ? null : (
                <>
                  <dt>First failure</dt>
                  <dd>
                    <dl class="facts">
                      {Object.entries(failure).map(([k, v]) => (
                        <div key={k} class="pair">
                          <dt>{k}</dt>
                          <dd>
                            <code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>
                          </dd>
                        </div>
                      ))}
                    </dl>
                  </dd>
                </>
              )}
            </dl>
          </div>
        )}
      </div>
    </section>
  );
}

function BundlePanel() {
  const [kind, setKind] = useState<'session' | 'subject'>('session');
  const [id, setId] = useState('');
  const [state, setState] = useState<{ busy: boolean; summary?: string; error?: unknown }>({ busy: false });
  const download = useDownload();
  const target = id.trim();
  const exportBundle = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (target === '') return;
    setState({ busy: true });
    try {
      // Saved byte for byte as the server serialised it; parsed only for the summary.
      const text = await callText(`/v1/audit/bundles${query({ [kind]: target })}`);
      const bundle = JSON.parse(text) as Bundle;
      const events = Object.values(bundle.streams).flat().length;
      download.save(text, `audit-bundle-${kind}-${target}.json`);
      setState({
        busy: false,
        summary: `${events} events in ${Object.keys(bundle.streams).length} streams, ${bundle.checkpoints.length} signed checkpoints, ${bundle.explanations.length} explanations.`,
      });
    } catch (e) {
      setState({ busy: false, error: e });
    }
  };
  return (
    <section class="panel" aria-labelledby="bundle-title">
      <h2 id="bundle-title">Export an audit bundle</h2>
      <p class="muted">
        A session with its subject, or a subject with all its sessions: every event with its inclusion proof
        and the signed checkpoints, personal data encrypted. Verify it offline with the public key alone.
      </p>
      <form onSubmit={(e) => void exportBundle(e)}>
        <fieldset>
          <legend>Export for</legend>
          <div class="checks">
            <label>
              <input
                type="radio"
                name="bundle-kind"
                value="session"
                checked={kind === 'session'}
                onChange={() => {
                  setKind('session');
                }}
              />
              a session
            </label>
            <label>
              <input
                type="radio"
                name="bundle-kind"
                value="subject"
                checked={kind === 'subject'}
                onChange={() => {
                  setKind('subject');
                }}
              />
              a subject
            </label>
          </div>
          <div class="row">
            <div>
              <label for="bundle-id">{kind === 'session' ? 'Session id' : 'Subject id'}</label>
              <input
                id="bundle-id"
                name="id"
                required
                autoComplete="off"
                spellcheck={false}
                pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,127}"
                value={id}
                onInput={(e) => {
                  setId(e.currentTarget.value);
                }}
              />
            </div>
            <button type="submit" disabled={state.busy || target === ''}>
              Download bundle
            </button>
          </div>
        </fieldset>
      </form>
      <div aria-live="polite" aria-busy={state.busy}>
        {state.busy ? (
          <div class="verifying">
            <label for="bundle-progress">Building the bundle…</label>
            <progress id="bundle-progress" />
          </div>
        ) : null}
        <ErrorNote error={state.error} />
        {state.summary === undefined || download.url === undefined ? null : (
          <p class="notice" role="status">
            Saved{' '}
            <a href={download.url} download={download.name}>
              {download.name}
            </a>
            : {state.summary}
          </p>
        )}
      </div>
      <details>
        <summary>Verify it offline, or export from the command line</summary>
        <pre>
          <code>
            {`npx kyc-ledger verify-bundle ${download.name || 'audit-bundle.json'} --public-key kyc-ledger-public-key.pem\nnpx kyc-ledger export --${kind} ${target || '<id>'} --out audit-bundle.json`}
          </code>
        </pre>
      </details>
    </section>
  );
}
