// The real zakupai binary on a free port with the demo data set, and the fake portal (for RNU
// answers) beside it: what the workflow and tool tests call. ZAKUPAI_BIN and FAKE_OWS_BIN name
// the binaries (ctest passes the sanitizer build's).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.resolve(process.env.ZAKUPAI_BIN ?? path.join(repo, 'build/debug/zakupai'));
const fakeBin = path.resolve(process.env.FAKE_OWS_BIN ?? path.join(path.dirname(bin), 'fake_ows'));
const portalToken = '0123456789abcdef0123456789abcdef';

export const openapi = JSON.parse(fs.readFileSync(path.join(repo, 'data/openapi.json'), 'utf8'));

// The JSON in an answer's text, or undefined when it is not JSON (a PDF, an HTML page).
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// The fields of a clarification request letter (the demo's paper lot, a real-looking supplier).
export const letterContext = {
  customer_name: 'ГУ «Отдел образования г. Шымкент»',
  supplier_name: 'ТОО «Бумага Плюс»',
  supplier_bin: '150440182528',
  announcement_number: '15483921-1',
  procurement_name: 'Бумага офисная А4',
  questions: ['Допускается ли плотность 75 г/м2?'],
  signer_name: 'Ахметов А. А.',
};

// Waits for the port file `child` writes once it listens; a child that could not start (a wrong
// binary path) or died fails at once instead of after the whole wait.
async function waitForFile(file, ms, child) {
  let failure;
  child.once('error', (error) => (failure = error));
  child.once('exit', (code, signal) => (failure ??= new Error(`${child.spawnfile} exited (${code ?? signal})`)));
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (failure) throw new Error(`${file} will not appear: ${failure.message}`);
    if (fs.existsSync(file)) {
      const text = fs.readFileSync(file, 'utf8').trim();
      if (text) return text;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${file} did not appear within ${ms} ms`);
}

function createKey(env, plan) {
  const out = execFileSync(bin, ['keys', 'create', '--plan', plan, '--name', `integrations-${plan}`], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const key = out.match(/zk_[A-Za-z0-9_-]+/);
  if (!key) throw new Error(`no key in: ${out}`);
  return key[0];
}

export async function startZakupai() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupai-integrations-'));
  const children = [];
  try {
    return await launch(work, children);
  } catch (error) {
    // A half-started pair would keep the test process alive until ctest's timeout.
    for (const child of children) child.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

async function launch(work, children) {
  const fake = spawn(fakeBin, ['--lots', '10', '--rnu', '5', '--token', portalToken, '--port-file', path.join(work, 'ows-port')], {
    stdio: 'ignore',
  });
  children.push(fake);
  const owsPort = Number(await waitForFile(path.join(work, 'ows-port'), 30000, fake));
  const env = {
    ...process.env,
    ZAKUPAI_DATA_DIR: work,
    ZAKUPAI_LOG_LEVEL: 'warn',
    ZAKUPAI_SEMANTIC: 'off',
    ZAKUPAI_GOSZAKUP_URL: `http://127.0.0.1:${owsPort}`,
    ZAKUPAI_GOSZAKUP_TOKEN: portalToken,
    ZAKUPAI_GOSZAKUP_SYNC_INTERVAL_S: '0',
    ASAN_OPTIONS: 'detect_leaks=0',
  };
  execFileSync(bin, ['migrate'], { env, stdio: 'ignore' });
  const seeded = execFileSync(bin, ['seed-demo', '--if-empty', '--key-file', path.join(work, 'premium-key')], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lots = Number(seeded.match(/loaded (\d+) lots/)?.[1]);
  if (!(lots > 0)) throw new Error(`seed-demo said: ${seeded}`);
  const keys = {
    premium: fs.readFileSync(path.join(work, 'premium-key'), 'utf8').trim(),
    service: createKey(env, 'service'),
    free: createKey(env, 'free'),
  };
  const server = spawn(bin, ['serve', '--port', '0', '--port-file', path.join(work, 'port')], { env, stdio: 'ignore' });
  children.push(server);
  const base = `http://127.0.0.1:${Number(await waitForFile(path.join(work, 'port'), 60000, server))}`;
  const zakupai = {
    base,
    keys,
    work,
    owsBase: `http://127.0.0.1:${owsPort}`,
    async call(method, target, { key = keys.service, body, headers = {} } = {}) {
      const init = { method, headers: { 'X-API-Key': key, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
        if (!init.headers['Content-Type']) init.headers['Content-Type'] = 'application/json';
      }
      const answer = await fetch(base + target, init);
      const text = await answer.text();
      return { status: answer.status, json: parseJson(text), text, headers: answer.headers };
    },
    // Puts a BIN on the fake portal's unreliable suppliers register.
    async listInRnu(biin, name) {
      const answer = await fetch(`${this.owsBase}/__control/rnu`, {
        method: 'POST',
        body: JSON.stringify({ biin, name, start: '2026-03-01 00:00:00', end: '2028-03-01 00:00:00' }),
      });
      if (!answer.ok) throw new Error(`fake portal refused the RNU row: ${answer.status}`);
    },
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', resolve);
              child.kill('SIGTERM');
            }),
        ),
      );
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
  // The search index catches up with the database in the background, 2 000 lots at a time:
  // wait until it holds every demo lot (a search without words counts them all).
  for (let i = 0; i < 600; ++i) {
    const answer = await zakupai.call('GET', '/search/lots?limit=1');
    if (answer.status === 200 && answer.json.total_count >= lots) return zakupai;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the search index did not reach ${lots} lots within 60 s`);
}

// The documented operation a request lands on: method and path matched against the path
// templates of openapi.json (a template's {name} matches one path segment).
export function documentedOperation(method, pathname) {
  // A literal path (/calendar/working-days) wins over a template that also matches it
  // (/calendar/{year}), as in the server's router.
  const templates = Object.entries(openapi.paths).sort(([a], [b]) => a.split('{').length - b.split('{').length);
  for (const [template, item] of templates) {
    const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (!pattern.test(pathname)) continue;
    const op = item[method.toLowerCase()];
    if (op) return { template, method: method.toUpperCase(), op };
  }
  return undefined;
}

function parameters(op) {
  return (op.parameters ?? []).map((p) => (p.$ref ? openapi.components.parameters[p.$ref.split('/').pop()] : p));
}

// Problems with a request as it was sent: no documented operation for its method and path, a
// required query parameter or body property missing, a query parameter the API does not know.
export function requestProblems({ method, url, body }) {
  const parsed = new URL(url);
  const doc = documentedOperation(method, parsed.pathname);
  if (!doc) return [`${method} ${parsed.pathname} is not an operation in openapi.json`];
  const problems = [];
  const params = parameters(doc.op);
  for (const p of params.filter((x) => x.in === 'query')) {
    if (p.required && !parsed.searchParams.has(p.name)) problems.push(`query ${p.name} is required`);
  }
  for (const name of parsed.searchParams.keys()) {
    if (!params.some((p) => p.in === 'query' && p.name === name)) problems.push(`query ${name} is not documented`);
  }
  const schema = doc.op.requestBody?.content?.['application/json']?.schema;
  if (schema && typeof body === 'object' && body !== null && !(body instanceof Uint8Array)) {
    const branches = schema.oneOf ?? [schema];
    const fits = branches.some((b) => (b.required ?? []).every((name) => body[name] !== undefined && body[name] !== ''));
    if (!fits) problems.push(`the body lacks a required property of ${doc.template}: ${JSON.stringify(body)}`);
  }
  return problems;
}

// Top-level fields of an answer that the operation's 200 response does not document.
export function undocumentedFields(method, pathname, answer) {
  const doc = documentedOperation(method, pathname);
  const schema = doc?.op.responses?.['200']?.content?.['application/json']?.schema;
  if (!schema?.properties || typeof answer !== 'object' || answer === null) return [];
  return Object.keys(answer).filter((k) => !(k in schema.properties));
}
