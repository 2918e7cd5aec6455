import { API_PREFIX, errorBodySchema } from '@ddx/contracts';
import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { z, ZodType } from 'zod';

import { CONTRACT_KEY, RouteContract } from '../common/contract.decorator';

type JsonObject = Record<string, unknown>;

const METHOD_NAMES: Record<number, string> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.HEAD]: 'head',
  [RequestMethod.OPTIONS]: 'options',
};

/**
 * Builds the OpenAPI 3 document from the `@Contract` metadata of every
 * controller route — the same zod schemas that validate requests.
 */
@Injectable()
export class OpenApiService {
  private document?: JsonObject;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  getDocument(): JsonObject {
    this.document ??= this.build();
    return this.document;
  }

  private build(): JsonObject {
    const paths: Record<string, Record<string, JsonObject>> = {};
    const schemas: Record<string, JsonObject> = {};
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || !wrapper.metatype) continue;
      const base = this.pathOf(wrapper.metatype);
      const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[name] as (...args: unknown[]) => unknown;
        const contract = this.reflector.get<RouteContract | undefined>(CONTRACT_KEY, handler);
        const method = METHOD_NAMES[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        if (!contract || !method) continue;
        const path = toOpenApiPath(`${API_PREFIX}/${base}/${this.pathOf(handler)}`);
        paths[path] ??= {};
        (paths[path] as Record<string, JsonObject>)[method] = operation(contract, path, schemas);
      }
    }
    return {
      openapi: '3.0.3',
      info: {
        title: 'DirectDriveX API',
        version: '1.0.0',
        description: 'File transfer and storage: uploads stream to a Google Drive pool, with a WebDAV backup copy.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          user: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Token from POST /api/v1/auth/token' },
          admin: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Token from POST /api/v1/admin/auth/token' },
        },
        schemas,
      },
      paths,
    };
  }

  private pathOf(target: object): string {
    const p = Reflect.getMetadata(PATH_METADATA, target) as string | string[] | undefined;
    return Array.isArray(p) ? (p[0] ?? '') : (p ?? '');
  }
}

function toOpenApiPath(raw: string): string {
  const clean = raw.replace(/\/+/g, '/').replace(/\/$/, '');
  return clean.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Named schemas (`.meta({id})`) become shared components; zod emits them as
 * local definitions, which are hoisted and their refs rewritten.
 */
function jsonSchema(schema: ZodType, io: 'input' | 'output', components: Record<string, JsonObject>): JsonObject {
  const raw = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonObject;
  const text = JSON.stringify(raw).replace(/"#\/definitions\/([^"]+)"/g, '"#/components/schemas/$1"');
  const { definitions, ...rest } = JSON.parse(text) as JsonObject & { definitions?: Record<string, JsonObject> };
  for (const [name, def] of Object.entries(definitions ?? {})) {
    // Input and output shapes differ when defaults apply; keep both apart.
    components[io === 'input' && components[name] && JSON.stringify(components[name]) !== JSON.stringify(def) ? `${name}Input` : name] ??= def;
  }
  return rest;
}

function operation(contract: RouteContract, path: string, components: Record<string, JsonObject>): JsonObject {
  const op: JsonObject = { summary: contract.summary, tags: contract.tags ?? [] };
  const parameters: JsonObject[] = [];
  for (const match of path.matchAll(/\{([^}]+)\}/g)) {
    parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  if (contract.query) {
    const q = jsonSchema(contract.query, 'input', components);
    const props = (q['properties'] ?? {}) as Record<string, JsonObject>;
    const required = new Set((q['required'] as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries(props)) {
      parameters.push({ name, in: 'query', required: required.has(name), schema });
    }
  }
  if (parameters.length) op['parameters'] = parameters;
  if (contract.body) {
    const schema = jsonSchema(contract.body, 'input', components);
    const types = contract.bodyContentTypes ?? ['application/json'];
    op['requestBody'] = { required: true, content: Object.fromEntries(types.map((t) => [t, { schema }])) };
  }
  const responses: Record<string, JsonObject> = {};
  for (const [status, schema] of Object.entries(contract.responses)) {
    responses[status] = schema
      ? { description: describeStatus(Number(status)), content: { 'application/json': { schema: jsonSchema(schema, 'output', components) } } }
      : { description: describeStatus(Number(status)) };
  }
  responses['default'] = {
    description: 'Error',
    content: { 'application/json': { schema: jsonSchema(errorBodySchema, 'output', components) } },
  };
  op['responses'] = responses;
  if (contract.auth?.length) op['security'] = contract.auth.map((s) => ({ [s]: [] }));
  return op;
}

function describeStatus(status: number): string {
  const names: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content', 503: 'Unavailable' };
  return names[status] ?? String(status);
}
