import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError, type Schemas } from './api';

export interface Async<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Loads data when its inputs change; a newer load wins over an older one still in flight. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ error, loading: false });
      },
    );
    return () => {
      controller.abort();
    };
    // The caller lists the inputs `load` depends on, as with useEffect.
  }, [...deps, tick]);
  const reload = useCallback(() => {
    setTick((t) => t + 1);
  }, []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function ErrorNote({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <p class="error" role="alert">
      {describeError(error)}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Page({
  title,
  children,
  actions,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  useEffect(() => {
    document.title = `${title} · kyc-ledger console`;
  }, [title]);
  return (
    <section aria-labelledby="page-title">
      <header class="page-header">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions}
      </header>
      {children}
    </section>
  );
}

const STATUS_TONE: Record<string, string> = {
  approved: 'ok',
  rejected: 'bad',
  expired: 'muted',
  closed: 'muted',
  pending_review: 'warn',
  needs_resubmission: 'warn',
};

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge ${STATUS_TONE[status] ?? 'info'}`}>{status.replaceAll('_', ' ')}</span>;
}

/** A time in the reader's locale, with the exact ISO time on hover and for assistive technology. */
export function Time({ iso }: { iso: string | null | undefined }) {
  if (iso === null || iso === undefined || iso === '') return <span class="muted">—</span>;
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={iso}>
      {Number.isNaN(date.getTime()) ? iso : date.toLocaleString()}
    </time>
  );
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** A short hash for display; the full value stays in the title and the copy. */
export function Hash({ value }: { value: string }) {
  return (
    <code class="hash" title={value}>
      {value.slice(0, 12)}…
    </code>
  );
}

/** A column of a StackTable: its header (also the cell's label when rows stack on a phone) and its cell. */
export interface Column<T> {
  readonly label: string;
  readonly cell: (row: T) => ComponentChildren;
}

/**
 * A table whose rows stack into labelled cards under 600 px (`table.stack`): a caption for assistive technology,
 * column headers with scope, each cell labelled with its column.
 */
export function StackTable<T>({
  caption,
  visibleCaption = false,
  columns,
  rows,
  rowKey,
  testId,
  busy,
}: {
  caption: string;
  visibleCaption?: boolean;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  testId?: string;
  busy?: boolean;
}) {
  return (
    <div class="table-wrap" aria-busy={busy}>
      <table class="stack" data-testid={testId}>
        <caption class={visibleCaption ? 'muted' : 'visually-hidden'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c.label}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td data-label={c.label} key={c.label}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type OverrideView = Schemas['OverrideView'];

/**
 * An override's justification as the server let this caller see it: the text for the roles that decide overrides,
 * otherwise what stands in its place and why (free text is encrypted as review notes; docs/privacy.md).
 */
export function Justification({ override }: { override: OverrideView }) {
  if (override.justificationState === 'clear' && override.justification !== null) {
    return <q>{override.justification}</q>;
  }
  const why = {
    clear: 'no justification recorded',
    withheld: 'justification shown to senior reviewers only',
    shredded: 'justification shredded with the review notes',
    restricted: 'justification kept under restriction after an erasure request',
  }[override.justificationState];
  return (
    <span class="muted" data-justification={override.justificationState}>
      ({why})
    </span>
  );
}
