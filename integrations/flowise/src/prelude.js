const fetch = require('node-fetch');
// Flowise variables: zakupai_url (the server, no trailing path) and zakupai_api_key.
const base = String($vars.zakupai_url || 'http://localhost:8080').replace(/\/+$/, '');
async function zakupai(method, path, body) {
  const answer = await fetch(base + path, {
    method,
    headers: { 'X-API-Key': $vars.zakupai_api_key, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    const fields = (json.error?.details ?? []).map((d) => `${d.field}: ${d.problem}`).join('; ');
    return { error: `ZakupAI ${answer.status}: ${json.detail ?? answer.statusText}${fields && !String(json.detail).includes(fields) ? ` (${fields})` : ''}` };
  }
  return json;
}
