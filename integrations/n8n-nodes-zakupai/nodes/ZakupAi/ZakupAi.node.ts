import type {
  IDataObject,
  IExecuteFunctions,
  IHttpRequestOptions,
  INodeExecutionData,
  INodeProperties,
  INodeType,
  INodeTypeDescription,
  JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { type Field, type Operation, findOperation, operations, resources } from './operations';
import { type BuiltRequest, apiDetail, buildRequest, requestJson, withRetryAfter } from './request';

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

// The operations that send a file (a price list from the item's binary property) or answer
// with one (PDF, DOCX, put on the item's binary property).
async function exchangeFile(
  this: IExecuteFunctions,
  operation: Operation,
  built: BuiltRequest,
  itemIndex: number,
): Promise<INodeExecutionData> {
  const credentials = await this.getCredentials('zakupAiApi');
  const property = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
  const request: IHttpRequestOptions = {
    method: built.method,
    url: String(credentials.baseUrl).replace(/\/+$/, '') + built.path,
    qs: built.qs,
    json: false,
  };
  if (operation.binaryInput) {
    const file = this.helpers.assertBinaryData(itemIndex, property);
    request.body = await this.helpers.getBinaryDataBuffer(itemIndex, property);
    request.headers = { 'Content-Type': file.mimeType || 'application/octet-stream' };
    if (file.fileName) request.qs = { ...request.qs, filename: file.fileName };
    const answer = await withRetryAfter(() => this.helpers.httpRequestWithAuthentication.call(this, 'zakupAiApi', request));
    return { json: typeof answer === 'string' ? JSON.parse(answer) : answer, pairedItem: { item: itemIndex } };
  }
  const { extension, mimeType } = operation.binaryOutput!;
  request.encoding = 'arraybuffer';
  request.headers = { 'Content-Type': 'application/json' };
  request.body = JSON.stringify(built.body);
  const answer = (await withRetryAfter(() => this.helpers.httpRequestWithAuthentication.call(this, 'zakupAiApi', request))) as ArrayBuffer;
  const name = `${built.body?.template ?? operation.value}-${itemIndex + 1}.${extension}`;
  const data = await this.helpers.prepareBinaryData(Buffer.from(answer), name, mimeType);
  return {
    json: { file_name: name, mime_type: mimeType, bytes: answer.byteLength },
    binary: { [property]: data },
    pairedItem: { item: itemIndex },
  };
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
        if (operation.binaryInput || operation.binaryOutput) {
          output.push(await exchangeFile.call(this, operation, built, i));
          continue;
        }
        const json = await requestJson(this, built);
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
