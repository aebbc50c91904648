import type {
  IDataObject,
  IExecuteFunctions,
  IHttpRequestMethods,
  IHttpRequestOptions,
  INodeExecutionData,
  INodeProperties,
  INodeType,
  INodeTypeDescription,
  JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { type Field, type Operation, findOperation, operations, resources } from './operations';

function option(value: string) {
  return { name: value, value };
}

function fieldProperty(field: Field, operation: Operation, top: boolean): INodeProperties {
  const property: INodeProperties = {
    displayName: field.displayName,
    name: field.name,
    type: field.type,
    default: field.default ?? (field.type === 'boolean' ? false : field.type === 'number' ? 0 : ''),
  };
  if (field.description) property.description = field.description;
  if (field.placeholder) property.placeholder = field.placeholder;
  if (field.values) property.options = field.values.map(option);
  if (top) {
    property.required = field.required === true;
    property.displayOptions = { show: { resource: [operation.resource], operation: [operation.value] } };
  }
  return property;
}

function properties(): INodeProperties[] {
  const list: INodeProperties[] = [
    {
      displayName: 'Resource',
      name: 'resource',
      type: 'options',
      noDataExpression: true,
      options: resources.map((r) => ({ name: r.name, value: r.value })),
      default: 'search',
    },
  ];
  for (const resource of resources) {
    const own = operations.filter((o) => o.resource === resource.value);
    list.push({
      displayName: 'Operation',
      name: 'operation',
      type: 'options',
      noDataExpression: true,
      displayOptions: { show: { resource: [resource.value] } },
      options: own.map((o) => ({ name: o.name, value: o.value, action: o.action, description: o.description })),
      default: own[0].value,
    });
  }
  for (const operation of operations) {
    const show = { resource: [operation.resource], operation: [operation.value] };
    for (const field of operation.fields.filter((f) => f.required)) {
      list.push(fieldProperty(field, operation, true));
    }
    const optional = operation.fields.filter((f) => !f.required);
    if (optional.length > 0) {
      list.push({
        displayName: 'Additional Fields',
        name: 'additionalFields',
        type: 'collection',
        placeholder: 'Add Field',
        default: {},
        displayOptions: { show },
        options: optional.map((f) => fieldProperty(f, operation, false)),
      });
    }
    if (operation.splitField) {
      list.push({
        displayName: 'Split Into Items',
        name: 'splitIntoItems',
        type: 'boolean',
        default: true,
        description: `Whether to output one item per entry of "${operation.splitField}" instead of the whole answer`,
        displayOptions: { show },
      });
    }
    if (operation.binaryOutput || operation.binaryInput) {
      list.push({
        displayName: 'Binary Property',
        name: 'binaryPropertyName',
        type: 'string',
        default: 'data',
        required: true,
        description: operation.binaryInput
          ? 'The input binary property holding the CSV or XLSX file'
          : 'The output binary property to put the file in',
        displayOptions: { show },
      });
    }
  }
  return list;
}

// A JSON parameter arrives as text typed in the editor or as an object from an expression.
function jsonValue(node: IExecuteFunctions, field: Field, value: unknown, itemIndex: number): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value === '' ? 'null' : value);
  } catch {
    throw new NodeOperationError(node.getNode(), `${field.displayName} is not valid JSON`, { itemIndex });
  }
}

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

export class ZakupAi implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'ZakupAI',
    name: 'zakupAi',
    icon: 'file:zakupai.svg',
    group: ['transform'],
    version: 1,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description: 'Find, judge and win Kazakhstan public tenders (goszakup.gov.kz) with ZakupAI',
    defaults: { name: 'ZakupAI' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    usableAsTool: true,
    credentials: [{ name: 'zakupAiApi', required: true }],
    properties: properties(),
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const credentials = await this.getCredentials('zakupAiApi');
    const baseUrl = String(credentials.baseUrl).replace(/\/+$/, '');
    const output: INodeExecutionData[] = [];
    for (let i = 0; i < items.length; i++) {
      try {
        const resource = this.getNodeParameter('resource', i) as string;
        const operationName = this.getNodeParameter('operation', i) as string;
        const operation = findOperation(resource, operationName);
        if (!operation) {
          throw new NodeOperationError(this.getNode(), `Unknown operation ${resource}/${operationName}`, { itemIndex: i });
        }
        const additional = operation.fields.some((f) => !f.required)
          ? (this.getNodeParameter('additionalFields', i, {}) as IDataObject)
          : {};
        const built = buildRequest(operation, (field) => {
          const value = field.required ? this.getNodeParameter(field.name, i) : additional[field.name];
          return field.type === 'json' ? jsonValue(this, field, value, i) : value;
        });
        const request: IHttpRequestOptions = {
          method: built.method,
          url: baseUrl + built.path,
          qs: built.qs,
          json: true,
        };
        if (built.body) request.body = built.body;
        const binaryProperty = operation.binaryInput || operation.binaryOutput
          ? (this.getNodeParameter('binaryPropertyName', i) as string)
          : '';
        if (operation.binaryInput) {
          const file = this.helpers.assertBinaryData(i, binaryProperty);
          request.body = await this.helpers.getBinaryDataBuffer(i, binaryProperty);
          request.json = false;
          request.headers = { 'Content-Type': file.mimeType || 'application/octet-stream' };
          if (file.fileName) request.qs = { ...request.qs, filename: file.fileName };
        }
        if (operation.binaryOutput) {
          request.encoding = 'arraybuffer';
          request.json = false;
          request.headers = { 'Content-Type': 'application/json' };
          request.body = JSON.stringify(built.body);
        }
        let answer = await this.helpers.httpRequestWithAuthentication.call(this, 'zakupAiApi', request);
        if (operation.binaryOutput) {
          const name = `${operation.value}-${i + 1}.${operation.binaryOutput.extension}`;
          const data = await this.helpers.prepareBinaryData(
            Buffer.from(answer as ArrayBuffer),
            name,
            operation.binaryOutput.mimeType,
          );
          output.push({
            json: { file_name: name, mime_type: operation.binaryOutput.mimeType, bytes: (answer as ArrayBuffer).byteLength },
            binary: { [binaryProperty]: data },
            pairedItem: { item: i },
          });
          continue;
        }
        if (typeof answer === 'string') answer = JSON.parse(answer);
        const json = answer as IDataObject;
        const split = operation.splitField && (this.getNodeParameter('splitIntoItems', i, true) as boolean);
        if (split) {
          const entries = (json[operation.splitField!] as IDataObject[] | undefined) ?? [];
          for (const entry of entries) output.push({ json: entry, pairedItem: { item: i } });
        } else {
          output.push({ json, pairedItem: { item: i } });
        }
      } catch (error) {
        if (error instanceof NodeOperationError || error instanceof NodeApiError) {
          if (!this.continueOnFail()) throw error;
          output.push({ json: { error: error.message }, pairedItem: { item: i } });
          continue;
        }
        const detail = apiDetail(error);
        const apiError = new NodeApiError(this.getNode(), error as JsonObject, {
          itemIndex: i,
          ...(detail ? { message: `ZakupAI: ${detail}` } : {}),
        });
        if (!this.continueOnFail()) throw apiError;
        output.push({ json: { error: apiError.message, status: apiError.httpCode }, pairedItem: { item: i } });
      }
    }
    return [output];
  }
}
