import { Global, Module } from '@nestjs/common';

import { AppErrorRecorder } from './app-error.recorder';

/** Global: the app-wide exception filter records unexpected 5xx errors through AppErrorRecorder. */
@Global()
@Module({
  providers: [AppErrorRecorder],
  exports: [AppErrorRecorder],
})
export class AppErrorsModule {}
