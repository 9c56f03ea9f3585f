import { Page } from '../components';
import type { Me } from '../session';

export function QueuePage(_props: { me: Me; [key: string]: unknown }) {
  return <Page title="QueuePage">Not yet.</Page>;
}
