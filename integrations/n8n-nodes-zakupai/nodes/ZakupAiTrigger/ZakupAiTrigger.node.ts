import type {
  IDataObject,
  INodeExecutionData,
  INodeProperties,
  INodeType,
  INodeTypeDescription,
  IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { type Field, findOperation } from '../ZakupAi/operations';
import { buildRequest, requestJson } from '../ZakupAi/request';

// The trigger asks the same operations the node offers: lot search and the portal's changes.
const search = findOperation('search', 'lots')!;
const changes = findOperation('lot', 'changes')!;
// Newest deadlines first: a lot published since the last poll takes bids the longest, so it is
// on the first page even when the query matches many more.
const searchOrder: Record<string, string | number> = { sort: 'deadline', order: 'desc', limit: 100 };
const filterFields = search.fields.filter((f) => f.name !== 'query' && !(f.name in searchOrder));
const rememberedLots = 5000;

function filterProperty(field: Field): INodeProperties {
  const property: INodeProperties = {
    displayName: field.displayName,
    name: field.name,
    type: field.type,
    default: field.default ?? '',
  };
  if (field.description) property.description = field.description;
  if (field.placeholder) property.placeholder = field.placeholder;
  if (field.values) property.options = field.values.map((v) => ({ name: v, value: v }));
  return property;
}

export class ZakupAiTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'ZakupAI Trigger',
    name: 'zakupAiTrigger',
    icon: 'file:zakupai.svg',
    group: ['trigger'],
    version: 1,
    subtitle: '={{$parameter["event"]}}',
    description: 'Starts the workflow when a new lot matches a search, or when the portal changes a lot',
    defaults: { name: 'ZakupAI Trigger' },
    polling: true,
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'zakupAiApi', required: true }],
    properties: [
      {
        displayName: 'Event',
        name: 'event',
        type: 'options',
        noDataExpression: true,
        options: [
          { name: 'New Lot Matching a Search', value: 'newLot', description: 'One item per lot not seen before' },
          {
            name: 'Lot Changed on the Portal',
            value: 'portalChange',
            description: 'Status and amount changes the portal sync saw (service key)',
          },
        ],
        default: 'newLot',
      },
      {
        displayName: 'Query',
        name: 'query',
        type: 'string',
        required: true,
        default: '',
        placeholder: 'бумага А4',
        description: 'Words in Russian or Kazakh; word forms match',
        displayOptions: { show: { event: ['newLot'] } },
      },
      {
        displayName: 'Filters',
        name: 'filters',
        type: 'collection',
        placeholder: 'Add Filter',
        default: {},
        displayOptions: { show: { event: ['newLot'] } },
        options: filterFields.map(filterProperty),
      },
      {
        displayName: 'Changes',
        name: 'kinds',
        type: 'multiOptions',
        options: [
          { name: 'Created', value: 'created' },
          { name: 'Status', value: 'status' },
          { name: 'Amount', value: 'amount' },
        ],
        default: ['status', 'amount'],
        displayOptions: { show: { event: ['portalChange'] } },
      },
    ],
  };

  // The first poll after activation only takes note of what is there: a new trigger does not
  // replay the archive. A manual run (the editor's "Fetch Test Event") shows the newest match.
  async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
    const state = this.getWorkflowStaticData('node');
    const manual = this.getMode() === 'manual';
    const event = this.getNodeParameter('event') as string;
    if (event === 'newLot') {
      const query = this.getNodeParameter('query') as string;
      const filters = this.getNodeParameter('filters', {}) as IDataObject;
      const values: IDataObject = { ...filters, ...searchOrder, query };
      const answer = await requestJson(this, buildRequest(search, (field) => values[field.name]));
      const lots = (answer.results as IDataObject[]) ?? [];
      if (manual) return lots.length > 0 ? [[{ json: lots[0] }]] : null;
      const seen = state.seenLots as number[] | undefined;
      const known = new Set(seen ?? []);
      const fresh = seen === undefined ? [] : lots.filter((lot) => !known.has(lot.id as number));
      state.seenLots = [...new Set([...lots.map((lot) => lot.id as number), ...(seen ?? [])])].slice(0, rememberedLots);
      return fresh.length > 0 ? [fresh.map((json) => ({ json }))] : null;
    }
    if (event !== 'portalChange') {
      throw new NodeOperationError(this.getNode(), `Unknown event ${event}`);
    }
    const kinds = this.getNodeParameter('kinds', []) as string[];
    const ask = async (after: string | number, limit: number) =>
      requestJson(this, buildRequest(changes, (field) => ({ after: String(after), limit })[field.name]));
    let after = state.eventCursor as number | undefined;
    if (after === undefined || manual) {
      const now = (await ask('latest', 1)).next_after as number;
      if (!manual) {
        state.eventCursor = now;
        return null;
      }
      after = Math.max(now - 50, 0);
    }
    const page = await ask(after, 1000);
    const events = ((page.events as IDataObject[]) ?? []).filter((e) => kinds.includes(e.kind as string));
    if (manual) return events.length > 0 ? [[{ json: events[events.length - 1] }]] : null;
    state.eventCursor = page.next_after;
    return events.length > 0 ? [events.map((json) => ({ json }))] : null;
  }
}
