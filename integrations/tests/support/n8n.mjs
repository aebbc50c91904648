// Runs the built ZakupAI node and whole workflows the way n8n does, without n8n's server: the
// node's own execute() with an execution context whose parameters are resolved by n8n-workflow's
// expression engine (the one n8n runs), credentials applied as the credential type declares, and
// HTTP sent to the real zakupai binary. Every request is recorded for the tests to check against
// openapi.json. Node types a workflow may use are the ones implemented here; any other fails.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJson } from './zakupai.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '../../n8n-nodes-zakupai');
const dist = path.join(packageRoot, 'dist');
// n8n-workflow is installed once, with the node package (its own lockfile): resolving it from
// there gives the tests the very copy the built node loads (NodeApiError is one class).
const require = createRequire(path.join(packageRoot, 'package.json'));
const { ZakupAi } = require(path.join(dist, 'nodes/ZakupAi/ZakupAi.node.js'));
const { ZakupAiApi } = require(path.join(dist, 'credentials/ZakupAiApi.credentials.js'));
const { ZakupAiTrigger } = require(path.join(dist, 'nodes/ZakupAiTrigger/ZakupAiTrigger.node.js'));
export const n8n = require('n8n-workflow');
const { DateTime } = require('luxon');

export const ZAKUPAI_NODE_TYPE = 'n8n-nodes-zakupai.zakupAi';
export const zakupAiNode = new ZakupAi();
export const zakupAiCredential = new ZakupAiApi();
export const zakupAiTrigger = new ZakupAiTrigger();

const sinks = new Set([
  'n8n-nodes-base.telegram',
  'n8n-nodes-base.respondToWebhook',
  'n8n-nodes-base.emailSend',
  'n8n-nodes-base.noOp',
  'n8n-nodes-base.stickyNote',
]);
const triggers = new Set(['n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.manualTrigger', 'n8n-nodes-base.webhook']);
export const supportedTypes = new Set([
  ZAKUPAI_NODE_TYPE,
  'n8n-nodes-base.httpRequest',
  'n8n-nodes-base.code',
  'n8n-nodes-base.if',
  'n8n-nodes-base.set',
  ...sinks,
  ...triggers,
]);

function description(type) {
  if (type === ZAKUPAI_NODE_TYPE) return zakupAiNode.description;
  return { name: type, version: 1, properties: [], inputs: ['main'], outputs: ['main'], defaults: {} };
}

export const nodeTypes = {
  getByName(type) {
    return { description: description(type) };
  },
  getByNameAndVersion(type) {
    return { description: description(type) };
  },
  getKnownTypes() {
    return {};
  },
};

// What n8n's request helper throws for a non-2xx answer (an axios error): the status and the
// body on `response`.
export class HttpError extends Error {
  constructor(status, data, headers, request) {
    super(`Request failed with status code ${status}`);
    this.response = { status, data, headers };
    this.config = request;
  }
}

