// The node's operations as data: each names the OpenAPI operation it calls (operationId, method,
// path), so test/description.test.mjs can hold every field against /openapi.json. The node's
// parameters and its requests are both derived from this table; nothing else knows a path.

export type FieldType = 'string' | 'number' | 'boolean' | 'options' | 'json';

export interface Field {
  name: string; // the API's name: path or query parameter, or body property
  in: 'path' | 'query' | 'body';
  displayName: string;
  type: FieldType;
  required?: boolean; // shown as a top-level parameter; else under "Additional Fields"
  default?: string | number | boolean;
  values?: string[]; // for 'options'
  description?: string;
  placeholder?: string;
}

export interface Operation {
  resource: string;
  value: string; // the n8n operation name, unique within its resource
  name: string;
  action: string;
  description: string;
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  fields: Field[];
  // The answer's array that becomes one output item per entry when "Split Into Items" is on.
  splitField?: string;
  // The answer is a file (PDF, DOCX) put on the item's binary property.
  binaryOutput?: { extension: string; mimeType: string };
  // The request body is the input item's binary file (a price list), sent as is.
  binaryInput?: boolean;
}

export interface Resource {
  value: string;
  name: string;
}

export const resources: Resource[] = [
  { value: 'search', name: 'Search' },
  { value: 'lot', name: 'Lot' },
  { value: 'risk', name: 'Risk' },
  { value: 'rnu', name: 'RNU (Unreliable Suppliers)' },
  { value: 'calculator', name: 'Calculator' },
  { value: 'document', name: 'Document' },
  { value: 'upload', name: 'Upload' },
];

const languages = ['ru', 'kz'];
const methods = ['tender', 'auction', 'price_offers', 'rfq', 'turnkey', 'eshop', 'single_source'];
const templates = [
  'clarification_request',
  'commercial_offer',
  'delay_notice',
  'bid_security_return',
  'guarantee',
  'complaint',
];

// A letter from a template, whether answered as HTML, PDF or DOCX.
const letterFields: Field[] = [
  { name: 'template', in: 'body', displayName: 'Template', type: 'options', values: templates, required: true, default: 'clarification_request' },
  { name: 'context', in: 'body', displayName: 'Context', type: 'json', required: true, default: '{}', description: 'The template fields (GET /letters/templates lists them)' },
  { name: 'language', in: 'body', displayName: 'Language', type: 'options', values: languages, default: 'ru' },
];
const lotIdPath = (name = 'lot_id'): Field => ({
  name,
  in: 'path',
  displayName: 'Lot ID',
  type: 'number',
  required: true,
  default: 0,
  description: 'ZakupAI lot ID (as in search results and /app/lots/{ID})',
});
const binPath: Field = {
  name: 'bin',
  in: 'path',
  displayName: 'BIN/IIN',
  type: 'string',
  required: true,
  default: '',
  placeholder: '123456789012',
  description: '12 digits with a valid check digit',
};
const langQuery: Field = {
  name: 'lang',
  in: 'query',
  displayName: 'Language',
  type: 'options',
  values: languages,
  default: 'ru',
};
const lotIdBody: Field = {
  name: 'lot_id',
  in: 'body',
  displayName: 'Lot ID',
  type: 'number',
  default: 0,
  description: 'Recorded with the calculation, for the lot history',
};
const money = (name: string, displayName: string, required: boolean, description?: string): Field => ({
  name,
  in: 'body',
  displayName,
  type: 'number',
  required,
  default: 0,
  description: description ?? 'Tenge, at most 2 decimals',
});
const date = (name: string, displayName: string, description: string): Field => ({
  name,
  in: 'body',
  displayName,
  type: 'string',
  default: '',
  placeholder: '2026-12-31',
  description,
});
const searchFilters: Field[] = [
  { name: 'exclude', in: 'query', displayName: 'Exclude Words', type: 'string', default: '', description: 'Lots with any of these words are left out' },
  { name: 'min_amount', in: 'query', displayName: 'Min Amount', type: 'number', default: 0, description: 'Tenge' },
  { name: 'max_amount', in: 'query', displayName: 'Max Amount', type: 'number', default: 0, description: 'Tenge' },
  { name: 'status', in: 'query', displayName: 'Status', type: 'string', default: '', placeholder: 'published' },
  { name: 'method', in: 'query', displayName: 'Method', type: 'options', values: methods, default: 'tender' },
  { name: 'customer_bin', in: 'query', displayName: 'Customer BIN', type: 'string', default: '' },
  { name: 'region', in: 'query', displayName: 'Region (KATO)', type: 'string', default: '', placeholder: '75' },
  { name: 'enstru', in: 'query', displayName: 'ENSTRU Code Prefix', type: 'string', default: '' },
  { name: 'deadline_from', in: 'query', displayName: 'Deadline From', type: 'string', default: '', placeholder: '2026-12-07' },
  { name: 'deadline_to', in: 'query', displayName: 'Deadline To', type: 'string', default: '', placeholder: '2026-12-31' },
  { name: 'sort', in: 'query', displayName: 'Sort By', type: 'options', values: ['relevance', 'amount', 'deadline'], default: 'relevance' },
  { name: 'order', in: 'query', displayName: 'Order', type: 'options', values: ['asc', 'desc'], default: 'desc' },
  { name: 'limit', in: 'query', displayName: 'Limit', type: 'number', default: 20, description: '1–100 lots per call' },
  { name: 'semantic', in: 'query', displayName: 'Also by Meaning', type: 'boolean', default: false },
];

