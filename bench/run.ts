import { benchAppend } from './append.bench';
import { benchAudit } from './audit.bench';
import { benchConsole } from './console';
import { benchFanout } from './fanout.bench';
import { benchHttp } from './http.bench';
import { benchInProcess } from './inprocess.bench';
import { benchInsights } from './insights.bench';
import { benchJourney } from './journey.bench';
import { benchList } from './list.bench';
import { benchPolicyLab } from './policy-lab.bench';
import { benchPrivacy } from './privacy.bench';
import { benchProjection } from './projection.bench';
import { benchPublish } from './publish.bench';
import { benchVendors } from './vendors.bench';
import { benchWebhooks } from './webhooks.bench';

/** `npm run bench`: every benchmark in turn; each prints `BENCH name value unit` lines. */
async function main(): Promise<void> {
  const only = process.argv[2];
  const benches: Record<string, () => Promise<void>> = {
    append: benchAppend,
    journey: benchJourney,
    inprocess: benchInProcess,
    fanout: benchFanout,
    http: benchHttp,
    list: benchList,
    projection: benchProjection,
    audit: benchAudit,
    publish: benchPublish,
    webhooks: benchWebhooks,
    vendors: benchVendors,
    privacy: benchPrivacy,
    'policy-lab': benchPolicyLab,
    insights: benchInsights,
    console: benchConsole,
  };
  for (const [name, run] of Object.entries(benches)) {
    if (only !== undefined && only !== name) continue;
    process.stderr.write(`# bench ${name}\n`);
    await run();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
