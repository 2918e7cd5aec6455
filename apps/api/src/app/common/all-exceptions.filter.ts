import { ErrorBody, ErrorCode } from '@ddx/contracts';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger, Optional } from '@nestjs/common';
import { Request, Response } from 'express';

import { AppErrorRecorder } from '../admin/logs/app-errors/app-error.recorder';
import { AppException } from './app-exception';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

const SAFE_MESSAGE_BY_STATUS: Record<number, string> = {
  400: 'The request is not valid.',
  401: 'You need to sign in to do this.',
  403: 'You are not allowed to do this.',
  404: 'Nothing was found at this address.',
  405: 'This method is not allowed here.',
  413: 'The request body is too large.',
  415: 'This content type, charset or encoding is not supported.',
  429: 'Too many requests. Please wait and try again.',
  503: 'The service is temporarily unavailable. Please try again shortly.',
};

interface BodyParserError {
  type?: string;
  status?: number;
  /** Set by http-errors (body-parser, serve-static) on errors whose message a client may see. */
  expose?: boolean;
}

/**
 * Turns every error into `{statusCode, error, message}`. Unknown errors are
 * logged with their stack and the request id; the client only gets the id.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  /** Unexpected 5xx errors also go to `app_errors` (admin error log), stack kept server-side. */
  constructor(@Optional() private readonly appErrors?: AppErrorRecorder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const { body, headers } = this.toBody(exception, req);
    if (body.statusCode >= 500 && !(exception instanceof AppException)) this.appErrors?.record(exception, body.statusCode, req);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, req: Request): { body: ErrorBody; headers?: Record<string, string> } {
    if (exception instanceof AppException) {
      return {
        body: { statusCode: exception.getStatus(), error: exception.code, message: exception.message, details: exception.details },
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Nest turns body-parser's SyntaxError into a plain 400.
      if (status === 400 && /JSON/.test(exception.message)) {
        return { body: { statusCode: 400, error: ErrorCode.VALIDATION, message: 'The request body is not valid JSON.' } };
      }
      return { body: { statusCode: status, error: CODE_BY_STATUS[status] ?? `HTTP_${status}`, message: this.httpMessage(exception, status) } };
    }
    const parserError = exception as BodyParserError;
    if (parserError?.type === 'entity.parse.failed') {
      return { body: { statusCode: 400, error: ErrorCode.VALIDATION, message: 'The request body is not valid JSON.' } };
    }
    if (parserError?.type === 'entity.too.large') {
      return { body: { statusCode: 413, error: ErrorCode.PAYLOAD_TOO_LARGE, message: SAFE_MESSAGE_BY_STATUS[413] as string } };
    }
    // The request's own fault, found before any handler ran: Express's URIError for a
    // path parameter that is no valid percent-encoding (`/download/%FF`), or
    // body-parser's refusal of a charset or encoding it cannot read.
    const status = parserError?.status;
    if ((exception instanceof URIError || parserError?.expose === true) && typeof status === 'number' && status >= 400 && status < 500) {
      return { body: { statusCode: status, error: CODE_BY_STATUS[status] ?? ErrorCode.VALIDATION, message: SAFE_MESSAGE_BY_STATUS[status] ?? 'The request could not be read.' } };
    }
    const requestId = String(req.id ?? '');
    this.logger.error({ err: exception, requestId, path: req.path }, 'unhandled error');
    return {
      body: {
        statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
        error: ErrorCode.INTERNAL,
        message: `Something went wrong on our side. Reference: ${requestId}`,
      },
    };
  }

  /** Nest's own messages (e.g. "Cannot GET /x") echo input; replace with ours. */
  private httpMessage(exception: HttpException, status: number): string {
    return SAFE_MESSAGE_BY_STATUS[status] ?? (status < 500 ? exception.message : 'Something went wrong on our side.');
  }
}
