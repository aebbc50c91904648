// The three n8n workflows (n8n-workflows/*.json): checked by n8n's own structure validator
// (n8n-workflow's parseWorkflowStructure, what n8n runs on import) and its parameter checks
// against the ZakupAI node's description, then by ours: connections name existing nodes, every
// node is reachable from the trigger, every ZakupAI call is a documented operation with its
// required parameters. Then each workflow runs against the real binary and what it would send
// to Telegram or answer to its webhook is asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startZakupai, documentedOperation, requestProblems } from './support/zakupai.mjs';
import { n8n, runWorkflow, supportedTypes, zakupAiNode, zakupAiCredential, ZAKUPAI_NODE_TYPE } from './support/n8n.mjs';

const require = createRequire(import.meta.url);
const { operations } = require('../n8n-nodes-zakupai/dist/nodes/ZakupAi/operations.js');
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../n8n-workflows');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const load = (file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));

test('the three workflows are there', () => {
  assert.deepEqual(files, ['daily-lot-scanner.json', 'lot-processing-pipeline.json', 'price-monitor.json']);
});

// The path an HTTP Request node's URL reaches: the base (a literal origin or a leading
// expression) dropped, any other expression standing for one path segment.
function urlPath(url) {
  let u = url.startsWith('=') ? url.slice(1) : url;
  u = u.replace(/^\{\{[^}]*\}\}/, '').replace(/^https?:\/\/[^/]+/, '');
  return u.replace(/\{\{[^}]*\}\}/g, '1').split('?')[0];
}

// Everything wrong with a workflow, as messages; empty when n8n would import and run it and
// every ZakupAI call in it is a documented operation with its required parameters.
function workflowProblems(workflow) {
  const problems = [];
  const parsed = n8n.safeParseWorkflowStructure(workflow);
  if (!parsed.success) problems.push(...parsed.issues.map((i) => `n8n: ${i.message}`));

  const names = new Set(workflow.nodes.map((n) => n.name));
  for (const [source, byType] of Object.entries(workflow.connections)) {
    if (!names.has(source)) problems.push(`a connection from the missing node ${source}`);
    for (const outputs of Object.values(byType)) {
      for (const target of outputs.flat()) {
        if (!names.has(target.node)) problems.push(`${source} connects to the missing node ${target.node}`);
      }
    }
  }
  const triggers = workflow.nodes.filter((n) => /Trigger$|\.webhook$/.test(n.type));
  if (triggers.length !== 1) problems.push(`${triggers.length} triggers`);
  const reached = new Set(triggers.map((t) => t.name));
  for (let size = 0; size !== reached.size; ) {
    size = reached.size;
    for (const name of [...reached]) {
      for (const target of (workflow.connections[name]?.main ?? []).flat()) reached.add(target.node);
    }
  }
  for (const name of names) if (!reached.has(name)) problems.push(`${name} is not reached from the trigger`);
  if (workflow.settings?.timezone !== 'Asia/Almaty') problems.push('the schedule is not in Asia/Almaty time');

  for (const node of workflow.nodes) {
    if (!supportedTypes.has(node.type)) problems.push(`${node.name}: ${node.type} is not a node type these tests run`);
    if (node.type === ZAKUPAI_NODE_TYPE) {
      const issues = n8n.getNodeParametersIssues(zakupAiNode.description.properties, node, zakupAiNode.description);
      if (issues) problems.push(`${node.name}: n8n: ${JSON.stringify(issues.parameters)}`);
      const operation = operations.find((o) => o.resource === node.parameters.resource && o.value === node.parameters.operation);
      if (!operation) {
        problems.push(`${node.name}: no operation ${node.parameters.resource}/${node.parameters.operation}`);
        continue;
      }
      const doc = documentedOperation(operation.method, operation.path.replace(/\{[^}]+\}/g, '1'));
      if (doc?.op.operationId !== operation.operationId) problems.push(`${node.name}: ${operation.operationId} is not served`);
      for (const field of operation.fields.filter((f) => f.required)) {
        if ((node.parameters[field.name] ?? '') === '') problems.push(`${node.name}: ${field.name} is required`);
      }
      if (Object.keys(node.credentials ?? {}).join() !== zakupAiCredential.name) problems.push(`${node.name}: credential`);
    }
    if (node.type === 'n8n-nodes-base.httpRequest') {
      const target = `${node.parameters.method} ${urlPath(node.parameters.url)}`;
      const doc = documentedOperation(node.parameters.method, urlPath(node.parameters.url));
      if (!doc) {
        problems.push(`${node.name}: ${target} is not an operation in openapi.json`);
        continue;
      }
      if (node.parameters.nodeCredentialType !== zakupAiCredential.name || Object.keys(node.credentials ?? {}).join() !== zakupAiCredential.name) {
        problems.push(`${node.name}: an HTTP call to ZakupAI must use the ${zakupAiCredential.name} credential`);
      }
      const sent = (node.parameters.queryParameters?.parameters ?? []).map((q) => q.name);
      for (const p of doc.op.parameters ?? []) {
        if (p.required && p.in === 'query' && !sent.includes(p.name)) problems.push(`${node.name}: query ${p.name} is required`);
      }
    }
  }
  return problems;
}

