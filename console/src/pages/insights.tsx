import { Page } from '../components';
import type { Me } from '../session';

export function InsightsPage(_props: { me: Me; [key: string]: unknown }) {
  return <Page title="InsightsPage">Not yet.</Page>;
}
