import { Page } from '../components';
import type { Me } from '../session';

export function AuditPage(_props: { me: Me; [key: string]: unknown }) {
  return <Page title="AuditPage">Not yet.</Page>;
}
