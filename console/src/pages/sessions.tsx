import { useState } from 'preact/hooks';
import { VERIFICATION_STATUSES } from '../../../src/domain/verification/verification.events';
import { call, query, type Schemas } from '../api';
import { ErrorNote, Loading, Page, useAsync } from '../components';
import { SessionTable } from '../session-table';
import { href, navigate } from '../router';
import type { Me } from '../session';
import './session.css';

type ListPage = Schemas['VerificationListPage'];

const FILTERS = ['subjectId', 'status', 'jurisdiction', 'from', 'to'] as const;
type Filter = (typeof FILTERS)[number];

/** A calendar day (yyyy-mm-dd, UTC) as the ISO instant the API takes; `to` is exclusive, so it is the next day. */
function dayToIso(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const time = Date.parse(`${day}T00:00:00.000Z`) + (end ? 86_400_000 : 0);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function filtersOf(params: URLSearchParams): Record<Filter, string> {
  return Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<Filter, string>;
}

function FilterForm({ initial }: { initial: Record<Filter, string> }) {
  const [values, setValues] = useState(initial);
  const field = (name: Filter) => ({
    id: `filter-${name}`,
    name,
    value: values[name],
    onInput: (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) => {
      const value = e.currentTarget.value;
      setValues((v) => ({ ...v, [name]: value }));
    },
  });
  return (
    <form
      class="panel"
      aria-label="Filter sessions"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(['sessions'], { ...values, jurisdiction: values.jurisdiction.trim().toUpperCase() });
      }}
    >
      <div class="row">
        <div>
          <label for="filter-subjectId">Subject id</label>
          <input {...field('subjectId')} autoComplete="off" spellcheck={false} />
        </div>
        <div>
          <label for="filter-status">Status</label>
          <select {...field('status')}>
            <option value="">Any status</option>
            {VERIFICATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-jurisdiction">Jurisdiction</label>
          <input
            {...field('jurisdiction')}
            size={4}
            maxLength={2}
            pattern="[A-Za-z]{2}"
            title="Two-letter country code, e.g. DE"
            autoComplete="off"
          />
        </div>
        <div>
          <label for="filter-from">Created from (UTC)</label>
          <input {...field('from')} type="date" />
        </div>
        <div>
          <label for="filter-to">Created through (UTC)</label>
          <input {...field('to')} type="date" />
        </div>
        <div class="session-actions">
          <button type="submit">Search</button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setValues(filtersOf(new URLSearchParams()));
              navigate(['sessions']);
            }}
          >
            Clear
          </button>
        </div>
      </div>
    </form>
  );
}

function GoToSession() {
  const [id, setId] = useState('');
  return (
    <form
      class="panel"
      aria-label="Open a session by id"
      onSubmit={(e) => {
        e.preventDefault();
        if (id.trim() !== '') navigate(['sessions', id.trim()]);
      }}
    >
      <div class="row">
        <div>
          <label for="goto-session">Session id</label>
          <input
            id="goto-session"
            name="sessionId"
            value={id}
            autoComplete="off"
            spellcheck={false}
            required
            onInput={(e) => {
              setId(e.currentTarget.value);
            }}
          />
        </div>
        <div>
          <button type="submit">Open session</button>
        </div>
      </div>
    </form>
  );
}

/** Search and list verification sessions (newest first), a page at a time; the filters live in the URL. */
export function SessionsPage({ params }: { me: Me; params: URLSearchParams }) {
  const filters = filtersOf(params);
  const cursor = params.get('cursor') ?? '';
  // A page size may come with the link (`?limit=`); the API checks its range.
  const limit = params.get('limit') ?? '50';
  const key = params.toString();
  const list = useAsync(
    (signal) =>
      call<ListPage>(
        `/v1/verifications${query({
          subjectId: filters.subjectId.trim(),
          status: filters.status,
          jurisdiction: filters.jurisdiction,
          from: dayToIso(filters.from, false),
          to: dayToIso(filters.to, true),
          cursor,
          limit,
        })}`,
        { signal },
      ),
    [key],
  );
  const activeFilters = {
    ...Object.fromEntries(FILTERS.map((f) => [f, filters[f]])),
    limit: params.get('limit') ?? undefined,
  };
  return (
    <Page title="Sessions">
      <GoToSession />
      <FilterForm key={key} initial={filters} />
      <ErrorNote error={list.error} />
      {list.loading && list.data === undefined ? <Loading what="sessions" /> : null}
      {list.data === undefined ? null : (
        <>
          <p class="muted" role="status">
            {list.data.items.length === 0
              ? 'No session matches these filters.'
              : `${list.data.items.length} session${list.data.items.length === 1 ? '' : 's'}${cursor === '' ? '' : ' (a later page)'}, newest first.`}
          </p>
          {list.data.items.length === 0 ? null : (
            <SessionTable
              sessions={list.data.items}
              caption="Verification sessions"
              visibleCaption
              busy={list.loading}
            />
          )}
          <nav class="row session-pager" aria-label="Pages of sessions">
            {cursor === '' ? null : <a href={href(['sessions'], activeFilters)}>First page</a>}
            {list.data.nextCursor === null ? null : (
              <a href={href(['sessions'], { ...activeFilters, cursor: list.data.nextCursor })}>Next page</a>
            )}
          </nav>
        </>
      )}
    </Page>
  );
}
