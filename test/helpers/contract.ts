import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { errorBodySchema } from '../../src/shared/api-types';
import { ERROR_TABLE, type ErrorCode } from '../../src/shared/errors';

/**
 * Checks an answer of the server against the API document the same server publishes
 * (GET /v1/openapi.json): that its status is documented for that operation, its media
 * type is one the document names, and its JSON body matches the documented schema.
 * Installed around fetch for every API test (contract-setup.ts), so the document and
 * the server cannot drift apart without a test failing.
 */

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, DocumentedResponse> }>>;
  components?: unknown;
}

interface DocumentedResponse {
  content?: Record<string, { schema: object }>;
}

const ALL_CODES = Object.keys(ERROR_TABLE) as ErrorCode[];
const anyErrorBody = errorBodySchema(ALL_CODES);

const documents = new Map<string, Promise<Checker>>();

export function checkerFor(origin: string, fetchDocument: (url: string) => Promise<Response>): Promise<Checker> {
  let checker = documents.get(origin);
  if (!checker) {
    checker = fetchDocument(`${origin}/v1/openapi.json`)
      .then((response) => response.json() as Promise<OpenApiDocument>)
      .then((document) => new Checker(document));
    documents.set(origin, checker);
  }
  return checker;
}

export class Checker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp; literal: number }[];

  constructor(private readonly document: OpenApiDocument) {
    this.templates = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
      literal: template.split('/').filter((segment) => !segment.startsWith('{')).length,
    }));
  }

  /** The documented path template a request path falls under, literal segments first. */
  operationPath(pathname: string): string | undefined {
    return this.templates.filter((entry) => entry.pattern.test(pathname)).sort((a, b) => b.literal - a.literal)[0]
      ?.template;
  }

  /** Problems with one answer; an empty list when it matches the document. */
  async check(method: string, url: URL, response: Response): Promise<string[]> {
    const where = `${method} ${url.pathname} → ${response.status}`;
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const template = this.operationPath(url.pathname);
    const operation = template ? this.document.paths[template]?.[method.toLowerCase()] : undefined;
    const body = method === 'HEAD' || mediaType === 'text/event-stream' ? undefined : await response.arrayBuffer();

    if (!operation) {
      // No such operation: only a contract error can answer (2600 for an unknown endpoint, 1190 before it).
      if (response.status < 400) return [`${where}: answered ${response.status} for an undocumented operation`];
      return body === undefined ? [] : this.errorBodyProblems(where, mediaType, body);
    }
    const status = String(response.status);
    const documented =
      operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
    if (!documented) return [`${where}: status not in the document`];
    if (!documented.content) {
      return body && body.byteLength > 0 ? [`${where}: a body where the document has none`] : [];
    }
    if (!documented.content[mediaType]) {
      return [
        `${where}: media type "${mediaType}" not in the document (${Object.keys(documented.content).join(', ')})`,
      ];
    }
    if (body === undefined || mediaType !== 'application/json') return [];
    const validate = this.validator(
      `${template} ${method} ${status} ${mediaType}`,
      documented.content[mediaType].schema,
    );
    const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    if (validate(parsed)) return [];
    return [
      `${where}: body does not match the document: ${this.ajv.errorsText(validate.errors)} in ${JSON.stringify(parsed).slice(0, 300)}`,
    ];
  }

  private errorBodyProblems(where: string, mediaType: string, body: ArrayBuffer): string[] {
    if (mediaType !== 'application/json') return [`${where}: an error answered as "${mediaType}"`];
    const parsed = anyErrorBody.safeParse(JSON.parse(Buffer.from(body).toString('utf8')));
    return parsed.success ? [] : [`${where}: not a contract error body: ${parsed.error.message}`];
  }

  private validator(key: string, schema: object): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      // The schema's $refs point into the document's components: compile it with them beside it.
      validate = this.ajv.compile({ ...schema, components: this.document.components });
      this.compiled.set(key, validate);
    }
    return validate;
  }
}
