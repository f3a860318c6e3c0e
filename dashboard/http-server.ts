// The dashboard's web server, on 127.0.0.1 only. It serves the page, its script, the chart library from the
// project's own node_modules and the charts' specifications (charts/specs.ts, shared with the benchmark's report),
// a live feed of the board as server-sent events, a return's audit trail, and the controls. Every request must
// name this server as its Host (no other name can reach it through a rebound DNS entry); a control must also be a
// same-origin POST that carries the token the page was served with, and a body its schema accepts. Anything else
// gets a 4xx JSON error, and nothing runs.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { z } from 'zod';
import { ActionableError } from '../cli/actionable-error';
import { dashboardChartSpecs } from '../charts/specs';
import { PROJECT_ROOT } from '../model/supervisor';
import type { Board, BoardEvent } from './board';
import { burstSchema, BusyError, type Controls, samplesSchema, type teamControlSchema } from './controls';

export const TOKEN_HEADER = 'x-dashboard-token';
const BODY_LIMIT_BYTES = 16 * 1024;
const HEARTBEAT_MS = 15_000;
const returnIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export interface AuditView {
  readonly returnId: string;
  readonly title: string;
  readonly temporal: readonly string[];
  readonly kafka: readonly string[];
  readonly temporalUrl: string;
}

// What the server serves once both models are open.
export interface DashboardApp {
  readonly board: Board;
  readonly controls: Controls;
  readonly teamSchema: ReturnType<typeof teamControlSchema>;
  audit(returnId: string): Promise<AuditView>;
}

