import { Page } from '../components';
import type { Me } from '../session';

export function SessionsPage(_props: { me: Me; [key: string]: unknown }) {
  return <Page title="SessionsPage">Not yet.</Page>;
}
