// The node's operations held against the API contract (data/openapi.json, the document the
// server serves at /openapi.json; ZAKUPAI_OPENAPI names another copy): every operation calls a
// documented method and path, sends only documented parameters, sends every required one, and
// offers only values the server accepts. Runs on the built package (npm run build first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(import.meta.url);
const { operations, resources } = require(path.join(root, 'dist/nodes/ZakupAi/operations.js'));
const { ZakupAi } = require(path.join(root, 'dist/nodes/ZakupAi/ZakupAi.node.js'));
const { ZakupAiApi } = require(path.join(root, 'dist/credentials/ZakupAiApi.credentials.js'));
const { ZakupAiTrigger } = require(path.join(root, 'dist/nodes/ZakupAiTrigger/ZakupAiTrigger.node.js'));
const { NodeHelpers } = require('n8n-workflow');
const { requestJson } = require(path.join(root, 'dist/nodes/ZakupAi/request.js'));

const openapiFile = process.env.ZAKUPAI_OPENAPI ?? path.resolve(root, '../../data/openapi.json');
const openapi = JSON.parse(fs.readFileSync(openapiFile, 'utf8'));

function documented(operationId) {
  for (const [p, item] of Object.entries(openapi.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op.operationId === operationId) return { path: p, method: method.toUpperCase(), op };
    }
  }
  return undefined;
}

function parameters(op) {
  return (op.parameters ?? []).map((p) => (p.$ref ? openapi.components.parameters[p.$ref.split('/').pop()] : p));
}

// The body schema's branches: one object schema, or each branch of a oneOf.
function bodySchemas(op) {
  const content = op.requestBody?.content ?? {};
  const schema = content['application/json']?.schema;
  if (!schema) return [];
  return schema.oneOf ?? [schema];
}

function typesOf(schema) {
  const t = schema?.type;
  return Array.isArray(t) ? t : t ? [t] : [];
}

function compatible(field, schema) {
  const types = typesOf(schema);
  if (types.length === 0) return true;
  switch (field.type) {
    case 'number':
      return types.includes('number') || types.includes('integer');
    case 'boolean':
      return types.includes('boolean') || types.includes('string');
    case 'json':
      return types.includes('object') || types.includes('array');
    default:
      return types.includes('string');
  }
}

test('the resources the integration promises are there', () => {
  assert.deepEqual(
    resources.map((r) => r.value),
    ['search', 'lot', 'risk', 'rnu', 'calculator', 'document', 'upload'],
  );
  for (const r of resources) {
    assert.ok(operations.some((o) => o.resource === r.value), `${r.value} has no operation`);
  }
  assert.equal(new Set(operations.map((o) => `${o.resource}/${o.value}`)).size, operations.length);
});

for (const operation of operations) {
  test(`${operation.resource}/${operation.value} calls ${operation.operationId} as documented`, () => {
    const doc = documented(operation.operationId);
    assert.ok(doc, `${operation.operationId} is not in openapi.json`);
    assert.equal(operation.method, doc.method);
    assert.equal(operation.path, doc.path);

    const params = parameters(doc.op);
    const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name).sort();
    assert.deepEqual(operation.fields.filter((f) => f.in === 'path').map((f) => f.name).sort(), pathParams);

    const branches = bodySchemas(doc.op);
    if (operation.binaryInput) {
      assert.ok(doc.op.requestBody.content['text/csv'], 'the raw-file upload must be documented');
    } else if (['POST', 'PUT'].includes(operation.method)) {
      assert.ok(branches.length > 0, 'a POST without a documented JSON body');
    }
    // The branch this operation fills: the one holding all its body fields.
    const bodyFields = operation.fields.filter((f) => f.in === 'body');
    const branch = branches.find((b) => bodyFields.every((f) => b.properties?.[f.name])) ?? branches[0];

    for (const field of operation.fields) {
      let schema;
      if (field.in === 'body') {
        schema = branch?.properties?.[field.name];
        assert.ok(schema, `body field ${field.name} is not documented`);
      } else {
        const p = params.find((x) => x.name === field.name && x.in === field.in);
        assert.ok(p, `${field.in} parameter ${field.name} is not documented`);
        schema = p.schema;
        if (p.required) assert.equal(field.required, true, `${field.name} is required by the API`);
      }
      assert.ok(compatible(field, schema), `${field.name}: ${field.type} against ${JSON.stringify(schema)}`);
      if (field.values && schema?.enum) {
        for (const v of field.values) assert.ok(schema.enum.includes(v), `${field.name}: ${v} not in ${schema.enum}`);
      }
    }
    for (const p of params.filter((x) => x.required && x.in !== 'header')) {
      assert.ok(operation.fields.some((f) => f.name === p.name && f.required), `required ${p.name} missing`);
    }
    for (const name of branch?.required ?? []) {
      assert.ok(operation.fields.some((f) => f.name === name && f.in === 'body' && f.required), `required body ${name} missing`);
    }
    if (operation.splitField) {
      const answer = doc.op.responses['200'].content['application/json'].schema;
      assert.equal(typesOf(answer.properties?.[operation.splitField])[0], 'array', `${operation.splitField} is not an array`);
    }
    if (operation.binaryOutput) {
      assert.ok(doc.op.responses['200'].content[operation.binaryOutput.mimeType], 'the file type is not documented');
    }
  });
}

