import { ErrorCode } from '@ddx/contracts';
import { HttpException } from '@nestjs/common';

export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * The one exception business code throws. `code` is the stable contract,
 * `message` is shown to people, so it never carries internals.
 */
export class AppException extends HttpException {
  constructor(
    status: number,
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: FieldProblem[],
    readonly headers?: Record<string, string>,
  ) {
    super({ statusCode: status, error: code, message, details }, status);
  }
}
