import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config/config';
import { HealthRegistry } from '../../src/platform/observability/health-registry';
import { MetricsRegistry } from '../../src/platform/observability/metrics';
import { PROCESS_ROLES, type ProcessRole, roleForRequest } from '../../src/platform/roles/process-roles';
import { WorkerSupervisor } from '../../src/platform/workers';
import { configProblems } from '../support/config-problems';

describe('LEDGER_ROLES', () => {
  it('runs every role by default', () => {
    expect(loadConfig({}).roles).toEqual(PROCESS_ROLES);
    expect(loadConfig({ LEDGER_ROLES: '  ' }).roles).toEqual(PROCESS_ROLES);
  });

  it('takes any non-empty subset, in any order and case, once each, in the documented order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...PROCESS_ROLES), { minLength: 1 }),
        fc.array(fc.constantFrom(...PROCESS_ROLES)),
        fc.boolean(),
        (roles, repeated, upper) => {
          const raw = [...roles, ...repeated.filter((role) => roles.includes(role))]
            .map((role) => (upper ? role.toUpperCase() : role))
            .join(' , ');
          const parsed = loadConfig({ LEDGER_ROLES: raw }).roles;
          expect(parsed).toEqual(PROCESS_ROLES.filter((role) => roles.includes(role)));
        },
      ),
    );
  });

  it('refuses unknown roles and an empty list, naming the variable and never the value', () => {
    for (const raw of ['api,secret-value-Qz', ',', 'workers', 'api;projections']) {
      const problems = configProblems({ LEDGER_ROLES: raw });
      expect(problems, raw).toHaveLength(1);
      expect(problems[0]).toMatch(/^LEDGER_ROLES must be a comma-separated list of api, projections/);
      expect(problems.join('\n')).not.toContain('secret-value-Qz');
    }
  });
});

describe(roleForRequest.name, () => {
  it('serves health and metrics in every process', () => {
    for (const path of ['/health', '/health/live', '/health/ready', '/metrics']) {
      expect(roleForRequest('GET', path)).toBeUndefined();
    }
    expect(roleForRequest('GET', '/healthz')).toBe('api');
    expect(roleForRequest('GET', '/metrics-export')).toBe('api');
  });

  it('sends vendors’ inbound webhooks to the webhooks role and the operators’ webhook API to api', () => {
    expect(roleForRequest('POST', '/v1/webhooks/onfido')).toBe('webhooks');
    expect(roleForRequest('POST', '/v1/webhooks/veriff/')).toBe('webhooks');
    expect(roleForRequest('GET', '/v1/webhooks/onfido')).toBe('api');
    expect(roleForRequest('GET', '/v1/webhooks/parked')).toBe('api');
    expect(roleForRequest('POST', '/v1/webhooks/parked')).toBe('api');
    expect(roleForRequest('POST', '/v1/webhooks/parked/42/replay')).toBe('api');
    expect(roleForRequest('POST', '/v1/webhooks/parkedx')).toBe('webhooks');
    expect(roleForRequest('POST', '/v1/verifications')).toBe('api');
    expect(roleForRequest('GET', '/console/')).toBe('api');
  });
});

describe('WorkerSupervisor with roles', () => {
  const supervisorFor = (roles: readonly ProcessRole[]) =>
    new WorkerSupervisor(new HealthRegistry(), new MetricsRegistry(), { roles });

  it('starts only the workers of its roles and reports the others as not served', async () => {
    const ran: string[] = [];
    const supervisor = supervisorFor(['projections']);
    const spec = (name: string, role: ProcessRole) => ({
      name,
      role,
      run: async ({ signal }: { signal: AbortSignal }) => {
        ran.push(name);
        await new Promise((resolve) => {
          signal.addEventListener('abort', resolve);
        });
      },
    });
    const index = supervisor.start(spec('webhook-reference-index', 'projections'));
    const expiry = supervisor.start(spec('expiry', 'schedulers'));
    await expect.poll(() => ran).toEqual(['webhook-reference-index']);
    expect(index.running).toBe(true);
    expect(expiry.running).toBe(false);
    expect(supervisor.describe()).toEqual({
      roles: ['projections'],
      workers: ['webhook-reference-index'],
      notServed: ['expiry'],
    });
    expect(() => supervisor.start(spec('expiry', 'schedulers'))).toThrow(/already/);
    await supervisor.onApplicationShutdown();
    expect(ran).toEqual(['webhook-reference-index']);
  });

  it('runs every role without a configuration (the command line, tests)', () => {
    expect(new WorkerSupervisor(new HealthRegistry(), new MetricsRegistry()).roles).toEqual(PROCESS_ROLES);
  });
});