// The page's own files, and the chart library's browser builds: a fixed list, never a path from the request.
const PUBLIC = path.join(__dirname, 'public');
const FILES: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/app.js': { file: path.join(PUBLIC, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: path.join(PUBLIC, 'style.css'), type: 'text/css; charset=utf-8' },
  '/vendor/vega.min.js': {
    file: path.join(PROJECT_ROOT, 'node_modules/vega/build/vega.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/vendor/vega-lite.min.js': {
    file: path.join(PROJECT_ROOT, 'node_modules/vega-lite/build/vega-lite.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/vendor/vega-embed.min.js': {
    file: path.join(PROJECT_ROOT, 'node_modules/vega-embed/build/vega-embed.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
};

const SECURITY_HEADERS = {
  // vega compiles its expressions with new Function: 'unsafe-eval', but scripts only from this server.
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: readonly string[],
  ) {
    super(message);
  }
}

export class DashboardServer {
  // Sent with the page, asked of every control: a page of another origin cannot read it.
  readonly token = randomBytes(32).toString('base64url');
  private app: DashboardApp | undefined;
  private readonly streams = new Set<http.ServerResponse>();

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  // Listens on 127.0.0.1 before anything else starts, so a taken port is said at once; port 0 takes any free one.
  static async listen(port: number): Promise<DashboardServer> {
    for (const { file } of Object.values(FILES)) {
      if (!existsSync(file)) throw new ActionableError(`The dashboard needs ${file}: run npm install.`);
    }
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE' || error.code === 'EACCES'
            ? new ActionableError(
                `The dashboard cannot listen on 127.0.0.1:${port}: ${error.code === 'EADDRINUSE' ? 'the port is taken by another program' : 'the port is not allowed'}. ` +
                  `Set DASHBOARD_PORT to a free port, e.g. DASHBOARD_PORT=${port === 65_535 ? 8091 : port + 1} npm run dashboard.`,
                2,
              )
            : error,
        ),
      );
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const dashboard = new DashboardServer(server, (server.address() as { port: number }).port);
    server.on('request', (request, response) => void dashboard.handle(request, response));
    return dashboard;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  attach(app: DashboardApp): void {
    this.app = app;
  }

  async close(): Promise<void> {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    try {
      const host = request.headers.host ?? '';
      if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`)
        throw new HttpError(421, `This server answers only as 127.0.0.1:${this.port} or localhost:${this.port}.`);
      const url = new URL(request.url ?? '/', `http://${host}`);
      if (request.method === 'POST') return await this.control(request, response, url.pathname, host);
      if (request.method !== 'GET' && request.method !== 'HEAD')
        throw new HttpError(405, `${request.method} is not served here.`);
      const file = FILES[url.pathname];
      if (file) return send(response, 200, file.type, readFileSync(file.file));
      if (url.pathname === '/chart-specs.json') return sendJson(response, 200, dashboardChartSpecs());
      const app = this.ready();
      if (url.pathname === '/') return send(response, 200, 'text/html; charset=utf-8', this.page());
      if (url.pathname === '/events') return this.stream(app.board, request, response);
      if (url.pathname === '/api/state') return sendJson(response, 200, app.board.snapshot());
      const audit = /^\/api\/returns\/([^/]+)\/audit$/.exec(url.pathname);
      if (audit) {
        const returnId = decodeURIComponent(audit[1]);
        if (!returnIdPattern.test(returnId))
          throw new HttpError(400, 'A returnId is 1-64 letters, digits or . _ : -, starting with a letter or digit.');
        return sendJson(response, 200, await app.audit(returnId));
      }
      throw new HttpError(404, `Nothing at ${url.pathname}.`);
    } catch (error) {
      if (response.headersSent) return void response.end();
      if (error instanceof HttpError)
        return sendJson(response, error.status, {
          error: error.message,
          ...(error.issues ? { issues: error.issues } : {}),
        });
      sendJson(response, 500, { error: (error as Error).message });
    }
  }

  private ready(): DashboardApp {
    if (!this.app) throw new HttpError(503, 'Both models are still starting; try again in a few seconds.');
    return this.app;
  }

  private async control(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    pathname: string,
    host: string,
  ): Promise<void> {
    // Same origin only: a browser names the page's origin on every POST, and no other site can set it.
    if (request.headers.origin !== `http://${host}`)
      throw new HttpError(403, `A control must come from this page (Origin http://${host}).`);
    const token = request.headers[TOKEN_HEADER];
    if (typeof token !== 'string' || !sameSecret(token, this.token))
      throw new HttpError(403, `A control must carry the page's token in the ${TOKEN_HEADER} header.`);
    if (!/^application\/json(;|$)/.test(request.headers['content-type'] ?? ''))
      throw new HttpError(415, 'A control is a JSON body (Content-Type: application/json).');
    const body = await readJson(request);
    const app = this.ready();
    if (pathname === '/api/samples') {
      parse(samplesSchema, body);
      try {
        return sendJson(response, 202, app.controls.submitSamples());
      } catch (error) {
        if (error instanceof BusyError) throw new HttpError(409, error.message);
        throw error;
      }
    }
    if (pathname === '/api/burst') {
      const { count, ratePerSecond } = parse(burstSchema, body);
      return sendJson(response, 202, app.controls.burst(count, ratePerSecond));
    }
    if (pathname === '/api/teams') {
      const { model, role, action } = parse(app.teamSchema, body);
      await app.controls.team(model, role, action);
      return sendJson(response, 200, { model, role, action, processes: app.board.processes() });
    }
    throw new HttpError(404, `No control at ${pathname}.`);
  }

  private page(): string {
    return readFileSync(path.join(PUBLIC, 'index.html'), 'utf8').replace('{{TOKEN}}', this.token);
  }

  // The board as it is, then every change: rows as they change, a sample each second, the processes.
  private stream(board: Board, request: http.IncomingMessage, response: http.ServerResponse): void {
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    const write = (type: string, data: unknown) => response.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    write('snapshot', board.snapshot());
    const unsubscribe = board.subscribe((event: BoardEvent) => write(event.type, event));
    const heartbeat = setInterval(() => response.write(': still here\n\n'), HEARTBEAT_MS);
    this.streams.add(response);
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(response);
    });
  }
}

function sameSecret(given: string, expected: string): boolean {
  const left = Buffer.from(given);
  const right = Buffer.from(expected);
  return left.length === right.length && timingSafeEqual(left, right);
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`,
  );
  throw new HttpError(400, `Invalid control: ${issues.join('; ')}`, issues);
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) throw new HttpError(413, `A control body is at most ${BODY_LIMIT_BYTES} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'The body is not valid JSON.');
  }
}

function send(response: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}
