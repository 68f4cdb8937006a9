import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { invalidInput } from '../../domain/index.js';

/**
 * A route described once: express registration, zod validation (400 with the fields at fault)
 * and its OpenAPI operation all come from the same object, so the document cannot drift.
 */
export interface RouteSpec<Q extends z.ZodType, B extends z.ZodType, P extends z.ZodType> {
  readonly method: 'get' | 'post' | 'patch' | 'delete';
  /** Express path (`/broadcasts/:id`); OpenAPI gets `{id}`. */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly query?: Q;
  readonly body?: B;
  readonly params?: P;
  /** `admin` only, or any logged-in admin/organiser. */
  readonly adminOnly?: boolean;
  /** Response media types other than JSON (exports). */
  readonly produces?: readonly string[];
  readonly handler: (input: { query: z.output<Q>; body: z.output<B>; params: z.output<P> }, req: Request, res: Response) => Promise<unknown>;
}

type AnyRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

export class ApiRegistry {
  readonly routes: AnyRoute[] = [];

  add<
    Q extends z.ZodType = z.ZodObject<Record<never, z.ZodType>>,
    B extends z.ZodType = z.ZodUnknown,
    P extends z.ZodType = z.ZodObject<Record<never, z.ZodType>>,
  >(spec: RouteSpec<Q, B, P>): void {
    this.routes.push(spec as unknown as AnyRoute);
  }

  /** Registers every route; a handler's return value is sent as JSON unless it wrote the response itself. */
  mount(router: Router, guard: (spec: AnyRoute, req: Request) => void): void {
    for (const spec of this.routes) {
      router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
        try {
          guard(spec, req);
          const parse = (schema: z.ZodType | undefined, value: unknown, what: string) => {
            if (!schema) return value;
            const r = schema.safeParse(value ?? {});
            if (!r.success) throw invalidInput(r.error, what);
            return r.data;
          };
          const input = {
            params: parse(spec.params, req.params, 'path'),
            query: parse(spec.query, req.query, 'query'),
            body: parse(spec.body, req.body, 'body'),
          };
          const out = await spec.handler(input as never, req, res);
          if (!res.headersSent) res.json(out ?? { ok: true });
        } catch (err) {
          next(err);
        }
      });
    }
  }

  /** OpenAPI 3.1 document, schemas generated with zod 4's `z.toJSONSchema`. */
  openapi(info: { title: string; version: string; serverUrl: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const spec of this.routes) (paths[openapiPath(spec.path)] ??= {})[spec.method] = operationOf(spec);
    return {
      openapi: '3.1.0',
      info: {
        title: info.title,
        version: info.version,
        description: 'Admin REST API. Send `Authorization: Bearer <token>` (create one with `npm run cli -- token create`).',
      },
      servers: [{ url: info.serverUrl }],
      security: [{ bearerAuth: [] }, { sessionCookie: [] }],
      paths,
      components: COMPONENTS,
    };
  }
}

/** Express's `/broadcasts/:id` as OpenAPI's `/broadcasts/{id}`. */
const openapiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function jsonSchema(s: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  try {
    return z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The path and query parameters of a route, one per property of its schemas. */
function parametersOf(spec: AnyRoute): unknown[] {
  const parameters: unknown[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema);
    // Intersections (`a.and(b)`) come out as allOf: their members' properties are parameters too.
    const parts = [js, ...((js.allOf as Array<Record<string, unknown>> | undefined) ?? [])];
    const props = Object.assign({}, ...parts.map((p) => p.properties ?? {})) as Record<string, Record<string, unknown>>;
    const required = new Set(parts.flatMap((p) => (p.required as string[] | undefined) ?? []));
    for (const [name, s] of Object.entries(props)) {
      const { description, ...rest } = s;
      parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema: rest, ...(description ? { description } : {}) });
    }
  }
  return parameters;
}

function operationOf(spec: AnyRoute): Record<string, unknown> {
  const oaPath = openapiPath(spec.path);
  const op: Record<string, unknown> = {
    tags: [spec.tag],
    summary: spec.summary + (spec.adminOnly ? ' (role admin)' : ''),
    operationId: `${spec.method}${oaPath.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    parameters: parametersOf(spec),
    responses: {
      '200': spec.produces
        ? { description: 'The file', content: Object.fromEntries(spec.produces.map((m) => [m, { schema: { type: 'string', format: 'binary' } }])) }
        : { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
      '400': { $ref: '#/components/responses/BadRequest' },
      '401': { $ref: '#/components/responses/Unauthorized' },
      '403': { $ref: '#/components/responses/Forbidden' },
    },
  };
  if (spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } };
  return op;
}

/** The error answer every route shares (src/http/errors.ts), and how callers authenticate. */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'object',
          properties: { fields: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } } },
        },
      },
    },
  },
};
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const COMPONENTS = {
  securitySchemes: {
    bearerAuth: { type: 'http', scheme: 'bearer' },
    sessionCookie: { type: 'apiKey', in: 'cookie', name: 'cds_admin', description: 'Admin pages; writes also need the X-CSRF-Token header' },
  },
  schemas: { Error: ERROR_SCHEMA },
  responses: {
    BadRequest: errorResponse('Invalid input; details.fields lists each field at fault'),
    Unauthorized: errorResponse('No or unknown credentials'),
    Forbidden: errorResponse('Not allowed for this role or bot'),
  },
};
