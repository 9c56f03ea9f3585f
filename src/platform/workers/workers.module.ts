import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createLeases, type Leases } from './advisory-lock';
import { WorkerSupervisor } from './worker-supervisor';

/** The advisory leases of this process (one database session on PostgreSQL). */
export const LEASES = Symbol('LEASES');

/** The worker supervisor and the leases, for every feature that runs a background loop. */
@Global()
@Module({
  providers: [
    WorkerSupervisor,
    { provide: LEASES, inject: [DataSource], useFactory: (ds: DataSource): Leases => createLeases(ds) },
  ],
  exports: [WorkerSupervisor, LEASES],
})
export class WorkersModule implements OnApplicationShutdown {
  constructor(@Inject(LEASES) private readonly leases: Leases) {}

  async onApplicationShutdown(): Promise<void> {
    await this.leases.close();
  }
}
