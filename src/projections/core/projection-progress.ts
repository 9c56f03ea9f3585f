import type { ProjectionStore } from './projection-store';

/**
 * How far each projection has committed, for queries that must read their own writes (`X-Min-Position`). Local
 * runners report every commit; a runner in another instance is seen by reading its checkpoint row — one read per
 * projection and poll interval, however many requests wait.
 */
export class ProjectionProgress {
  private readonly reached = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Projections a runner of this process applies: their commits arrive by `notify`. */
  private readonly local = new Set<string>();
  /** Local projections whose runner is retrying after errors. */
  private readonly failing = new Set<string>();
  private readonly reads = new Map<string, Promise<void>>();
  private readonly polls = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: ProjectionStore,
    private readonly pollMs = 25,
    /** While a local runner applies, the checkpoint row is still read now and then (the lease can move). */
    private readonly localPollMs = 500,
  ) {}

  notify(name: string, position: number): void {
    if (position <= (this.reached.get(name) ?? 0)) return;
    this.reached.set(name, position);
    const waiting = this.waiters.get(name);
    if (waiting === undefined) return;
    this.waiters.delete(name);
    for (const wake of waiting) wake();
  }

  /**
   * Whether a runner in this process is applying `name` (it then reports every commit), and whether it is failing
   * (retrying after errors).
   */
  setLocal(name: string, active: boolean, failing = false): void {
    if (active) this.local.add(name);
    else this.local.delete(name);
    if (active && failing) this.failing.add(name);
    else this.failing.delete(name);
  }

  /** Whether a runner in this process applies `name` now, and is not failing: its commits follow the log. */
  appliesHere(name: string): boolean {
    return this.local.has(name) && !this.failing.has(name);
  }

  /** The highest committed position seen in this process. */
  known(name: string): number {
    return this.reached.get(name) ?? 0;
  }

  /** Waits until `name` has committed `position`, for at most `timeoutMs`. Returns the position reached. */
  async waitFor(
    name: string,
    position: number,
    timeoutMs: number,
  ): Promise<{ reached: boolean; position: number }> {
    const deadline = Date.now() + timeoutMs;
    if (this.known(name) < position && !this.local.has(name)) await this.read(name);
    while (this.known(name) < position) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return { reached: false, position: this.known(name) };
      this.poll(name);
      await this.nextChange(name, remaining);
    }
    return { reached: true, position: this.known(name) };
  }

  /** Reads the checkpoint row; concurrent callers share one read. A failed read changes nothing. */
  private read(name: string): Promise<void> {
    let reading = this.reads.get(name);
    if (reading === undefined) {
      reading = this.store
        .checkpoint(name)
        .then((stored) => {
          if (stored !== undefined) this.notify(name, stored.position);
        })
        .catch(() => undefined)
        .finally(() => this.reads.delete(name));
      this.reads.set(name, reading);
    }
    return reading;
  }

  /** Keeps reading the checkpoint while anyone waits for `name`. */
  private poll(name: string): void {
    if (this.polls.has(name)) return;
    const timer = setTimeout(
      () => {
        void this.read(name).then(() => {
          this.polls.delete(name);
          if ((this.waiters.get(name)?.size ?? 0) > 0) this.poll(name);
        });
      },
      this.local.has(name) ? this.localPollMs : this.pollMs,
    );
    timer.unref();
    this.polls.set(name, timer);
  }

  private nextChange(name: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiting = this.waiters.get(name) ?? new Set<() => void>();
      this.waiters.set(name, waiting);
      const wake = (): void => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiting.add(wake);
    });
  }
}
