import { Page } from '../components';
import type { Me } from '../session';

export function SubjectPage(_props: { me: Me; [key: string]: unknown }) {
  return <Page title="SubjectPage">Not yet.</Page>;
}