// One HTTP exchange as n8n's helpers.httpRequest makes it (qs, json, encoding), recorded.
async function send(options, headers, calls, rewriteOrigin) {
  const url = new URL(rewriteOrigin ? rewriteOrigin(options.url) : options.url);
  for (const [k, v] of Object.entries(options.qs ?? {})) {
    if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
  }
  const init = { method: options.method ?? 'GET', headers: { ...headers, ...(options.headers ?? {}) } };
  let sentBody = options.body;
  if (options.body !== undefined && init.method !== 'GET') {
    if (options.json !== false && typeof options.body === 'object' && !(options.body instanceof Uint8Array)) {
      init.body = JSON.stringify(options.body);
      init.headers['Content-Type'] = 'application/json';
    } else {
      init.body = options.body;
      if (typeof options.body === 'string' && init.headers['Content-Type'] === 'application/json') {
        sentBody = JSON.parse(options.body);
      }
    }
  }
  const answer = await fetch(url, init);
  const bytes = new Uint8Array(await answer.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const parsed = parseJson(text);
  calls.push({ method: init.method, url: url.toString(), body: sentBody, status: answer.status, answer: parsed });
  if (answer.status >= 400) {
    const data = options.encoding === 'arraybuffer' ? Buffer.from(bytes) : (parsed ?? text);
    throw new HttpError(answer.status, data, Object.fromEntries(answer.headers), { method: init.method, url: url.toString() });
  }
  if (options.encoding === 'arraybuffer') return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return parsed ?? text;
}

function credentialHeaders(credentials) {
  const headers = {};
  for (const [name, template] of Object.entries(zakupAiCredential.authenticate.properties.headers)) {
    headers[name] = template.replace('={{$credentials.apiKey}}', credentials.apiKey);
  }
  return headers;
}

// What the node's and the trigger's contexts share: the node, the credential, parameters read
// by `read(name)` (a missing one is n8n's error unless a fallback is given) and the request
// helper, recording each call.
function baseContext({ node, credentials, calls, read }) {
  return {
    getNode: () => node,
    getCredentials: async () => credentials,
    parameter(name, fallback) {
      const value = read(name);
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      throw new Error(`Could not get parameter ${name}`);
    },
    helpers: {
      async httpRequestWithAuthentication(type, options) {
        if (type !== zakupAiCredential.name) throw new Error(`unexpected credential type ${type}`);
        return send(options, credentialHeaders(credentials), calls);
      },
    },
  };
}

// The execution context the ZakupAI node's execute() sees. `parameter(name, itemIndex)` gives the
// resolved value of a node parameter (defaults filled in as n8n fills them).
function executeContext({ node, items, credentials, parameter, calls, continueOnFail = false }) {
  let itemIndex = 0;
  const base = baseContext({ node, credentials, calls, read: (name) => parameter(name, itemIndex) });
  return {
    ...base,
    getInputData: () => items,
    continueOnFail: () => continueOnFail,
    getNodeParameter(name, index, fallback) {
      itemIndex = index;
      return base.parameter(name, fallback);
    },
    helpers: {
      ...base.helpers,
      assertBinaryData(index, property) {
        const binary = items[index].binary?.[property];
        if (!binary) throw new Error(`item ${index} has no binary property ${property}`);
        return binary;
      },
      async getBinaryDataBuffer(index, property) {
        return Buffer.from(items[index].binary[property].data, 'base64');
      },
      async prepareBinaryData(buffer, fileName, mimeType) {
        return { data: Buffer.from(buffer).toString('base64'), fileName, mimeType, fileSize: String(buffer.length) };
      },
    },
  };
}

function withDefaults(node) {
  return n8n.NodeHelpers.getNodeParameters(zakupAiNode.description.properties, node.parameters, true, false, node, zakupAiNode.description);
}

// Runs the ZakupAI node alone with literal parameters (no expressions), as one execution.
export async function runZakupAiNode({ parameters, items = [{ json: {} }], credentials, continueOnFail = false }) {
  const node = { name: 'ZakupAI', type: ZAKUPAI_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters };
  const resolved = withDefaults(node);
  const calls = [];
  const context = executeContext({ node, items, credentials, parameter: (name) => resolved[name], calls, continueOnFail });
  const [output] = await zakupAiNode.execute.call(context);
  return { output, calls };
}

// One poll of the ZakupAI Trigger as n8n makes it: `staticData` is the node's static data,
// kept by the caller between polls as n8n keeps it; `mode` 'trigger' for an active workflow,
// 'manual' for the editor's test event.
export async function pollZakupAiTrigger({ parameters, credentials, staticData, mode = 'trigger' }) {
  const node = { name: 'ZakupAI Trigger', type: 'n8n-nodes-zakupai.zakupAiTrigger', typeVersion: 1, position: [0, 0], parameters };
  const resolved = n8n.NodeHelpers.getNodeParameters(zakupAiTrigger.description.properties, parameters, true, false, node, zakupAiTrigger.description);
  const calls = [];
  const base = baseContext({ node, credentials, calls, read: (name) => resolved[name] });
  const context = {
    ...base,
    getMode: () => mode,
    getActivationMode: () => 'activate',
    getWorkflowStaticData: () => staticData,
    getNodeParameter: base.parameter,
  };
  const output = await zakupAiTrigger.poll.call(context);
  return { output, calls };
}

function conditionHolds(operator, left, right) {
  const { type, operation } = operator;
  if (type === 'number') {
    const l = Number(left);
    const r = Number(right);
    return { gt: l > r, gte: l >= r, lt: l < r, lte: l <= r, equals: l === r, notEquals: l !== r }[operation];
  }
  if (type === 'boolean') return { true: left === true, false: left === false, equals: left === right }[operation];
  if (type === 'string') {
    const l = left === undefined || left === null ? '' : String(left);
    return { equals: l === right, notEquals: l !== right, notEmpty: l !== '', empty: l === '', contains: l.includes(right) }[operation];
  }
  if (type === 'array') return { notEmpty: Array.isArray(left) && left.length > 0, empty: !left || left.length === 0 }[operation];
  throw new Error(`IF operator ${type}/${operation} is not implemented here`);
}

// Runs a workflow from its trigger with `triggerItems`, every HTTP call going to `zakupai`:
// the ZakupAI node to the credential's base URL, the HTTP Request node's own URL with its origin
// replaced by the test server's. Returns each node's output items, the calls made and what the
// end nodes (Telegram, e-mail, webhook answer) were given.
export async function runWorkflow(workflowJson, { zakupai, key, triggerItems, staticData = {} }) {
  const workflow = new n8n.Workflow({
    id: '1',
    name: workflowJson.name,
    // A copy: the Workflow sets each node's parameters to what its node type declares.
    nodes: structuredClone(workflowJson.nodes),
    connections: workflowJson.connections,
    active: false,
    nodeTypes,
    settings: workflowJson.settings,
    staticData,
  });
  const credentials = { baseUrl: zakupai.base, apiKey: key };
  const calls = [];
  const sent = [];
  const runData = {};
  const runExecutionData = { resultData: { runData } };
  const outputs = {};
  const trigger = workflowJson.nodes.find((n) => triggers.has(n.type));
  const queue = [{ name: trigger.name, input: [], source: null }];
  const rewriteOrigin = (url) => url.replace(/^https?:\/\/[^/]+/, zakupai.base);

  while (queue.length > 0) {
    const { name, input, source } = queue.shift();
    // The workflow's own node: n8n-workflow's copy keeps only the parameters its (here empty)
    // description of a built-in node type declares.
    const node = workflowJson.nodes.find((n) => n.name === name);
    if (!supportedTypes.has(node.type)) throw new Error(`${name}: node type ${node.type} is not run by this harness`);
    const items = input.map((item, index) => ({ ...item, pairedItem: item.pairedItem ?? { item: index } }));
    const executeData = { node, data: { main: [items] }, source: source ? { main: [source] } : null };
    const resolve = (value, itemIndex) =>
      workflow.expression.getParameterValue(value, runExecutionData, 0, itemIndex, name, items, 'manual', {}, executeData);
    let result; // one array of items per output

    if (triggers.has(node.type)) {
      result = [triggerItems.map((json, index) => ({ json, pairedItem: { item: index } }))];
    } else if (node.type === ZAKUPAI_NODE_TYPE) {
      const withDefaultsNode = { ...node, parameters: withDefaults(node) };
      const context = executeContext({
        node: withDefaultsNode,
        items,
        credentials,
        calls,
        continueOnFail: node.onError === 'continueRegularOutput',
        parameter: (parameterName, itemIndex) => {
          const raw = withDefaultsNode.parameters[parameterName];
          return raw === undefined ? undefined : resolve(raw, itemIndex);
        },
      });
      result = await zakupAiNode.execute.call(context);
    } else if (node.type === 'n8n-nodes-base.httpRequest') {
      const out = [];
      for (let i = 0; i < items.length; i++) {
        const p = resolve(node.parameters, i);
        if (p.authentication !== 'predefinedCredentialType' || p.nodeCredentialType !== zakupAiCredential.name) {
          throw new Error(`${name}: an HTTP call to ZakupAI must use the ${zakupAiCredential.name} credential`);
        }
        const qs = {};
        for (const q of p.sendQuery ? p.queryParameters.parameters : []) qs[q.name] = q.value;
        const options = { method: p.method ?? 'GET', url: p.url, qs, json: true };
        if (p.sendBody) options.body = typeof p.jsonBody === 'string' ? JSON.parse(p.jsonBody) : p.jsonBody;
        const answer = await send(options, credentialHeaders(credentials), calls, rewriteOrigin);
        out.push({ json: answer, pairedItem: { item: i } });
      }
      result = [out];
    } else if (node.type === 'n8n-nodes-base.code') {
      const $ = (other) => {
        const list = outputs[other]?.[0] ?? [];
        return { all: () => list, first: () => list[0], last: () => list[list.length - 1] };
      };
      const $input = { all: () => items, first: () => items[0], last: () => items[items.length - 1] };
      const run = new Function('$input', 'items', '$', '$now', 'DateTime', '$getWorkflowStaticData', `return (async () => { ${node.parameters.jsCode} })();`);
      // As in n8n: one object for the whole workflow ('global'), one per node ('node').
      const $getWorkflowStaticData = (type) => (staticData[type === 'node' ? `node:${name}` : 'global'] ??= {});
      const returned = await run($input, items, $, DateTime.now(), DateTime, $getWorkflowStaticData);
      result = [returned.map((item, index) => ({ json: item.json ?? item, binary: item.binary, pairedItem: item.pairedItem ?? { item: Math.min(index, Math.max(items.length - 1, 0)) } }))];
    } else if (node.type === 'n8n-nodes-base.if') {
      const yes = [];
      const no = [];
      items.forEach((item, i) => {
        const { conditions } = resolve(node.parameters, i);
        const checks = conditions.conditions.map((c) => conditionHolds(c.operator, c.leftValue, c.rightValue));
        const holds = conditions.combinator === 'or' ? checks.some(Boolean) : checks.every(Boolean);
        (holds ? yes : no).push({ ...item, pairedItem: { item: i } });
      });
      result = [yes, no];
    } else if (node.type === 'n8n-nodes-base.set') {
      result = [
        items.map((item, i) => {
          const p = resolve(node.parameters, i);
          const json = p.includeOtherFields ? { ...item.json } : {};
          for (const a of p.assignments.assignments) json[a.name] = a.type === 'number' ? Number(a.value) : a.value;
          return { json, pairedItem: { item: i } };
        }),
      ];
    } else {
      // An end node: everything it would send, resolved per item.
      items.forEach((item, i) => sent.push({ node: name, type: node.type, parameters: resolve(node.parameters, i) }));
      result = [items.map((item, i) => ({ ...item, pairedItem: { item: i } }))];
    }

    outputs[name] = result;
    runData[name] = [{ startTime: Date.now(), executionTime: 0, source: source ? [source] : [], data: { main: result } }];
    const next = workflowJson.connections[name]?.main ?? [];
    next.forEach((targets, outputIndex) => {
      const list = result[outputIndex] ?? [];
      if (list.length === 0) return; // n8n runs nothing behind an empty output
      for (const target of targets ?? []) {
        queue.push({ name: target.node, input: list, source: { previousNode: name, previousNodeOutput: outputIndex, previousNodeRun: 0 } });
      }
    });
  }
  return { outputs, calls, sent, staticData };
}
