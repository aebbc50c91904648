// Every operation of the ZakupAI n8n node, run through the node's own execute() against the real
// zakupai binary: the request it sends must be a documented operation with its required
// parameters, and the answer is asserted by value.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startZakupai, requestProblems, undocumentedFields, openapi, letterContext } from './support/zakupai.mjs';
import { runZakupAiNode, pollZakupAiTrigger } from './support/n8n.mjs';
import { operations } from '../n8n-nodes-zakupai/dist/nodes/ZakupAi/operations.js';

let zakupai;
let credentials;
const covered = new Set();
const undocumented = {}; // operation path -> answer fields openapi.json does not list
const listedBin = '200940204861'; // a demo supplier, put on the fake portal's RNU below
const paperLot = 2951; // demo lot «Бумага офисная А4, 80 г/м2», ENSTRU 171912.100.000001

before(async () => {
  zakupai = await startZakupai();
  credentials = { baseUrl: zakupai.base, apiKey: zakupai.keys.service };
  await zakupai.listInRnu(listedBin, 'ТОО «ЖолСервис»');
});
after(async () => zakupai?.stop());

async function run(resource, operation, parameters, options = {}) {
  covered.add(`${resource}/${operation}`);
  const result = await runZakupAiNode({
    parameters: { resource, operation, ...parameters },
    credentials: options.credentials ?? credentials,
    items: options.items,
    continueOnFail: options.continueOnFail,
  });
  for (const call of result.calls) {
    assert.deepEqual(requestProblems(call), [], `${call.method} ${call.url}`);
    if (call.status === 200) {
      const missing = undocumentedFields(call.method, new URL(call.url).pathname, call.answer);
      if (missing.length > 0) undocumented[`${call.method} ${new URL(call.url).pathname}`] = missing;
    }
  }
  return result;
}

test('the binary serves the contract the node is checked against', async () => {
  const served = await zakupai.call('GET', '/openapi.json');
  assert.equal(served.status, 200);
  assert.deepEqual(served.json, openapi);
});

test('search: lots by word forms with filters, one item per lot', async () => {
  const { output, calls } = await run('search', 'lots', {
    query: 'бумагу',
    additionalFields: { limit: 3, max_amount: 1000000, exclude: 'картридж' },
  });
  assert.equal(calls.length, 1);
  const sent = new URL(calls[0].url);
  assert.equal(sent.pathname, '/search/lots');
  assert.equal(sent.searchParams.get('query'), 'бумагу');
  assert.equal(sent.searchParams.get('limit'), '3');
  assert.equal(sent.searchParams.get('max_amount'), '1000000');
  assert.equal(output.length, 3);
  for (const item of output) {
    assert.match(item.json.nameRu, /Бумага/);
    assert.ok(item.json.amount <= 1000000, `${item.json.amount}`);
    assert.deepEqual(item.pairedItem, { item: 0 });
  }
});

test('search: the whole answer when not split, autocomplete, suppliers', async () => {
  const whole = await run('search', 'lots', { query: 'бумага', splitIntoItems: false, additionalFields: { limit: 2 } });
  assert.equal(whole.output.length, 1);
  assert.equal(whole.output[0].json.results.length, 2);
  assert.ok(whole.output[0].json.total_count >= 2);

  const suggestions = await run('search', 'autocomplete', { query: 'бум' });
  assert.ok(suggestions.output[0].json.suggestions.some((s) => /^Бумага/.test(s)), JSON.stringify(suggestions.output[0].json));

  const suppliers = await run('search', 'suppliers', { q: 'бумага офисная', additionalFields: { limit: 2 } });
  assert.equal(suppliers.output.length, 2);
  for (const item of suppliers.output) {
    assert.match(item.json.bin, /^\d{12}$/);
    assert.ok(item.json.matched_lots.length > 0);
  }
});

test('search: a saved search runs by its id', async () => {
  const saved = await zakupai.call('POST', '/search/saved', { body: { name: 'бумага', query: { query: 'бумага' } } });
  assert.equal(saved.status, 201, saved.text);
  const { output } = await run('search', 'savedResults', { id: saved.json.id, additionalFields: { limit: 4 } });
  assert.equal(output.length, 4);
  for (const item of output) assert.match(item.json.nameRu, /Бумага/);
});

