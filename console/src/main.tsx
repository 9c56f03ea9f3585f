import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, describeError, token } from './api';
import { href, useRoute, type Route } from './router';
import { can, type Me, type Role } from './session';
import { AuditPage } from './pages/audit';
import { InsightsPage } from './pages/insights';
import { OverridesPage } from './pages/overrides';
import { QueuePage } from './pages/queue';
import { SessionPage } from './pages/session';
import { SessionsPage } from './pages/sessions';
import { SubjectPage } from './pages/subject';
import './app.css';

interface Section {
  readonly path: string;
  readonly label: string;
  readonly roles: Role[];
}

/** The console's sections, each shown only to the roles the API lets do its work (the authorization matrix). */
const SECTIONS: readonly Section[] = [
  { path: 'queue', label: 'Review queue', roles: ['reviewer', 'senior_reviewer'] },
  { path: 'overrides', label: 'Overrides', roles: ['reviewer', 'senior_reviewer'] },
  { path: 'sessions', label: 'Sessions', roles: ['operator', 'reviewer', 'senior_reviewer', 'auditor'] },
  { path: 'subjects', label: 'Subjects', roles: ['privacy_officer', 'auditor'] },
  { path: 'insights', label: 'Insights', roles: ['auditor'] },
  { path: 'audit', label: 'Audit', roles: ['auditor'] },
];

function SignIn({ onSignedIn, problem }: { onSignedIn: (me: Me) => void; problem?: string }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>(problem);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    token.set(value.trim());
    try {
      onSignedIn(await call<Me>('/v1/me'));
    } catch (e) {
      token.clear();
      setError(
        e instanceof ApiError && e.status === 401 ? 'That key or token was not accepted.' : describeError(e),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <h1>kyc-ledger console</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby="signin-help">
        <label for="token">API key or JWT</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={value}
          onInput={(e) => {
            setValue(e.currentTarget.value);
          }}
        />
        <p id="signin-help" class="muted">
          Kept in this tab only and sent to this service alone. What you see follows your roles.
        </p>
        <button type="submit" disabled={busy || value.trim() === ''}>
          Sign in
        </button>
        {error === undefined ? null : (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}

function Content({ me, route }: { me: Me; route: Route }) {
  const [section = '', id] = route.path;
  const allowed = SECTIONS.find((s) => s.path === section && can(me, ...s.roles));
  if (allowed === undefined) {
    const first = SECTIONS.find((s) => can(me, ...s.roles));
    if (section === '' && first !== undefined) {
      location.replace(href([first.path]));
      return null;
    }
    return (
      <p class="muted" role="status">
        {first === undefined
          ? 'Your roles give you no page of this console.'
          : 'This page is not open to your roles.'}
      </p>
    );
  }
  switch (allowed.path) {
    case 'queue':
      return <QueuePage me={me} />;
    case 'overrides':
      return <OverridesPage me={me} params={route.params} />;
    case 'sessions':
      return id === undefined ? (
        <SessionsPage me={me} params={route.params} />
      ) : (
        <SessionPage me={me} sessionId={id} params={route.params} />
      );
    case 'subjects':
      return <SubjectPage me={me} subjectId={id} />;
    case 'insights':
      return <InsightsPage me={me} params={route.params} />;
    case 'audit':
      return <AuditPage me={me} />;
    default:
      return null;
  }
}

function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const route = useRoute();
  const section = route.path[0] ?? '';
  useEffect(() => {
    // Move focus to the new page's heading, so keyboard and screen-reader users land on what changed.
    document.getElementById('page-title')?.focus();
  }, [route.path.join('/')]);
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">kyc-ledger</span>
        <nav aria-label="Console sections">
          <ul>
            {SECTIONS.filter((s) => can(me, ...s.roles)).map((s) => (
              <li key={s.path}>
                <a href={href([s.path])} aria-current={section === s.path ? 'page' : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          <span data-testid="principal">{me.principal}</span>{' '}
          <span class="muted">({me.roles.join(', ')})</span>
          <button type="button" class="link" onClick={onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <Content me={me} route={route} />
      </main>
    </>
  );
}

function App() {
  const [me, setMe] = useState<Me | undefined>();
  const [checking, setChecking] = useState(token.get() !== null);
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    if (token.get() === null) return;
    call<Me>('/v1/me').then(
      (found) => {
        setMe(found);
        setChecking(false);
      },
      (e: unknown) => {
        token.clear();
        setProblem(describeError(e));
        setChecking(false);
      },
    );
  }, []);
  if (checking) return <p class="boot">Signing in…</p>;
  if (me === undefined) return <SignIn onSignedIn={setMe} {...(problem === undefined ? {} : { problem })} />;
  const signOut = (): void => {
    token.clear();
    setMe(undefined);
    location.replace('#/');
  };
  return <Shell me={me} onSignOut={signOut} />;
}

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(<App />, root);
}