for (const file of files) {
  test(`${file}: valid for n8n and calls only documented operations`, () => {
    const workflow = load(file);
    assert.deepEqual(workflowProblems(workflow), []);
    const calls = workflow.nodes.filter((n) => n.type === ZAKUPAI_NODE_TYPE || n.type === 'n8n-nodes-base.httpRequest');
    assert.ok(calls.length >= 3, 'a ZakupAI workflow calls ZakupAI');
  });
}

test('the checks catch a broken workflow', () => {
  const renamed = load('lot-processing-pipeline.json');
  renamed.connections.Risk.main[0][0].node = 'Securitys';
  assert.ok(workflowProblems(renamed).includes('Risk connects to the missing node Securitys'));

  const empty = load('daily-lot-scanner.json');
  empty.nodes.find((n) => n.name === 'Search lots').parameters.query = '';
  assert.deepEqual(workflowProblems(empty), [
    'Search lots: n8n: {"query":["Parameter \\"Query\\" is required."]}',
    'Search lots: query is required',
  ]);

  const wrongRoute = load('price-monitor.json');
  const http = wrongRoute.nodes.find((n) => n.type === 'n8n-nodes-base.httpRequest');
  http.parameters.url = '={{ $json.zakupai_url }}/calc/lot-total/{{ $json.id }}';
  http.parameters.method = 'POST';
  assert.deepEqual(workflowProblems(wrongRoute), ['Saved search lots: POST /calc/lot-total/1 is not an operation in openapi.json']);

  const unknown = load('lot-processing-pipeline.json');
  unknown.nodes.find((n) => n.name === 'Risk').parameters.operation = 'batchScore';
  assert.ok(workflowProblems(unknown).includes('Risk: no operation risk/batchScore'));
});

let zakupai;
before(async () => {
  zakupai = await startZakupai();
});
after(async () => zakupai?.stop());

function assertCallsDocumented(calls) {
  assert.ok(calls.length > 0);
  for (const call of calls) {
    assert.deepEqual(requestProblems(call), [], `${call.method} ${call.url}`);
    assert.ok(call.status >= 200 && call.status < 300, `${call.method} ${call.url}: ${call.status}`);
  }
}

function assertClean(text) {
  assert.doesNotMatch(text, /undefined|NaN|\[object Object\]|null/, text);
}

