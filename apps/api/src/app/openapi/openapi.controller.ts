import { AppConfig } from '@ddx/server-config';
import { CanActivate, Controller, Get, Header, Injectable, NotFoundException, Res, UseGuards } from '@nestjs/common';
import { Response } from 'express';

import { OpenApiService } from './openapi.service';

const SWAGGER_INDEX = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DirectDriveX API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: '/api/docs/openapi.json', dom_id: '#swagger-ui' });`;

/**
 * The document maps every route and its schemas, which helps an attacker more
 * than an operator in production: there it is served only with ENABLE_API_DOCS=true.
 * Off answers the ordinary 404, as if the route did not exist.
 */
@Injectable()
export class ApiDocsEnabledGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(): boolean {
    if (!this.config.ENABLE_API_DOCS) throw new NotFoundException();
    return true;
  }
}

/** Served outside the /api/v1 prefix (see bootstrap.ts exclusions). */
@Controller('api/docs')
@UseGuards(ApiDocsEnabledGuard)
export class OpenApiController {
  constructor(private readonly openapi: OpenApiService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return SWAGGER_INDEX;
  }

  @Get('init.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  init(): string {
    return SWAGGER_INIT;
  }

  @Get('openapi.json')
  json(@Res() res: Response): void {
    res.json(this.openapi.getDocument());
  }
}
