const language = typeof $language !== 'undefined' && $language === 'kz' ? 'kz' : 'ru';
const lot = await zakupai('GET', `/tldr/${encodeURIComponent($lot_id)}?lang=${language}`);
if (lot.error) return lot.error;
return JSON.stringify({
  lot_id: lot.lot_id,
  title: lot.title,
  summary: lot.lines,
  amount_without_vat: lot.amount_without_vat,
  amount_with_vat: lot.amount_with_vat,
  vat_rate: lot.vat_rate,
  customer: lot.customer,
  method: lot.method,
  status: lot.status,
  deadline_astana: lot.deadline_astana,
  days_left: lot.days_left,
  securities: lot.securities,
  link: `${base}/app/lots/${lot.lot_id}`,
});