test('lot: TL;DR in Kazakh and Russian', async () => {
  const ru = await run('lot', 'tldr', { lot_id: 1 });
  assert.equal(ru.output[0].json.lot_id, 1);
  assert.equal(ru.output[0].json.title, 'Картридж для лазерного принтера');
  assert.equal(ru.output[0].json.language, 'ru');
  assert.equal(ru.output[0].json.amount_without_vat, 5456640);
  const kz = await run('lot', 'tldr', { lot_id: 1, additionalFields: { lang: 'kz' } });
  assert.equal(kz.output[0].json.language, 'kz');
  assert.notDeepEqual(kz.output[0].json.lines, ru.output[0].json.lines);
});

test('upload: a price list from a binary property, then the lot shows the matched price', async () => {
  const csv = 'sku,name,price,supplier_bin\n171912.100.000001,Бумага офисная А4 80 г/м2,1950,150440182528\n,,not a price,\n';
  const items = [{ json: {}, binary: { data: { data: Buffer.from(csv).toString('base64'), fileName: 'prices.csv', mimeType: 'text/csv' } } }];
  const upload = await run('upload', 'priceList', { additionalFields: { kind: 'prices', source: 'n8n' } }, { items });
  const sent = new URL(upload.calls[0].url);
  assert.equal(sent.searchParams.get('filename'), 'prices.csv');
  assert.equal(sent.searchParams.get('kind'), 'prices');
  const report = upload.output[0].json;
  assert.equal(report.success, true);
  assert.equal(report.kind, 'prices');
  assert.equal(report.accepted, 1);
  assert.equal(report.rejected, 1);
  assert.equal(report.errors[0].line, 3);

  const prices = await run('lot', 'prices', { id: paperLot });
  const mine = prices.output.find((item) => item.json.price === 1950);
  assert.ok(mine, JSON.stringify(prices.output.map((i) => i.json)));
  assert.equal(mine.json.source, 'n8n');
  assert.equal(mine.json.match_kind, 'sku');
  assert.equal(mine.json.qty, 400);
  assert.equal(mine.json.cost_total, 780000);
  assert.equal(mine.json.profit, 114400);
  assert.equal(mine.json.margin_pct, 12.79);
});

test('lot: changes seen by the portal sync, from a cursor or from now', async () => {
  assert.equal((await zakupai.call('POST', '/etl/goszakup/sync', { body: {} })).status, 200);
  const { output, calls } = await run('lot', 'changes', { additionalFields: { after: '3', limit: 4 } });
  assert.equal(new URL(calls[0].url).searchParams.get('limit'), '4');
  assert.deepEqual(output.map((item) => item.json.id), [4, 5, 6, 7]);
  for (const item of output) {
    assert.equal(item.json.kind, 'created');
    assert.equal(item.json.old, null);
  }
  const now = await run('lot', 'changes', { splitIntoItems: false, additionalFields: { after: 'latest' } });
  assert.deepEqual(now.output[0].json.events, []);
  assert.equal(now.output[0].json.next_after, 10); // the fake portal's 10 lots, created
});

test('risk: score with a bid, explain, customer and supplier profiles', async () => {
  const score = await run('risk', 'score', { lot_id: 5, additionalFields: { bid: 1000 } });
  const json = score.output[0].json;
  assert.equal(json.lot_id, 5);
  assert.equal(json.saved, true);
  assert.equal(json.indicators.length, 16);
  assert.ok(json.score >= 0 && json.score <= 100);
  assert.deepEqual(score.calls[0].body, { bid: 1000 });

  const explain = await run('risk', 'explain', { lot_id: 5, additionalFields: { lang: 'kk' } });
  assert.equal(explain.output[0].json.lot_id, 5);
  assert.equal(explain.output[0].json.score, json.score);
  assert.equal(explain.output[0].json.indicators.length, 16);

  const customer = await run('risk', 'customer', { bin: '990540984832' });
  assert.equal(customer.output[0].json.customer_bin, '990540984832');
  assert.equal(customer.output[0].json.lots, 25);

  const supplier = await run('risk', 'supplier', { bin: listedBin });
  assert.equal(supplier.output[0].json.supplier_bin, listedBin);
  assert.ok(supplier.output[0].json.bids > 0);
});

