import { Page } from '../components';
import type { Me } from '../session';

export function SessionPage(_props: { me: Me; [key: string]: unknown }) {
  return <Page title="SessionPage">Not yet.</Page>;
}
