import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Provider } from '@nestjs/common';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../src/platform/observability/metrics';
import { ObservabilityModule } from '../../src/platform/observability/observability.module';

/**
 * The Grafana dashboard (deploy/grafana/dashboards/kyc-ledger.json, docs/tracing.md) against what the app
 * exposes at /metrics and against its provisioning in docker-compose.yml: a panel on a series nobody exports
 * would show "No data" for ever, and nothing else would notice.
 */

const ROOT = join(__dirname, '..', '..');
const DASHBOARD = join(ROOT, 'deploy/grafana/dashboards/kyc-ledger.json');

interface Target {
  readonly refId?: string;
  readonly expr?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
}

interface Panel {
  readonly id?: number;
  readonly type: string;
  readonly title?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}

interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly Panel[];
  readonly templating?: { readonly list: readonly unknown[] };
}

interface ComposeService {
  readonly volumes?: readonly string[];
  readonly expose?: readonly string[];
  readonly ports?: readonly string[];
  readonly environment?: Record<string, unknown>;
}

// `merge`: docker-compose.yml shares the app's configuration between its services with YAML merge keys, as Compose reads them.
const readYaml = (path: string): unknown => parse(readFileSync(join(ROOT, path), 'utf8'), { merge: true });

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const SERIES_SUFFIXES: Record<string, readonly string[]> = {
  counter: [''],
  gauge: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/**
 * The series names the app's metrics produce: every prom-client metric that src/ constructs (their names are
 * literals, checked below) and the process defaults that ObservabilityModule's registry collects.
 */
async function exposedSeries(): Promise<{ series: Set<string>; constructed: number; named: number }> {
  const series = new Set<string>();
  const add = (name: string, type: string): void => {
    for (const suffix of SERIES_SUFFIXES[type] ?? ['']) series.add(`${name}${suffix}`);
  };
  let constructed = 0;
  let named = 0;
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    constructed += [...text.matchAll(/\bnew (?:Counter|Gauge|Histogram|Summary)\b/g)].length;
    for (const [, type, name] of text.matchAll(
      /\bnew (Counter|Gauge|Histogram|Summary)\(\{\s*name: '([a-z_:][a-z0-9_:]*)'/g,
    )) {
      named += 1;
      add(name!, type!.toLowerCase());
    }
  }
  // The registry exactly as the app provides it, with its default process metrics.
  const providers = (Reflect.getMetadata('providers', ObservabilityModule) ?? []) as Provider[];
  const provider = providers.find(
    (p): p is Provider & { useFactory: () => MetricsRegistry } =>
      typeof p === 'object' && 'provide' in p && p.provide === MetricsRegistry && 'useFactory' in p,
  );
  if (provider === undefined) throw new Error('ObservabilityModule provides no MetricsRegistry factory');
  for (const metric of await provider.useFactory().getMetricsAsJSON()) add(metric.name, String(metric.type));
  return { series, constructed, named };
}

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects: what is left once strings, label matchers, ranges, grouping
 * clauses, functions, keywords and numbers are taken out.
 */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/(?<![\w.$])[A-Za-z_:][\w:]*(?![\w:]|\s*\()/g)].map(([name]) => name);
  return [...new Set(names.filter((name) => !PROMQL_KEYWORDS.has(name.toLowerCase())))];
}

/** Expressions that select a series the app does not expose, or none at all. */
function unknownSeries(dashboard: Dashboard, series: ReadonlySet<string>): string[] {
  return allPanels(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? []).flatMap((target) => {
      const expr = target.expr ?? '';
      const names = metricNamesIn(expr);
      if (names.length === 0) return [`${panel.title ?? '?'}: selects no series: ${expr}`];
      return names
        .filter((name) => !series.has(name))
        .map((name) => `${panel.title ?? '?'}: ${name} is not on /metrics`);
    }),
  );
}

