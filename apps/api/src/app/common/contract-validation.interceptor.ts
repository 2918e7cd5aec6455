import { ErrorCode } from '@ddx/contracts';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { Observable } from 'rxjs';
import { ZodType } from 'zod';

import { AppException } from './app-exception';
import { CONTRACT_KEY, RouteContract } from './contract.decorator';

@Injectable()
export class ContractValidationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const contract = this.reflector.get<RouteContract | undefined>(CONTRACT_KEY, context.getHandler());
    if (contract && context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      if (contract.body) req.body = parseOrThrow(contract.body, req.body ?? {}, 'body');
      if (contract.params) req.params = parseOrThrow(contract.params, req.params, 'params') as Request['params'];
      if (contract.query) {
        // Express 4 exposes query as a plain writable property.
        Object.defineProperty(req, 'query', { value: parseOrThrow(contract.query, req.query, 'query'), writable: true });
      }
    }
    return next.handle();
  }
}

export function parseOrThrow<T>(schema: ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const first = details[0];
  throw new AppException(
    400,
    ErrorCode.VALIDATION,
    first ? `Invalid ${first.path}: ${first.message}` : 'The request is not valid.',
    details,
  );
}
