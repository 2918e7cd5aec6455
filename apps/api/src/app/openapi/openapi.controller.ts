import { Controller, Get, Header, Res } from '@nestjs/common';
import { Response } from 'express';

import { OpenApiService } from './openapi.service';

const SWAGGER_INDEX = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DirectDriveX API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: '/api/docs/openapi.json', dom_id: '#swagger-ui' });`;

/** Served outside the /api/v1 prefix (see main.ts exclusions). */
@Controller('api/docs')
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