test('rnu: a listed supplier and a clean one', async () => {
  const listed = await run('rnu', 'check', { bin: listedBin });
  assert.equal(listed.output[0].json.listed, true);
  assert.equal(listed.output[0].json.is_blocked, true);
  assert.match(listed.output[0].json.listed_until, /^2028-03-01/);
  const clean = await run('rnu', 'check', { bin: '150440182528' });
  assert.equal(clean.output[0].json.listed, false);
});

test('calculators: VAT by date, margin, penalty, securities, dumping, working days', async () => {
  const vat2025 = await run('calculator', 'vat', { amount: 1120000, additionalFields: { date: '2025-06-01' } });
  assert.equal(vat2025.output[0].json.vat, 120000);
  assert.equal(vat2025.output[0].json.vat_rate, 12);
  const vat2026 = await run('calculator', 'vat', { amount: 1160000, additionalFields: { date: '2026-06-01' } });
  assert.equal(vat2026.output[0].json.vat, 160000);
  assert.equal(vat2026.output[0].json.base, 1000000);

  const margin = await run('calculator', 'margin', { lot_price: 1160000, cost: 800000, additionalFields: { date: '2026-06-01' } });
  assert.equal(margin.output[0].json.revenue_net, 1000000);
  assert.equal(margin.output[0].json.profit, 200000);
  assert.equal(margin.output[0].json.margin_pct, 20);

  const penalty = await run('calculator', 'penalty', { contract_sum: 1000000, additionalFields: { days_overdue: 10 } });
  assert.equal(penalty.output[0].json.penalty, 10000);

  const securities = await run('calculator', 'securities', { method: 'tender', amount: 10000000 });
  assert.equal(securities.output[0].json.bid_security.amount, 100000);

  const dumping = await run('calculator', 'dumping', { method: 'tender', bid: 8000000, additionalFields: { amount: 10000000 } });
  assert.equal(typeof dumping.output[0].json.is_dumping, 'boolean');
  assert.equal(dumping.output[0].json.reference, 10000000);

  const days = await run('calculator', 'workingDays', { from: '2026-12-14', additionalFields: { to: '2026-12-21' } });
  assert.equal(days.output[0].json.working_days, 4);
});

test('documents: a letter as HTML, PDF and DOCX; a complaint; a question', async () => {
  const letter = await run('document', 'letter', { template: 'clarification_request', context: JSON.stringify(letterContext) });
  assert.equal(letter.output[0].json.template, 'clarification_request');
  assert.match(letter.output[0].json.html, /Допускается ли плотность 75 г\/м2\?/);

  const pdf = await run('document', 'pdf', { template: 'clarification_request', context: letterContext });
  const file = pdf.output[0].binary.data;
  assert.equal(file.mimeType, 'application/pdf');
  assert.equal(file.fileName, 'clarification_request-1.pdf');
  assert.equal(Buffer.from(file.data, 'base64').subarray(0, 5).toString(), '%PDF-');
  assert.equal(pdf.output[0].json.bytes, Buffer.from(file.data, 'base64').length);

  const docx = await run('document', 'docx', { template: 'clarification_request', context: letterContext, binaryPropertyName: 'letter' });
  assert.equal(Buffer.from(docx.output[0].binary.letter.data, 'base64').subarray(0, 2).toString(), 'PK');

  const complaint = await run('document', 'complaint', {
    lot_id: 3,
    reason: 'Требование о наличии опыта работы не предусмотрено Правилами',
    additionalFields: { supplier_name: 'ТОО «Бумага Плюс»', supplier_bin: '150440182528' },
  });
  assert.equal(complaint.output[0].json.lot_id, 3);
  assert.match(complaint.output[0].json.complaint_text, /опыта работы/);

  const ask = await run('document', 'ask', { question: 'Какой размер обеспечения заявки на конкурсе?' });
  assert.equal(ask.output[0].json.found, true);
  assert.match(ask.output[0].json.answer, /1 ?%/);
  assert.ok(ask.output[0].json.sources.length > 0);
});