test('every resource and operation resolves to a full parameter set in n8n', () => {
  const node = new ZakupAi();
  const { properties } = node.description;
  for (const operation of operations) {
    const values = NodeHelpers.getNodeParameters(
      properties,
      { resource: operation.resource, operation: operation.value },
      true,
      false,
      null,
      node.description,
    );
    assert.equal(values.resource, operation.resource);
    assert.equal(values.operation, operation.value);
    for (const field of operation.fields.filter((f) => f.required)) {
      assert.ok(field.name in values, `${operation.value}: ${field.name} not shown`);
    }
  }
});

test('the trigger polls with documented search filters and change kinds', () => {
  const trigger = new ZakupAiTrigger();
  assert.equal(trigger.description.polling, true);
  assert.deepEqual(trigger.description.inputs, []);
  const props = Object.fromEntries(trigger.description.properties.map((p) => [p.name, p]));
  const search = documented('searchLots');
  const query = parameters(search.op).filter((p) => p.in === 'query').map((p) => p.name);
  for (const filter of props.filters.options) assert.ok(query.includes(filter.name), filter.name);
  assert.ok(!props.filters.options.some((f) => ['query', 'sort', 'order', 'limit'].includes(f.name)), 'the trigger sets these');
  const events = documented('getGoszakupEvents').op.responses['200'].content['application/json'].schema;
  assert.deepEqual(props.kinds.options.map((o) => o.value), events.properties.events.items.properties.kind.enum);
  for (const event of ['newLot', 'portalChange']) {
    const values = NodeHelpers.getNodeParameters(trigger.description.properties, { event }, true, false, null, trigger.description);
    assert.equal(values.event, event);
  }
});

test('the credential sends the key the server reads and tests it on a documented route', () => {
  const credential = new ZakupAiApi();
  assert.equal(credential.name, 'zakupAiApi');
  assert.deepEqual(credential.properties.map((p) => p.name), ['baseUrl', 'apiKey']);
  const header = openapi.components.securitySchemes.ApiKey;
  assert.deepEqual(Object.keys(credential.authenticate.properties.headers), [header.name]);
  assert.ok(documented('getMyAccount'));
  assert.equal(documented('getMyAccount').path, credential.test.request.url);
  assert.equal(credential.test.request.method, 'GET');
});

test('package.json points n8n at the built files', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.ok(pkg.name.startsWith('n8n-nodes-'));
  assert.ok(pkg.keywords.includes('n8n-community-node-package'));
  assert.equal(pkg.n8n.n8nNodesApiVersion, 1);
  for (const file of [...pkg.n8n.credentials, ...pkg.n8n.nodes]) {
    assert.ok(fs.existsSync(path.join(root, file)), `${file} is not built`);
  }
  assert.equal(pkg.n8n.nodes.length, 2);
  for (const node of ['ZakupAi', 'ZakupAiTrigger']) assert.ok(fs.existsSync(path.join(root, `dist/nodes/${node}/zakupai.svg`)));
});

// A context whose request helper fails with `failures` (status, Retry-After) in turn, then answers.
function flakyContext(failures) {
  const context = {
    attempts: 0,
    getCredentials: async () => ({ baseUrl: 'http://zakupai.test/', apiKey: 'zk_test' }),
    helpers: {
      async httpRequestWithAuthentication(type, options) {
        assert.equal(type, 'zakupAiApi');
        assert.equal(options.url, 'http://zakupai.test/calc/rules');
        const failure = failures[context.attempts++];
        if (!failure) return { ok: true };
        const error = new Error(`Request failed with status code ${failure[0]}`);
        error.response = { status: failure[0], headers: { 'retry-after': failure[1] }, data: { detail: 'slow down' } };
        throw error;
      },
    },
  };
  return context;
}

test('a 429 or 503 is asked again after Retry-After, three times at most, a minute at most', async () => {
  const rules = { method: 'GET', path: '/calc/rules', qs: {} };
  const twice = flakyContext([[429, '0'], [503, '0']]);
  assert.deepEqual(await requestJson(twice, rules), { ok: true });
  assert.equal(twice.attempts, 3);

  const always = flakyContext([[429, '0'], [429, '0'], [429, '0'], [429, '0']]);
  await assert.rejects(requestJson(always, rules), /429/);
  assert.equal(always.attempts, 4);

  const hourly = flakyContext([[429, '3600']]);
  await assert.rejects(requestJson(hourly, rules), /429/);
  assert.equal(hourly.attempts, 1, 'an hourly quota is not waited out');

  const refused = flakyContext([[422, '0']]);
  await assert.rejects(requestJson(refused, rules), /422/);
  assert.equal(refused.attempts, 1);
});
