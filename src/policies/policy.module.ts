import { type DynamicModule, Global, Module } from '@nestjs/common';
import { PolicyRegistry } from './policy-registry';

/** Loads and validates every policy document at start-up; a bad policy stops the service. */
@Global()
@Module({})
export class PolicyModule {
  static forRoot(policyDir: string): DynamicModule {
    return {
      module: PolicyModule,
      providers: [{ provide: PolicyRegistry, useFactory: () => PolicyRegistry.fromDirectory(policyDir) }],
      exports: [PolicyRegistry],
    };
  }
}