test('errors: the API problem becomes the node error, or an item with continue-on-fail', async () => {
  await assert.rejects(run('risk', 'explain', { lot_id: 99999999 }), (error) => {
    assert.equal(error.httpCode, '404');
    assert.equal(error.message, 'ZakupAI: lot 99999999 not found');
    return true;
  });
  const soft = await run('risk', 'explain', { lot_id: 99999999 }, { continueOnFail: true });
  assert.deepEqual(soft.output[0].json, { error: 'ZakupAI: lot 99999999 not found', status: '404' });

  // Documents need a premium key: a free key is refused with 403, before anything is rendered.
  const free = { baseUrl: zakupai.base, apiKey: zakupai.keys.free };
  await assert.rejects(run('document', 'pdf', { template: 'clarification_request', context: letterContext }, { credentials: free }), (error) => {
    assert.equal(error.httpCode, '403');
    assert.match(error.message, /^ZakupAI: .*premium/);
    return true;
  });
  const badJson = runZakupAiNode({ parameters: { resource: 'document', operation: 'letter', template: 'guarantee', context: '{oops' }, credentials });
  await assert.rejects(badJson, /Context is not valid JSON/);
});

async function poll(parameters, staticData, mode) {
  const result = await pollZakupAiTrigger({ parameters, credentials, staticData, mode });
  for (const call of result.calls) assert.deepEqual(requestProblems(call), [], `${call.method} ${call.url}`);
  return result;
}

test('trigger: a new lot matching a search fires once; the first poll only takes note', async () => {
  const parameters = { event: 'newLot', query: 'бумага', filters: { max_amount: 5000000 } };
  const staticData = {};
  const first = await poll(parameters, staticData);
  assert.equal(first.output, null);
  const sent = new URL(first.calls[0].url);
  assert.equal(sent.pathname, '/search/lots');
  assert.deepEqual(
    Object.fromEntries(sent.searchParams),
    { query: 'бумага', max_amount: '5000000', sort: 'deadline', order: 'desc', limit: '100' },
  );
  assert.ok(staticData.seenLots.length > 0);
  assert.equal((await poll(parameters, staticData)).output, null, 'nothing new');

  const csv = 'title,price,deadline,customer_bin\nБумага для плоттера рулонная,450000,2027-03-01,990540984832\n';
  const upload = await zakupai.call('POST', '/etl/upload-batch?kind=lots', { body: csv, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(upload.json.accepted, 1, upload.text);
  let fired = null;
  for (let i = 0; i < 50 && fired === null; ++i) {
    fired = (await poll(parameters, staticData)).output; // the index catches up within a second
    if (fired === null) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(fired[0].length, 1);
  assert.equal(fired[0][0].json.nameRu, 'Бумага для плоттера рулонная');
  assert.equal(fired[0][0].json.amount, 450000);
  assert.equal((await poll(parameters, staticData)).output, null, 'fired once');

  const manual = await poll(parameters, {}, 'manual');
  assert.equal(manual.output[0].length, 1, 'the editor shows one sample');
});

test('trigger: portal changes of the chosen kinds, from activation on', async () => {
  const parameters = { event: 'portalChange', kinds: ['amount'] };
  const staticData = {};
  const first = await poll(parameters, staticData);
  assert.equal(first.output, null);
  assert.equal(new URL(first.calls[0].url).searchParams.get('after'), 'latest');
  const cursor = staticData.eventCursor;
  assert.ok(cursor >= 10);

  await fetch(`${zakupai.owsBase}/__control/change`, { method: 'POST', body: JSON.stringify({ id: 40000005, status: 370, amount: 777.5 }) });
  const sync = await zakupai.call('POST', '/etl/goszakup/sync', { body: {} });
  assert.equal(sync.json.updated, 1, sync.text);
  const fired = await poll(parameters, staticData);
  assert.equal(new URL(fired.calls[0].url).searchParams.get('after'), String(cursor));
  assert.deepEqual(fired.output[0].map((i) => [i.json.kind, i.json.new]), [['amount', '77750']]);
  assert.equal(staticData.eventCursor, cursor + 2, 'the status change is read past, not fired');
  assert.equal((await poll(parameters, staticData)).output, null);
});

test('every answer field is documented in openapi.json', () => {
  assert.deepEqual(undocumented, {}, JSON.stringify(undocumented));
});

test('every operation of the node was run against the binary', () => {
  const all = operations.map((o) => `${o.resource}/${o.value}`).sort();
  assert.deepEqual([...covered].sort(), all);
});