describe('deploy/grafana/dashboards/kyc-ledger.json', () => {
  let dashboard: Dashboard;
  let series: Set<string>;
  let datasourceUid: string;

  beforeAll(async () => {
    dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
    ({ series } = await exposedSeries());
    const provisioned = readYaml('deploy/grafana/provisioning/datasources/prometheus.yml') as {
      datasources: { uid: string; type: string; url: string }[];
    };
    expect(provisioned.datasources).toHaveLength(1);
    expect(provisioned.datasources[0]?.type).toBe('prometheus');
    datasourceUid = provisioned.datasources[0]!.uid;
  });

  it('knows every metric the app constructs (each name is a literal the scan can read)', async () => {
    const { constructed, named } = await exposedSeries();
    expect(named).toBe(constructed);
    expect(series).toContain('kyc_ledger_projection_lag_seconds');
    expect(series).toContain('kyc_ledger_publisher_batch_send_seconds_bucket');
    expect(series).toContain('kyc_ledger_process_cpu_seconds_total');
  });

  it('selects only series the app exposes at /metrics, and every panel selects some', () => {
    const panels = allPanels(dashboard.panels).filter((panel) => panel.type !== 'row');
    expect(panels.length).toBeGreaterThan(20);
    for (const panel of panels) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    expect(unknownSeries(dashboard, series)).toEqual([]);
    // Nothing the dashboard cannot know: template variables would hide what a panel selects.
    expect(dashboard.templating?.list ?? []).toEqual([]);
  });

  it('finds a panel on a misspelt, foreign or missing series', () => {
    const broken = (expr: string): Dashboard => ({
      ...dashboard,
      panels: [{ id: 1, type: 'timeseries', title: 'Broken', targets: [{ refId: 'A', expr }] }],
    });
    expect(unknownSeries(broken('max(kyc_ledger_projection_lag_second)'), series)).toEqual([
      'Broken: kyc_ledger_projection_lag_second is not on /metrics',
    ]);
    expect(unknownSeries(broken('sum(up{job="kyc-ledger"})'), series)).toEqual([
      'Broken: up is not on /metrics',
    ]);
    expect(unknownSeries(broken('vector(1)'), series)).toEqual(['Broken: selects no series: vector(1)']);
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (le, projection) (rate(kyc_ledger_a_bucket{job="x",le!="+Inf"}[$__rate_interval]))) ' +
          '- on() group_right() max without (instance) (kyc_ledger_b offset 5m) > bool 1e3',
      ),
    ).toEqual(['kyc_ledger_a_bucket', 'kyc_ledger_b']);
  });

  it('gives every panel a unique id', () => {
    const ids = allPanels(dashboard.panels).map((panel) => panel.id);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('queries the provisioned Prometheus by its uid, in every panel and every query', () => {
    const expected = { type: 'prometheus', uid: datasourceUid };
    for (const panel of allPanels(dashboard.panels).filter((p) => p.type !== 'row')) {
      expect(panel.datasource, panel.title).toEqual(expected);
      for (const target of panel.targets ?? []) expect(target.datasource, panel.title).toEqual(expected);
    }
  });
});

describe('the monitoring services of docker-compose.yml', () => {
  const compose = readYaml('docker-compose.yml') as { services: Record<string, ComposeService> };
  const service = (name: string): ComposeService => {
    const found = compose.services[name];
    if (found === undefined) throw new Error(`docker-compose.yml has no ${name} service`);
    return found;
  };
  /** Where a service mounts a directory of this repository. */
  const mountOf = (name: string, source: string): string | undefined =>
    service(name)
      .volumes?.map((volume) => volume.split(':'))
      .find(([from]) => from === source)?.[1];

  it('has Grafana load the dashboard and the datasource from deploy/grafana', () => {
    const dashboards = mountOf('grafana', './deploy/grafana/dashboards');
    expect(mountOf('grafana', './deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const providers = (
      readYaml('deploy/grafana/provisioning/dashboards/kyc-ledger.yml') as {
        providers: { options: { path: string } }[];
      }
    ).providers;
    expect(providers.map((provider) => provider.options.path)).toEqual([dashboards]);
    expect(relative(join(ROOT, 'deploy/grafana/dashboards'), DASHBOARD)).toBe('kyc-ledger.json');
  });

  it('points the datasource at the prometheus service, and Prometheus at the app’s /metrics', () => {
    const { url } = (
      readYaml('deploy/grafana/provisioning/datasources/prometheus.yml') as { datasources: { url: string }[] }
    ).datasources[0]!;
    const datasource = new URL(url);
    expect(datasource.hostname).toBe('prometheus');
    expect(service('prometheus').expose).toContain(datasource.port);

    expect(mountOf('prometheus', './deploy/prometheus/prometheus.yml')).toBe(
      '/etc/prometheus/prometheus.yml',
    );
    const scrape = (
      readYaml('deploy/prometheus/prometheus.yml') as {
        scrape_configs: {
          metrics_path?: string;
          dns_sd_configs: { names: string[]; type: string; port: number }[];
        }[];
      }
    ).scrape_configs;
    expect(scrape.map((job) => job.metrics_path)).toEqual(['/metrics']);
    // Every replica of every service that runs the app, each a target of its own (DNS A records).
    const discovered = scrape.flatMap((job) => job.dns_sd_configs);
    expect(discovered.flatMap((config) => config.names).sort()).toEqual(['api', 'worker']);
    for (const config of discovered) {
      expect(config.type).toBe('A');
      for (const name of config.names)
        expect(String(service(name).environment?.PORT)).toBe(String(config.port));
    }
  });
});
