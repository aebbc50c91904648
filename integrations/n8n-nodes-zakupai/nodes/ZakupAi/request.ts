// Requests to the ZakupAI API built from the operation table, for the ZakupAI node and its trigger.
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, IPollFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Field, Operation } from './operations';

// Optional fields left at their empty default are not sent: the server's own default applies.
function isUnset(field: Field, value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (field.type === 'number' && value === 0 && !field.required) return true;
  if (field.type === 'json' && Array.isArray(value) && value.length === 0) return true;
  return false;
}

// The server's one error body is {"detail", "error": {code, message, details}}; n8n's request
// helper hands it over as the failed response's data (a Buffer when a file was asked for).
export function apiDetail(error: unknown): string | undefined {
  const response = (error as { response?: { data?: unknown; body?: unknown } }).response;
  let body = response?.data ?? response?.body;
  if (body instanceof ArrayBuffer) body = Buffer.from(body);
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  return typeof detail === 'string' ? detail : undefined;
}

export interface BuiltRequest {
  method: IHttpRequestMethods;
  path: string;
  qs: IDataObject;
  body?: IDataObject;
}

export function buildRequest(
  operation: Operation,
  read: (field: Field) => unknown,
): BuiltRequest {
  let path = operation.path;
  const qs: IDataObject = {};
  const body: IDataObject = {};
  for (const field of operation.fields) {
    const value = read(field);
    if (field.in === 'path') {
      path = path.replace(`{${field.name}}`, encodeURIComponent(String(value)));
      continue;
    }
    if (isUnset(field, value)) continue;
    if (field.in === 'query') qs[field.name] = typeof value === 'boolean' ? String(value) : (value as string);
    else body[field.name] = value as IDataObject;
  }
  const hasBody = operation.method === 'POST' || operation.method === 'PUT';
  return { method: operation.method, path, qs, body: hasBody && !operation.binaryInput ? body : undefined };
}

// A plan's per-minute limit (429) or a brief outage (503) says when to come back: wait that long
// and ask again, up to three times, when the wait is at most a minute. A longer wait (an hourly
// or daily quota) is the user's to see, as the node's error.
const retries = 3;
const longestWaitMs = 60_000;

function retryAfterMs(error: unknown): number | undefined {
  const response = (error as { response?: { status?: number; headers?: Record<string, unknown> } }).response;
  if (response?.status !== 429 && response?.status !== 503) return undefined;
  const seconds = Number(response.headers?.['retry-after']);
  return Number.isFinite(seconds) && seconds >= 0 && seconds * 1000 <= longestWaitMs ? seconds * 1000 : undefined;
}

export async function withRetryAfter<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const wait = retryAfterMs(error);
      if (wait === undefined || attempt > retries) throw error;
      await sleep(wait);
    }
  }
}

// A JSON answer from ZakupAI for `built`, with the credential's key, from either node.
export async function requestJson(
  context: IExecuteFunctions | IPollFunctions,
  built: BuiltRequest,
): Promise<IDataObject> {
  const credentials = await context.getCredentials('zakupAiApi');
  const baseUrl = String(credentials.baseUrl).replace(/\/+$/, '');
  const answer = await withRetryAfter(() =>
    context.helpers.httpRequestWithAuthentication.call(context, 'zakupAiApi', {
      method: built.method,
      url: baseUrl + built.path,
      qs: built.qs,
      body: built.body,
      json: true,
    }),
  );
  return (typeof answer === 'string' ? JSON.parse(answer) : answer) as IDataObject;
}
