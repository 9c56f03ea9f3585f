import { Page } from '../components';
import type { Me } from '../session';

export function OverridesPage(_props: { me: Me; [key: string]: unknown }) {
  return <Page title="OverridesPage">Not yet.</Page>;
}
