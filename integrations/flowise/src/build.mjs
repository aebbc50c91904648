// Builds the Flowise exports from the JavaScript here: tools/<name>.json (what Flowise's Tools
// page loads: name, description, schema as a JSON string, func) and the chatflow that puts the
// four tools behind a Tool Agent answering as /ask does. Flowise runs a tool's func as the body
// of an async function with $vars (Flowise variables) and $<input> for each input the model
// passed; every tool starts with prelude.js. Run `npm run build:flowise` after editing; the
// tests fail while the exports differ from what this builds.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '..');
const source = (file) => fs.readFileSync(path.join(here, file), 'utf8');
const prelude = source('prelude.js');
const schema = (rows) => JSON.stringify(rows.map((r, id) => ({ id, ...r })));
const tools = [
  {
    name: 'zakupai_lot_reader',
    description: 'Reads one public procurement lot from ZakupAI (goszakup.gov.kz): what is bought, the amount with and without VAT, the customer, the method, the status, the bid deadline in Astana time and days left, the bid and performance securities. Use it whenever the user names a lot ID or asks about "this lot".',
    color: 'linear-gradient(rgb(11,110,79), rgb(37,161,142))',
    schema: [
      { property: 'lot_id', description: 'ZakupAI lot ID (a number from search results or a link /app/lots/ID)', type: 'number', required: true },
      { property: 'language', description: 'ru (Russian, default) or kz (Kazakh)', type: 'string', required: false },
    ],
    func: 'lot_reader.js',
  },
  {
    name: 'zakupai_risk_explain',
    description: "Explains a lot's risk score (0-100) from 16 red flags: for each flag that fired, the evidence, the threshold and the article of law or rule it rests on. Use it for questions about risks, red flags, dumping, single bids or whether a lot looks tailored.",
    color: 'linear-gradient(rgb(183,28,28), rgb(239,83,80))',
    schema: [
      { property: 'lot_id', description: 'ZakupAI lot ID', type: 'number', required: true },
      { property: 'language', description: 'ru (Russian, default) or kz (Kazakh)', type: 'string', required: false },
    ],
    func: 'risk_explain.js',
  },
  {
    name: 'zakupai_finance_calculator',
    description: 'Kazakhstan procurement money, computed by the rules in force on the date (never compute these yourself): calculation = vat (amount, include_vat, date; 12% to 2025, 16% from 2026), margin (bid, cost, date), penalty (amount = contract sum, days_overdue), securities (method, amount = lot amount without VAT), dumping (method, bid, amount). Methods: tender, auction, price_offers, rfq, turnkey, eshop, single_source. Amounts in tenge.',
    color: 'linear-gradient(rgb(13,71,161), rgb(66,165,245))',
    schema: [
      { property: 'calculation', description: 'vat, margin, penalty, securities or dumping', type: 'string', required: true },
      { property: 'amount', description: 'Tenge: the amount (vat), the contract sum (penalty) or the lot amount without VAT (securities, dumping)', type: 'number', required: false },
      { property: 'bid', description: 'Tenge: the bid price (margin, dumping)', type: 'number', required: false },
      { property: 'cost', description: 'Tenge: purchase cost without VAT (margin)', type: 'number', required: false },
      { property: 'method', description: 'Procurement method (securities, dumping)', type: 'string', required: false },
      { property: 'days_overdue', description: 'Days of delay (penalty)', type: 'number', required: false },
      { property: 'include_vat', description: 'true when the amount already includes VAT (vat; default true)', type: 'boolean', required: false },
      { property: 'date', description: 'YYYY-MM-DD the rates apply on (default today in Astana)', type: 'string', required: false },
      { property: 'lot_id', description: 'ZakupAI lot ID the calculation is for, if any', type: 'number', required: false },
    ],
    func: 'finance_calculator.js',
  },
  {
    name: 'zakupai_template_generator',
    description: "Writes a supplier's letter from ZakupAI's templates in Russian or Kazakh: clarification_request, commercial_offer, delay_notice, bid_security_return, guarantee, complaint. Returns the letter's text; if a required field is missing, the answer names it - ask the user for it and call again.",
    color: 'linear-gradient(rgb(74,20,140), rgb(171,71,188))',
    schema: [
      { property: 'template', description: 'clarification_request, commercial_offer, delay_notice, bid_security_return, guarantee or complaint', type: 'string', required: true },
      { property: 'context', description: 'JSON object of the template fields, e.g. {"customer_name": "...", "supplier_name": "...", "supplier_bin": "...", "announcement_number": "...", "procurement_name": "...", "questions": ["..."], "signer_name": "..."}', type: 'string', required: true },
      { property: 'language', description: 'ru (Russian, default) or kz (Kazakh)', type: 'string', required: false },
    ],
    func: 'template_generator.js',
  },
];
const built = tools.map((t) => ({
  name: t.name,
  description: t.description,
  color: t.color,
  iconSrc: '',
  schema: schema(t.schema),
  func: `${prelude}\n${source(t.func)}`,
}));

