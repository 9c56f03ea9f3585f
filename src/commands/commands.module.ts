import { Module } from '@nestjs/common';
import { AggregateRunner } from './aggregate-runner';
import { SUBJECT_COMMAND_HANDLERS } from './subject';
import { VERIFICATION_COMMAND_HANDLERS } from './verification';

@Module({
  providers: [AggregateRunner, ...SUBJECT_COMMAND_HANDLERS, ...VERIFICATION_COMMAND_HANDLERS],
  exports: [AggregateRunner],
})
export class CommandsModule {}
