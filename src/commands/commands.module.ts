import { Module } from '@nestjs/common';
import { AggregateRunner } from './aggregate-runner';

/** The command loop every feature's handlers run through. */
@Module({
  providers: [AggregateRunner],
  exports: [AggregateRunner],
})
export class CommandsModule {}
