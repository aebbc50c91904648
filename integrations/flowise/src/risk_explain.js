const kazakh = typeof $language !== 'undefined' && ($language === 'kz' || $language === 'kk');
const risk = await zakupai('GET', `/risk/explain/${encodeURIComponent($lot_id)}?lang=${kazakh ? 'kk' : 'ru'}`);
if (risk.error) return risk.error;
const fired = risk.indicators.filter((i) => risk.flags.includes(i.id));
return JSON.stringify({
  lot_id: risk.lot_id,
  title: risk.title,
  score: risk.score,
  level: risk.level,
  summary: kazakh ? risk.summary_kz ?? risk.summary : risk.summary,
  flags: fired.map((i) => ({
    name: kazakh ? i.name_kz ?? i.name : i.name,
    explanation: kazakh ? i.explanation_kz ?? i.explanation : i.explanation,
    evidence: i.evidence,
    threshold: i.threshold,
    source: i.source,
  })),
  checked: risk.indicators.length,
});