export const operations: Operation[] = [
  // Search
  {
    resource: 'search',
    value: 'lots',
    name: 'Search Lots',
    action: 'Search lots',
    description: 'Full-text lot search with Russian word forms and filters',
    operationId: 'searchLots',
    method: 'GET',
    path: '/search/lots',
    splitField: 'results',
    fields: [
      { name: 'query', in: 'query', displayName: 'Query', type: 'string', required: true, default: '', placeholder: 'бумага А4' },
      ...searchFilters,
    ],
  },
  {
    resource: 'search',
    value: 'savedResults',
    name: 'Run Saved Search',
    action: 'Run a saved search',
    description: 'The lots a saved search (web panel, bot) finds now',
    operationId: 'getSavedSearchResults',
    method: 'GET',
    path: '/search/saved/{id}/results',
    splitField: 'results',
    fields: [
      { name: 'id', in: 'path', displayName: 'Saved Search ID', type: 'number', required: true, default: 0 },
      { name: 'limit', in: 'query', displayName: 'Limit', type: 'number', default: 20 },
    ],
  },
  {
    resource: 'search',
    value: 'autocomplete',
    name: 'Autocomplete',
    action: 'Autocomplete lot titles and customers',
    description: 'Lot titles and customers by prefix, most frequent first',
    operationId: 'autocomplete',
    method: 'GET',
    path: '/api/search/autocomplete',
    fields: [{ name: 'query', in: 'query', displayName: 'Prefix', type: 'string', required: true, default: '' }],
  },
  {
    resource: 'search',
    value: 'suppliers',
    name: 'Find Suppliers',
    action: 'Find suppliers',
    description: 'Suppliers who won, bid on or quoted lots like this, with the lots as evidence',
    operationId: 'findSuppliers',
    method: 'GET',
    path: '/suppliers/find',
    splitField: 'suppliers',
    fields: [
      { name: 'q', in: 'query', displayName: 'What', type: 'string', required: true, default: '' },
      { name: 'region', in: 'query', displayName: 'Region', type: 'string', default: '' },
      { name: 'limit', in: 'query', displayName: 'Limit', type: 'number', default: 10 },
    ],
  },
  // Lot
  {
    resource: 'lot',
    value: 'tldr',
    name: 'Get TL;DR',
    action: 'Get a lot TL;DR',
    description: 'What, how much with and without VAT, customer, deadline and days left in Astana time',
    operationId: 'getLotTldr',
    method: 'GET',
    path: '/tldr/{lot_id}',
    fields: [lotIdPath(), langQuery],
  },
  {
    resource: 'lot',
    value: 'prices',
    name: 'Get Matched Prices',
    action: 'Get supplier prices matched to a lot',
    description: 'Supplier prices matched to the lot, with cost, profit and margin',
    operationId: 'getLotPrices',
    method: 'GET',
    path: '/lots/{id}/prices',
    splitField: 'prices',
    fields: [lotIdPath('id')],
  },
  {
    resource: 'lot',
    value: 'changes',
    name: 'Get Changes',
    action: 'Get lot status and amount changes',
    description: 'Status and amount changes the portal sync saw, after a cursor (service key)',
    operationId: 'getGoszakupEvents',
    method: 'GET',
    path: '/etl/goszakup/events',
    splitField: 'events',
    fields: [
      {
        name: 'after',
        in: 'query',
        displayName: 'After',
        type: 'string',
        default: '',
        placeholder: 'latest',
        description: 'An event ID (next_after of the previous answer), or latest to start from now; empty: from the first event',
      },
      { name: 'limit', in: 'query', displayName: 'Limit', type: 'number', default: 100 },
    ],
  },
  // Risk
  {
    resource: 'risk',
    value: 'score',
    name: 'Score',
    action: 'Score a lot risk',
    description: 'Risk score 0–100 from 16 red flags, recorded for the lot',
    operationId: 'scoreLotRisk',
    method: 'POST',
    path: '/risk/score/{lot_id}',
    fields: [
      lotIdPath(),
      { name: 'bid', in: 'body', displayName: 'Your Bid', type: 'number', default: 0, description: 'Tenge; adds the dumping check for this price' },
      { name: 'supplier_bins', in: 'body', displayName: 'Supplier BINs', type: 'json', default: '[]', description: 'JSON array of bidders\' BINs (RNU check)' },
    ],
  },
  {
    resource: 'risk',
    value: 'explain',
    name: 'Explain',
    action: 'Explain a lot risk',
    description: 'Every red flag with its evidence, threshold and article of law',
    operationId: 'explainLotRisk',
    method: 'GET',
    path: '/risk/explain/{lot_id}',
    fields: [lotIdPath(), { ...langQuery, values: ['ru', 'kk'] }],
  },
  {
    resource: 'risk',
    value: 'customer',
    name: 'Customer Profile',
    action: 'Get a customer risk profile',
    description: "A customer's lots, scores, riskiest lots and supplier concentration",
    operationId: 'getCustomerRisk',
    method: 'GET',
    path: '/risk/customers/{bin}',
    fields: [binPath],
  },
  {
    resource: 'risk',
    value: 'supplier',
    name: 'Supplier Profile',
    action: 'Get a supplier risk profile',
    description: "A supplier's contracts, wins, customers and RNU status",
    operationId: 'getSupplierRisk',
    method: 'GET',
    path: '/risk/suppliers/{bin}',
    fields: [binPath],
  },
  // RNU
  {
    resource: 'rnu',
    value: 'check',
    name: 'Check Supplier',
    action: 'Check a supplier in the RNU',
    description: 'Is the supplier in the unreliable suppliers register: status, since, until, why',
    operationId: 'checkRnu',
    method: 'GET',
    path: '/risk/validate_rnu/{bin}',
    fields: [binPath],
  },
  // Calculators
  {
    resource: 'calculator',
    value: 'vat',
    name: 'VAT',
    action: 'Calculate VAT',
    description: 'VAT by date: 12% to 2025, 16% from 2026',
    operationId: 'calcVat',
    method: 'POST',
    path: '/calc/vat',
    fields: [
      money('amount', 'Amount', true),
      { name: 'include_vat', in: 'body', displayName: 'Amount Includes VAT', type: 'boolean', default: true },
      date('date', 'Turnover Date', 'Default: today in Astana time'),
      { name: 'category', in: 'body', displayName: 'Category', type: 'options', values: ['standard', 'medicines', 'periodicals', 'export', 'exempt'], default: 'standard' },
      lotIdBody,
    ],
  },
  {
    resource: 'calculator',
    value: 'margin',
    name: 'Margin',
    action: 'Calculate margin',
    description: 'Revenue, VAT payable, profit, margin and break-even price of a bid',
    operationId: 'calcMargin',
    method: 'POST',
    path: '/calc/margin',
    fields: [
      money('lot_price', 'Bid Price', true),
      money('cost', 'Cost', true, 'Purchase cost without VAT, tenge'),
      money('logistics', 'Logistics', false),
      money('other_costs', 'Other Costs', false),
      { name: 'quantity', in: 'body', displayName: 'Quantity', type: 'number', default: 1, description: 'Prices are per unit when above 1' },
      { name: 'price_includes_vat', in: 'body', displayName: 'Price Includes VAT', type: 'boolean', default: true },
      { name: 'vat_payer', in: 'body', displayName: 'VAT Payer', type: 'boolean', default: true },
      date('date', 'Date', 'Decides the VAT rate; default today'),
      lotIdBody,
    ],
  },
  {
    resource: 'calculator',
    value: 'penalty',
    name: 'Penalty',
    action: 'Calculate a late penalty',
    description: 'Penalty for late performance with the contract cap',
    operationId: 'calcPenalty',
    method: 'POST',
    path: '/calc/penalty',
    fields: [
      money('contract_sum', 'Contract Sum', true),
      { name: 'days_overdue', in: 'body', displayName: 'Days Overdue', type: 'number', default: 0 },
      date('due_date', 'Due Date', 'With Performed On: days are counted between them'),
      date('performed_on', 'Performed On', 'The day the obligation was met'),
      money('unperformed_sum', 'Unperformed Sum', false, 'Partial performance base, tenge'),
      { name: 'contract_type', in: 'body', displayName: 'Contract Type', type: 'options', values: ['goods', 'works', 'services', 'other'], default: 'services' },
      { name: 'party', in: 'body', displayName: 'Party', type: 'options', values: ['supplier', 'customer'], default: 'supplier' },
      lotIdBody,
    ],
  },
  {
    resource: 'calculator',
    value: 'securities',
    name: 'Securities',
    action: 'Calculate bid and performance securities',
    description: 'Bid, performance and advance securities with the rule and source',
    operationId: 'calcSecurities',
    method: 'POST',
    path: '/calc/securities',
    fields: [
      { name: 'method', in: 'body', displayName: 'Procurement Method', type: 'options', values: methods, required: true, default: 'tender' },
      money('amount', 'Lot Amount', true, 'Allocated amount without VAT, tenge'),
      money('contract_sum', 'Contract Sum', false),
      money('advance_amount', 'Advance Amount', false),
      { name: 'kz_producer', in: 'body', displayName: 'Kazakhstan Producer', type: 'boolean', default: false },
      date('date', 'Date', 'Default: today'),
      lotIdBody,
    ],
  },
  {
    resource: 'calculator',
    value: 'dumping',
    name: 'Dumping',
    action: 'Check a bid for dumping',
    description: 'Dumping threshold, minimum price and anti-dumping security for a bid',
    operationId: 'calcDumping',
    method: 'POST',
    path: '/calc/dumping',
    fields: [
      { name: 'method', in: 'body', displayName: 'Procurement Method', type: 'options', values: methods, required: true, default: 'tender' },
      money('bid', 'Bid', true),
      money('amount', 'Lot Amount', false, 'Allocated amount (the reference), tenge'),
      { name: 'subject', in: 'body', displayName: 'Subject', type: 'string', default: '', placeholder: 'construction_works' },
      { name: 'kz_producer', in: 'body', displayName: 'Kazakhstan Producer', type: 'boolean', default: false },
      lotIdBody,
    ],
  },
  {
    resource: 'calculator',
    value: 'workingDays',
    name: 'Working Days',
    action: 'Count working days',
    description: "Working days between dates, or the date N working days on (Kazakhstan's calendar)",
    operationId: 'getWorkingDays',
    method: 'GET',
    path: '/calendar/working-days',
    fields: [
      { name: 'from', in: 'query', displayName: 'From', type: 'string', required: true, default: '', placeholder: '2026-12-07' },
      { name: 'to', in: 'query', displayName: 'To', type: 'string', default: '' },
      { name: 'add', in: 'query', displayName: 'Add Working Days', type: 'number', default: 0 },
    ],
  },
  // Documents
  {
    resource: 'document',
    value: 'letter',
    name: 'Generate Letter',
    action: 'Generate a letter',
    description: 'A letter from a template as HTML, in Russian or Kazakh',
    operationId: 'generateLetter',
    method: 'POST',
    path: '/letters/generate',
    fields: letterFields,
  },
  {
    resource: 'document',
    value: 'pdf',
    name: 'Render PDF',
    action: 'Render a letter as PDF',
    description: 'A letter from a template typeset as PDF',
    operationId: 'renderPdf',
    method: 'POST',
    path: '/render/pdf',
    binaryOutput: { extension: 'pdf', mimeType: 'application/pdf' },
    fields: letterFields,
  },
  {
    resource: 'document',
    value: 'docx',
    name: 'Render DOCX',
    action: 'Render a letter as DOCX',
    description: 'A letter from a template as an editable DOCX',
    operationId: 'renderDocx',
    method: 'POST',
    path: '/render/docx',
    binaryOutput: {
      extension: 'docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    },
    fields: letterFields,
  },
  {
    resource: 'document',
    value: 'complaint',
    name: 'Draft Complaint',
    action: 'Draft a complaint',
    description: 'A complaint about a lot with its deadline and warnings',
    operationId: 'createComplaint',
    method: 'POST',
    path: '/api/complaint/{lot_id}',
    fields: [
      lotIdPath(),
      { name: 'reason', in: 'body', displayName: 'Reason', type: 'string', required: true, default: '', description: 'The facts, 5–200 characters' },
      date('date', 'Date', 'Default: today'),
      date('protocol_date', 'Protocol Date', 'When the results protocol was posted; the deadline counts from it'),
      { name: 'language', in: 'body', displayName: 'Language', type: 'options', values: languages, default: 'ru' },
      { name: 'supplier_name', in: 'body', displayName: 'Supplier Name', type: 'string', default: '' },
      { name: 'supplier_bin', in: 'body', displayName: 'Supplier BIN', type: 'string', default: '' },
    ],
  },
  {
    resource: 'document',
    value: 'ask',
    name: 'Ask',
    action: 'Ask a question',
    description: 'A short answer with sources from the rule book, the calendar and the lots named',
    operationId: 'ask',
    method: 'POST',
    path: '/ask',
    fields: [
      { name: 'question', in: 'body', displayName: 'Question', type: 'string', required: true, default: '' },
      { name: 'lot_ids', in: 'body', displayName: 'Lot IDs', type: 'json', default: '[]', description: 'JSON array of lot IDs the question is about' },
      { name: 'language', in: 'body', displayName: 'Language', type: 'options', values: languages, default: 'ru' },
    ],
  },
  // Upload
  {
    resource: 'upload',
    value: 'priceList',
    name: 'Upload Price List',
    action: 'Upload a price list',
    description: 'A CSV or XLSX price list (or lots) in one transaction, with per-row errors',
    operationId: 'uploadBatch',
    method: 'POST',
    path: '/etl/upload-batch',
    binaryInput: true,
    fields: [
      { name: 'kind', in: 'query', displayName: 'Kind', type: 'options', values: ['auto', 'prices', 'lots'], default: 'auto' },
      { name: 'strict', in: 'query', displayName: 'All or Nothing', type: 'boolean', default: false, description: 'Whether one bad row refuses the whole file' },
      { name: 'source', in: 'query', displayName: 'Source', type: 'string', default: '' },
      { name: 'sheet', in: 'query', displayName: 'XLSX Sheet', type: 'string', default: '' },
    ],
  },
];

export function findOperation(resource: string, value: string): Operation | undefined {
  return operations.find((o) => o.resource === resource && o.value === value);
}
