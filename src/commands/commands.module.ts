import { Module } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { traceCommands } from '../platform/observability/tracing-commands';
import { AggregateRunner } from './aggregate-runner';

/** The command loop every feature's handlers run through. */
@Module({
  providers: [AggregateRunner],
  exports: [AggregateRunner],
})
export class CommandsModule {
  constructor(bus: CommandBus) {
    // A span per dispatched command while tracing is on (docs/tracing.md).
    traceCommands(bus);
  }
}
