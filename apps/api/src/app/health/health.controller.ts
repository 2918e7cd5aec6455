import { HealthResponse, healthResponseSchema } from '@ddx/contracts';
import { Controller, Get, Res } from '@nestjs/common';
import { Response } from 'express';

import { Contract } from '../common/contract.decorator';
import { HealthService } from './health.service';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Contract({
    summary: 'Liveness of the api and its MongoDB and Redis connections',
    tags: ['system'],
    responses: { 200: healthResponseSchema, 503: healthResponseSchema },
  })
  async get(@Res({ passthrough: true }) res: Response): Promise<HealthResponse> {
    const result = await this.health.check();
    res.status(result.status === 'ok' ? 200 : 503);
    res.setHeader('Cache-Control', 'no-store');
    return result;
  }
}