const system = [
  'Ты — ассистент ZakupAI для поставщиков в государственных закупках Казахстана (goszakup.gov.kz).',
  'Правила ответа (как у /ask ZakupAI):',
  '1. Отвечай на языке вопроса: русском или казахском. Не длиннее 500 символов, Markdown.',
  '2. Числа (суммы, ставки НДС, обеспечения, пороги демпинга, неустойки, сроки) бери только из ответов инструментов или из фактов, приведённых в вопросе. Сам не считай: для НДС, маржи, неустойки, обеспечений и демпинга вызывай zakupai_finance_calculator.',
  '3. О лоте — zakupai_lot_reader; о рисках и красных флагах — zakupai_risk_explain; письма, запросы разъяснений и жалобы — zakupai_template_generator.',
  '4. В конце назови источник: норму закона или пункт Правил из ответа инструмента, или номер лота.',
  '5. Если инструменты не дали ответа или данных нет — так и скажи и предложи, что уточнить. Не выдумывай.',
  '6. Если в вопросе уже есть факты и правила ZakupAI (запрос от сервера ZakupAI), отвечай только по ним, сохраняя их числа без изменений.',
].join('\n');

const node = (id, x, y, data) => ({ id, position: { x, y }, type: 'customNode', data: { id, ...data, selected: false }, width: 300, selected: false, positionAbsolute: { x, y }, dragging: false });
const toolBase = ['CustomTool', 'Tool', 'StructuredTool', 'Runnable'];
const toolNodes = built.map((t, i) => node(`customTool_${i}`, 420, 40 + i * 260, {
  label: 'Custom Tool',
  version: 3,
  name: 'customTool',
  type: 'CustomTool',
  baseClasses: toolBase,
  category: 'Tools',
  description: "Use custom tool you've created in Flowise within chatflow",
  inputParams: [
    { label: 'Select Tool', name: 'selectedTool', type: 'asyncOptions', loadMethod: 'listTools', id: `customTool_${i}-input-selectedTool-asyncOptions` },
    { label: 'Return Direct', name: 'returnDirect', type: 'boolean', optional: true, id: `customTool_${i}-input-returnDirect-boolean` },
    { label: 'Custom Tool Name', name: 'customToolName', type: 'string', hidden: true, id: `customTool_${i}-input-customToolName-string` },
    { label: 'Custom Tool Description', name: 'customToolDesc', type: 'string', hidden: true, id: `customTool_${i}-input-customToolDesc-string` },
    { label: 'Custom Tool Schema', name: 'customToolSchema', type: 'string', hidden: true, id: `customTool_${i}-input-customToolSchema-string` },
    { label: 'Custom Tool Func', name: 'customToolFunc', type: 'string', hidden: true, id: `customTool_${i}-input-customToolFunc-string` },
  ],
  inputAnchors: [],
  inputs: { selectedTool: '', returnDirect: false, customToolName: t.name, customToolDesc: t.description, customToolSchema: t.schema, customToolFunc: t.func },
  outputAnchors: [{ id: `customTool_${i}-output-customTool-${toolBase.join('|')}`, name: 'customTool', label: 'CustomTool', type: toolBase.join(' | ') }],
  outputs: {},
}));
const modelBase = ['ChatOpenAI', 'BaseChatModel', 'BaseLanguageModel', 'Runnable'];
const model = node('chatOpenAI_0', 20, 60, {
  label: 'ChatOpenAI', version: 8.2, name: 'chatOpenAI', type: 'ChatOpenAI', baseClasses: modelBase, category: 'Chat Models',
  description: 'Wrapper around OpenAI large language models that use the Chat endpoint',
  inputParams: [
    { label: 'Connect Credential', name: 'credential', type: 'credential', credentialNames: ['openAIApi'], id: 'chatOpenAI_0-input-credential-credential' },
    { label: 'Model Name', name: 'modelName', type: 'asyncOptions', loadMethod: 'listModels', default: 'gpt-4o-mini', id: 'chatOpenAI_0-input-modelName-asyncOptions' },
    { label: 'Temperature', name: 'temperature', type: 'number', step: 0.1, default: 0.9, optional: true, id: 'chatOpenAI_0-input-temperature-number' },
    { label: 'Max Tokens', name: 'maxTokens', type: 'number', step: 1, optional: true, additionalParams: true, id: 'chatOpenAI_0-input-maxTokens-number' },
  ],
  inputAnchors: [{ label: 'Cache', name: 'cache', type: 'BaseCache', optional: true, id: 'chatOpenAI_0-input-cache-BaseCache' }],
  inputs: { cache: '', modelName: 'gpt-4o-mini', temperature: 0.1, maxTokens: 400 },
  outputAnchors: [{ id: `chatOpenAI_0-output-chatOpenAI-${modelBase.join('|')}`, name: 'chatOpenAI', label: 'ChatOpenAI', type: modelBase.join(' | ') }],
  outputs: {},
});
const memoryBase = ['BufferWindowMemory', 'BaseChatMemory', 'BaseMemory'];
const memory = node('bufferWindowMemory_0', 20, 700, {
  label: 'Buffer Window Memory', version: 2, name: 'bufferWindowMemory', type: 'BufferWindowMemory', baseClasses: memoryBase, category: 'Memory',
  description: 'Uses a window of size k to surface the last k back-and-forth to use as memory',
  inputParams: [
    { label: 'Size', name: 'k', type: 'number', default: '4', id: 'bufferWindowMemory_0-input-k-number' },
    { label: 'Session Id', name: 'sessionId', type: 'string', default: '', optional: true, additionalParams: true, id: 'bufferWindowMemory_0-input-sessionId-string' },
    { label: 'Memory Key', name: 'memoryKey', type: 'string', default: 'chat_history', additionalParams: true, id: 'bufferWindowMemory_0-input-memoryKey-string' },
  ],
  inputAnchors: [],
  inputs: { k: '6', sessionId: '', memoryKey: 'chat_history' },
  outputAnchors: [{ id: `bufferWindowMemory_0-output-bufferWindowMemory-${memoryBase.join('|')}`, name: 'bufferWindowMemory', label: 'BufferWindowMemory', type: memoryBase.join(' | ') }],
  outputs: {},
});
const agentBase = ['AgentExecutor', 'BaseChain', 'Runnable'];
const agent = node('toolAgent_0', 840, 300, {
  label: 'Tool Agent', version: 2, name: 'toolAgent', type: 'AgentExecutor', baseClasses: agentBase, category: 'Agents',
  description: 'Agent that uses Function Calling to pick the tools and args to call',
  inputParams: [
    { label: 'System Message', name: 'systemMessage', type: 'string', rows: 4, optional: true, additionalParams: true, id: 'toolAgent_0-input-systemMessage-string' },
    { label: 'Max Iterations', name: 'maxIterations', type: 'number', optional: true, additionalParams: true, id: 'toolAgent_0-input-maxIterations-number' },
  ],
  inputAnchors: [
    { label: 'Tools', name: 'tools', type: 'Tool', list: true, id: 'toolAgent_0-input-tools-Tool' },
    { label: 'Memory', name: 'memory', type: 'BaseChatMemory', id: 'toolAgent_0-input-memory-BaseChatMemory' },
    { label: 'Tool Calling Chat Model', name: 'model', type: 'BaseChatModel', id: 'toolAgent_0-input-model-BaseChatModel' },
  ],
  inputs: {
    tools: toolNodes.map((t) => `{{${t.id}.data.instance}}`),
    memory: '{{bufferWindowMemory_0.data.instance}}',
    model: '{{chatOpenAI_0.data.instance}}',
    systemMessage: system,
    maxIterations: 6,
  },
  outputAnchors: [{ id: `toolAgent_0-output-toolAgent-${agentBase.join('|')}`, name: 'toolAgent', label: 'AgentExecutor', type: agentBase.join(' | ') }],
  outputs: {},
});
const edge = (source, sourceHandle, targetHandle) => ({ source, sourceHandle, target: 'toolAgent_0', targetHandle, type: 'buttonedge', id: `${source}-${sourceHandle}-toolAgent_0-${targetHandle}` });
const chatflow = {
  description: 'ZakupAI assistant: answers suppliers like /ask (short, sourced, numbers only from ZakupAI) with four ZakupAI tools',
  usecases: ['Agent'],
  framework: ['Langchain'],
  nodes: [model, memory, ...toolNodes, agent],
  edges: [
    ...toolNodes.map((t) => edge(t.id, t.data.outputAnchors[0].id, 'toolAgent_0-input-tools-Tool')),
    edge('chatOpenAI_0', model.data.outputAnchors[0].id, 'toolAgent_0-input-model-BaseChatModel'),
    edge('bufferWindowMemory_0', memory.data.outputAnchors[0].id, 'toolAgent_0-input-memory-BaseChatMemory'),
  ],
};

// The files this builds, by path relative to integrations/flowise, with their text.
export const files = Object.fromEntries([
  ...built.map((t) => [`tools/${t.name}.json`, JSON.stringify(t, null, 2) + '\n']),
  ['zakupai-assistant.chatflow.json', JSON.stringify(chatflow, null, 2) + '\n'],
]);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    fs.writeFileSync(path.join(out, file), text);
  }
}
