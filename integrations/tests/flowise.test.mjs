// The four Flowise tools and the chatflow (flowise/): each tool's schema in the form Flowise
// loads, its function run the way Flowise runs it (the body of an async function in a sandbox
// holding $vars and one $<input> per input the model passed, node-fetch from require) against
// the real binary with a service key; every request it sends is a documented operation with its
// required parameters, and every input it declares reaches the request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { startZakupai, requestProblems, undocumentedFields, parseJson, letterContext } from './support/zakupai.mjs';
import { files as built } from '../flowise/src/build.mjs';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../flowise');
const read = (file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
const toolNames = ['zakupai_finance_calculator', 'zakupai_lot_reader', 'zakupai_risk_explain', 'zakupai_template_generator'];
const tools = Object.fromEntries(toolNames.map((name) => [name, read(`tools/${name}.json`)]));

test('the exports are what flowise/src builds', () => {
  for (const [file, text] of Object.entries(built)) {
    assert.equal(fs.readFileSync(path.join(dir, file), 'utf8'), text, `${file}: run npm run build:flowise`);
  }
  assert.deepEqual(fs.readdirSync(path.join(dir, 'tools')).sort(), toolNames.map((n) => `${n}.json`));
});

for (const name of toolNames) {
  test(`${name}: a tool Flowise loads`, () => {
    const tool = tools[name];
    assert.equal(tool.name, name);
    assert.match(tool.name, /^[a-z0-9_]+$/, 'Flowise tool names are lower case with underscores');
    assert.ok(tool.description.length > 40);
    assert.equal(typeof tool.schema, 'string', 'Flowise keeps the schema as a JSON string');
    const schema = JSON.parse(tool.schema);
    assert.ok(schema.length > 0);
    schema.forEach((row, index) => {
      assert.deepEqual(Object.keys(row).sort(), ['description', 'id', 'property', 'required', 'type']);
      assert.equal(row.id, index);
      assert.match(row.property, /^[a-z_]+$/);
      assert.ok(['string', 'number', 'boolean', 'date'].includes(row.type), row.type);
      assert.equal(typeof row.required, 'boolean');
    });
    // The function parses as Flowise wraps it.
    assert.doesNotThrow(() => new vm.Script(`(async function() {${tool.func}})`));
  });
}

let zakupai;
before(async () => {
  zakupai = await startZakupai();
});
after(async () => zakupai?.stop());

// Runs a tool as Flowise does and returns what it answered and the requests it made.
async function runTool(name, args, { key = zakupai.keys.service, incomplete = false } = {}) {
  const calls = [];
  const recordingFetch = async (url, init = {}) => {
    const answer = await fetch(url, init);
    const text = await answer.text();
    calls.push({ method: init.method ?? 'GET', url, body: init.body ? JSON.parse(init.body) : undefined, status: answer.status, answer: parseJson(text) });
    return new Response(text, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
  };
  const sandbox = {
    $vars: { zakupai_url: `${zakupai.base}/`, zakupai_api_key: key },
    require: (module) => {
      if (module !== 'node-fetch') throw new Error(`the tool requires ${module}, which Flowise does not offer by default`);
      return recordingFetch;
    },
    JSON,
    encodeURIComponent,
    console,
  };
  for (const [k, v] of Object.entries(args)) sandbox[`$${k}`] = v;
  const result = await vm.runInNewContext(`(async function() {${tools[name].func}})()`, sandbox);
  assert.equal(typeof result, 'string', 'a Flowise tool answers with text');
  for (const call of calls) {
    // A call the model made without a required input is sent as is: the server names what is missing.
    if (!incomplete) assert.deepEqual(requestProblems(call), [], `${call.method} ${call.url}`);
    if (call.status === 200) assert.deepEqual(undocumentedFields(call.method, new URL(call.url).pathname, call.answer), []);
  }
  return { result, calls };
}

// Every input the tool declares must reach a request: as a path segment, a query value or a body value.
function assertInputsUsed(name, args, calls) {
  const sent = calls.map((c) => `${decodeURIComponent(c.url)} ${JSON.stringify(c.body ?? {})}`).join(' ');
  for (const row of JSON.parse(tools[name].schema)) {
    if (!(row.property in args) || row.property === 'calculation' || row.property === 'language') continue;
    const value = typeof args[row.property] === 'string' && row.property === 'context' ? JSON.parse(args.context).supplier_name : args[row.property];
    assert.ok(sent.includes(String(value)), `${name}: ${row.property}=${value} is not sent: ${sent}`);
  }
}

test('lot reader: a lot in Russian and Kazakh; an unknown lot is said so', async () => {
  const args = { lot_id: 2951 };
  const ru = await runTool('zakupai_lot_reader', args);
  assert.deepEqual(ru.calls.map((c) => new URL(c.url).pathname + new URL(c.url).search), ['/tldr/2951?lang=ru']);
  assertInputsUsed('zakupai_lot_reader', args, ru.calls);
  const lot = JSON.parse(ru.result);
  assert.equal(lot.title, 'Бумага офисная А4, 80 г/м2');
  assert.equal(lot.amount_without_vat, 894400);
  assert.equal(lot.customer.bin, '950140078224');
  assert.equal(lot.link, `${zakupai.base}/app/lots/2951`);
  assert.equal(lot.summary.length, 7);

  const kz = JSON.parse((await runTool('zakupai_lot_reader', { lot_id: 2951, language: 'kz' })).result);
  assert.notDeepEqual(kz.summary, lot.summary);

  assert.equal((await runTool('zakupai_lot_reader', { lot_id: 99999999 })).result, 'ZakupAI 404: Lot 99999999 not found');
});

test('risk explain: the flags that fired with evidence, threshold and source', async () => {
  const { result, calls } = await runTool('zakupai_risk_explain', { lot_id: 5 });
  assert.equal(new URL(calls[0].url).pathname, '/risk/explain/5');
  const risk = JSON.parse(result);
  assert.equal(risk.lot_id, 5);
  assert.equal(risk.checked, 16);
  assert.ok(risk.flags.length > 0);
  for (const flag of risk.flags) {
    assert.ok(flag.name && flag.explanation && flag.source && flag.threshold, JSON.stringify(flag));
  }
  const kk = JSON.parse((await runTool('zakupai_risk_explain', { lot_id: 5, language: 'kz' })).result);
  assert.equal(new URL((await runTool('zakupai_risk_explain', { lot_id: 5, language: 'kz' })).calls[0].url).searchParams.get('lang'), 'kk');
  assert.equal(kk.score, risk.score);
  assert.notEqual(kk.flags[0].name, risk.flags[0].name);
});

test('finance calculator: each calculation with the law numbers', async () => {
  const cases = [
    [{ calculation: 'vat', amount: 1120000, date: '2025-06-01', lot_id: 5 }, { vat: 120000, vat_rate: 12, base: 1000000 }],
    [{ calculation: 'vat', amount: 1000000, include_vat: false, date: '2026-03-01' }, { vat: 160000, total: 1160000 }],
    [{ calculation: 'margin', bid: 1160000, cost: 800000, date: '2026-06-01' }, { profit: 200000, margin_pct: 20 }],
    [{ calculation: 'penalty', amount: 1000000, days_overdue: 10 }, { penalty: 10000 }],
    [{ calculation: 'securities', method: 'tender', amount: 10000000, date: '2026-06-01' }, {}],
    [{ calculation: 'dumping', method: 'eshop', bid: 600000, amount: 894400 }, { is_dumping: true, min_allowed_price: 626080 }],
  ];
  for (const [args, expected] of cases) {
    const { result, calls } = await runTool('zakupai_finance_calculator', args);
    assert.equal(calls.length, 1);
    assert.equal(new URL(calls[0].url).pathname, `/calc/${args.calculation}`);
    assert.equal(calls[0].status, 200, result);
    assertInputsUsed('zakupai_finance_calculator', args, calls);
    const answer = JSON.parse(result);
    for (const [k, v] of Object.entries(expected)) assert.equal(answer[k], v, `${args.calculation}.${k}`);
    assert.equal(answer.request_id, undefined);
  }
  const securities = JSON.parse((await runTool('zakupai_finance_calculator', { calculation: 'securities', method: 'tender', amount: 10000000 })).result);
  assert.equal(securities.bid_security.amount, 100000);
  assert.match(securities.bid_security.source, /687/);

  assert.match((await runTool('zakupai_finance_calculator', { calculation: 'lot-total', amount: 1 })).result, /^Unknown calculation "lot-total"/);
  assert.match((await runTool('zakupai_finance_calculator', { calculation: 'margin', bid: 100 }, { incomplete: true })).result, /^ZakupAI 422: .*cost/);
});

test('template generator: a letter as text; a missing field is named', async () => {
  const context = letterContext;
  const args = { template: 'clarification_request', context: JSON.stringify(context) };
  const { result, calls } = await runTool('zakupai_template_generator', args);
  assert.equal(new URL(calls[0].url).pathname, '/letters/generate');
  assert.deepEqual(calls[0].body, { template: 'clarification_request', context, language: 'ru' });
  assertInputsUsed('zakupai_template_generator', args, calls);
  const letter = JSON.parse(result);
  assert.equal(letter.template, 'clarification_request');
  assert.match(letter.text, /ТОО «Бумага Плюс»/);
  assert.match(letter.text, /Допускается ли плотность 75 г\/м2\?/);
  assert.doesNotMatch(letter.text, /<[a-z/]|&[a-z]+;/);

  const { supplier_bin: _, ...missing } = context;
  const refused = await runTool('zakupai_template_generator', { template: 'clarification_request', context: JSON.stringify(missing) });
  assert.match(refused.result, /^ZakupAI 422: .*supplier_bin/);
  assert.match((await runTool('zakupai_template_generator', { template: 'guarantee', context: '{oops' })).result, /^context must be a JSON object/);
});

test('a free key gets the plan refusal as the tool answer, not an exception', async () => {
  const { result } = await runTool('zakupai_template_generator', { template: 'guarantee', context: '{}' }, { key: zakupai.keys.free });
  assert.match(result, /^ZakupAI 403: /);
});

test('the chatflow wires the four tools into a Tool Agent answering as /ask does', () => {
  const flow = read('zakupai-assistant.chatflow.json');
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  assert.equal(byId.size, flow.nodes.length, 'node ids are unique');
  for (const node of flow.nodes) assert.equal(node.data.id, node.id);
  for (const edge of flow.edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    assert.ok(source && target, `${edge.source} → ${edge.target}`);
    assert.ok(source.data.outputAnchors.some((a) => a.id === edge.sourceHandle), edge.sourceHandle);
    assert.ok(target.data.inputAnchors.some((a) => a.id === edge.targetHandle), edge.targetHandle);
    const anchor = target.data.inputAnchors.find((a) => a.id === edge.targetHandle);
    assert.ok(source.data.baseClasses.includes(anchor.type), `${source.id} is not a ${anchor.type}`);
  }
  const agent = byId.get('toolAgent_0');
  assert.equal(agent.data.name, 'toolAgent');
  const toolNodes = flow.nodes.filter((n) => n.data.name === 'customTool');
  assert.deepEqual(toolNodes.map((n) => n.data.inputs.customToolName).sort(), toolNames);
  for (const node of toolNodes) {
    const tool = tools[node.data.inputs.customToolName];
    assert.equal(node.data.inputs.customToolDesc, tool.description);
    assert.equal(node.data.inputs.customToolSchema, tool.schema);
    assert.equal(node.data.inputs.customToolFunc, tool.func);
    assert.ok(agent.data.inputs.tools.includes(`{{${node.id}.data.instance}}`));
    assert.ok(flow.edges.some((e) => e.source === node.id && e.target === agent.id));
  }
  for (const reference of [agent.data.inputs.model, agent.data.inputs.memory]) {
    assert.ok(byId.has(reference.match(/^\{\{(\w+)\.data\.instance\}\}$/)[1]), reference);
  }
  // /ask's rules: the question's language, at most 500 characters, numbers only from ZakupAI,
  // the source named, no guessing; every tool it names exists.
  const system = agent.data.inputs.systemMessage;
  for (const rule of [/русском или казахском/, /500 символов/, /Сам не считай/, /источник/, /Не выдумывай/]) assert.match(system, rule);
  for (const named of system.match(/zakupai_[a-z_]+/g)) assert.ok(toolNames.includes(named), named);
  assert.equal(byId.get('chatOpenAI_0').data.inputs.maxTokens, 400);
});
