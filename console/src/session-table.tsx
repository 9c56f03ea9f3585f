import type { Schemas } from './api';
import { type Column, StackTable, StatusBadge, Time } from './components';
import { href } from './router';

type Status = Schemas['VerificationStatusView'];

const COLUMNS: Record<
  'session' | 'status' | 'jurisdiction' | 'tier' | 'attempts' | 'updated',
  Column<Status>
> = {
  session: {
    label: 'Session',
    cell: (s) => (
      <a href={href(['sessions', s.sessionId])}>
        <code>{s.sessionId}</code>
      </a>
    ),
  },
  status: { label: 'Status', cell: (s) => <StatusBadge status={s.status} /> },
  jurisdiction: { label: 'Jurisdiction', cell: (s) => s.jurisdiction },
  tier: { label: 'Tier', cell: (s) => s.tier },
  attempts: { label: 'Attempts', cell: (s) => s.attempts },
  updated: { label: 'Updated', cell: (s) => <Time iso={s.updatedAt} /> },
};

/** Verification sessions as the list endpoint gives them, each linked to its page. */
export function SessionTable({
  sessions,
  caption,
  visibleCaption,
  busy,
  attempts = true,
}: {
  sessions: readonly Status[];
  caption: string;
  visibleCaption?: boolean;
  busy?: boolean;
  attempts?: boolean;
}) {
  const columns = [
    COLUMNS.session,
    COLUMNS.status,
    COLUMNS.jurisdiction,
    COLUMNS.tier,
    ...(attempts ? [COLUMNS.attempts] : []),
    COLUMNS.updated,
  ];
  return (
    <StackTable
      caption={caption}
      {...(visibleCaption === undefined ? {} : { visibleCaption })}
      {...(busy === undefined ? {} : { busy })}
      columns={columns}
      rows={sessions}
      rowKey={(s) => s.sessionId}
    />
  );
}