test('daily lot scanner: new lots, scored, with their bid security, once each', async () => {
  const staticData = {};
  const run = await runWorkflow(load('daily-lot-scanner.json'), { zakupai, key: zakupai.keys.premium, triggerItems: [{}], staticData });
  assertCallsDocumented(run.calls);
  const search = new URL(run.calls[0].url);
  assert.equal(search.pathname, '/search/lots');
  assert.equal(search.searchParams.get('query'), 'бумага');
  assert.match(search.searchParams.get('deadline_from'), /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(run.outputs['New since last run'][0].length, 10);
  assert.equal(run.calls.filter((c) => c.url.includes('/risk/score/')).length, 10);

  const lots = run.outputs['Lot line'][0].map((i) => i.json);
  assert.ok(lots.length > 0 && lots.length <= 10);
  for (const lot of lots) {
    assert.match(lot.title, /Бумага/i);
    assert.ok(lot.risk_score < 60);
    assert.equal(typeof lot.bid_security, 'number');
    assert.match(lot.deadline, /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
  }
  for (const item of run.outputs['New since last run'][0]) assert.ok(Date.parse(item.json.deadline) > Date.now() - 60000);
  assert.equal(run.sent.length, 1);
  const message = run.sent[0].parameters;
  assert.equal(message.chatId, '-1001234567890');
  assert.equal(message.additionalFields.parse_mode, 'HTML');
  assert.ok(message.text.length <= 4096);
  assert.match(message.text, new RegExp(`Новые лоты по запросу «бумага»: ${lots.length}`));
  assert.ok(message.text.includes(`/app/lots/${lots[0].id}`));
  assertClean(message.text);

  // The next run sends only lots it has not sent.
  const again = await runWorkflow(load('daily-lot-scanner.json'), { zakupai, key: zakupai.keys.premium, triggerItems: [{}], staticData });
  const first = new Set(run.outputs['New since last run'][0].map((i) => i.json.id));
  for (const item of again.outputs['New since last run'][0]) assert.ok(!first.has(item.json.id), `lot ${item.json.id} twice`);
});

test('lot processing pipeline: the bid card for a lot and a price', async () => {
  const run = await runWorkflow(load('lot-processing-pipeline.json'), {
    zakupai,
    key: zakupai.keys.premium,
    triggerItems: [{ headers: {}, query: {}, body: { lot_id: 2951, bid: 600000, cost: 500000 } }],
  });
  assertCallsDocumented(run.calls);
  assert.deepEqual(
    run.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`),
    ['GET /tldr/2951', 'GET /risk/explain/2951', 'POST /calc/securities', 'POST /calc/dumping', 'POST /calc/margin'],
  );
  assert.deepEqual(run.calls[3].body, { method: 'eshop', bid: 600000, amount: 894400, lot_id: 2951 });
  assert.equal(run.sent.length, 1);
  const card = JSON.parse(run.sent[0].parameters.responseBody);
  assert.equal(card.lot_id, 2951);
  assert.equal(card.title, 'Бумага офисная А4, 80 г/м2');
  assert.equal(card.summary.length, 7);
  // E-shop: a bid 32.92 % under the allocated 894 400 ₸ is dumping (threshold 30 %) and refused.
  assert.deepEqual(
    { is_dumping: card.dumping.is_dumping, bid_rejected: card.dumping.bid_rejected, min: card.dumping.min_allowed_price },
    { is_dumping: true, bid_rejected: true, min: 626080 },
  );
  assert.equal(card.margin.profit, 100000);
  assert.equal(card.go, false);
  assert.equal(card.securities.bid, 0);
  assertClean(JSON.stringify(card));
});

test('price monitor: margins over matched prices, then portal amount changes, each reported once', async () => {
  // A price for the paper lots, a saved search that finds them, and the portal's lots synced
  // twice with an amount changed in between.
  const csv = 'sku,name,price\n171912.100.000001,Бумага офисная А4 80 г/м2,2100\n';
  const upload = await zakupai.call('POST', '/etl/upload-batch?kind=prices&source=monitor', { body: csv, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(upload.status, 200, upload.text);
  const saved = await zakupai.call('POST', '/search/saved', { body: { name: 'бумага А4', query: { query: 'бумага офисная' } } });
  assert.equal(saved.status, 201, saved.text);
  assert.equal((await zakupai.call('POST', '/etl/goszakup/sync', { body: {} })).status, 200);
  const workflow = load('price-monitor.json');
  workflow.nodes.find((n) => n.name === 'Settings').parameters.assignments.assignments.find((a) => a.name === 'saved_search_id').value = saved.json.id;

  const staticData = {};
  const first = await runWorkflow(workflow, { zakupai, key: zakupai.keys.service, triggerItems: [{}], staticData });
  assertCallsDocumented(first.calls);
  const searchCall = first.calls.find((c) => c.url.includes('/search/saved/'));
  assert.equal(new URL(searchCall.url).pathname, `/search/saved/${saved.json.id}/results`);
  assert.equal(new URL(searchCall.url).searchParams.get('limit'), '50');
  const margins = first.sent.filter((s) => s.node === 'Send margin alert');
  assert.equal(margins.length, 1);
  assert.match(margins[0].parameters.text, /Маржа по лотам изменилась/);
  assertClean(margins[0].parameters.text);
  assert.ok(Object.keys(staticData.global.margins).length > 0);
  // The first run starts from now: the portal's history is not reported.
  assert.equal(new URL(first.calls.find((c) => c.url.includes('/etl/goszakup/events')).url).searchParams.get('after'), 'latest');
  assert.equal(first.sent.filter((s) => s.node === 'Send amount alert').length, 0);
  const cursor = staticData.global.eventCursor;
  assert.ok(cursor > 0);

  // The portal lowers a lot's amount; the next sync records it; the monitor reports it once.
  await fetch(`${zakupai.owsBase}/__control/change`, { method: 'POST', body: JSON.stringify({ id: 40000003, amount: 1234.5 }) });
  const sync = await zakupai.call('POST', '/etl/goszakup/sync', { body: {} });
  assert.equal(sync.json.updated, 1, sync.text);
  const second = await runWorkflow(workflow, { zakupai, key: zakupai.keys.service, triggerItems: [{}], staticData });
  assertCallsDocumented(second.calls);
  assert.equal(new URL(second.calls.find((c) => c.url.includes('/etl/goszakup/events')).url).searchParams.get('after'), String(cursor));
  const amounts = second.sent.filter((s) => s.node === 'Send amount alert');
  assert.equal(amounts.length, 1);
  assert.match(amounts[0].parameters.text, /Суммы лотов изменились на портале: 1/);
  assert.match(amounts[0].parameters.text, /→ 1 234,5 ₸/);
  assertClean(amounts[0].parameters.text);
  assert.equal(second.sent.filter((s) => s.node === 'Send margin alert').length, 0, 'margins did not move');

  const third = await runWorkflow(workflow, { zakupai, key: zakupai.keys.service, triggerItems: [{}], staticData });
  assert.equal(third.sent.length, 0);
});
