// One tool for the five calculators: the model names the calculation and passes what it knows;
// the server applies the rates in force on the date and names the rule and source it used.
// Flowise defines $name only for the inputs the model passed.
const input = {
  amount: typeof $amount !== 'undefined' ? $amount : undefined,
  bid: typeof $bid !== 'undefined' ? $bid : undefined,
  cost: typeof $cost !== 'undefined' ? $cost : undefined,
  method: typeof $method !== 'undefined' ? $method : undefined,
  days_overdue: typeof $days_overdue !== 'undefined' ? $days_overdue : undefined,
  include_vat: typeof $include_vat !== 'undefined' ? $include_vat : undefined,
  date: typeof $date !== 'undefined' ? $date : undefined,
  lot_id: typeof $lot_id !== 'undefined' ? $lot_id : undefined,
};
const bodies = {
  vat: () => ({ amount: input.amount, include_vat: input.include_vat, date: input.date }),
  margin: () => ({ lot_price: input.bid, cost: input.cost, date: input.date }),
  penalty: () => ({ contract_sum: input.amount, days_overdue: input.days_overdue }),
  securities: () => ({ method: input.method, amount: input.amount, date: input.date }),
  dumping: () => ({ method: input.method, bid: input.bid, amount: input.amount }),
};
const make = bodies[$calculation];
if (!make) return `Unknown calculation "${$calculation}": use one of ${Object.keys(bodies).join(', ')}`;
const body = { ...make(), lot_id: input.lot_id };
for (const key of Object.keys(body)) if (body[key] === undefined || body[key] === '') delete body[key];
const result = await zakupai('POST', `/calc/${$calculation}`, body);
if (result.error) return result.error;
delete result.request_id;
delete result.ts;
return JSON.stringify(result);
