// The web panel in a real browser: Debian's chromium driven headless by playwright-core (it
// never downloads a browser). Starts the zakupai binary on a free port with the demo data set,
// logs in with the demo key and walks a supplier's day. Screenshots go to ZAKUPAI_ARTIFACTS.
//   ZAKUPAI_BIN=build/debug/zakupai node --test web/tests/
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const bin = path.resolve(process.env.ZAKUPAI_BIN ?? "build/debug/zakupai");
const artifacts = path.resolve(process.env.ZAKUPAI_ARTIFACTS ?? "build/web-artifacts");
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "zakupai-web-"));
const env = { ...process.env, ZAKUPAI_DATA_DIR: work, ZAKUPAI_LOG_LEVEL: "warn", ZAKUPAI_SEMANTIC: "off",
              ASAN_OPTIONS: "detect_leaks=0" };
let server;
let base;
let portNumber = 0;
let key;
let demoLots;
let browser;

async function waitForFile(file, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8").trim()) return fs.readFileSync(file, "utf8").trim();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${file} did not appear`);
}

async function startServer() {
  const portFile = path.join(work, "port");
  fs.rmSync(portFile, { force: true });
  server = spawn(bin, ["serve", "--port", String(portNumber), "--port-file", portFile], { env, stdio: "ignore" });
  portNumber = Number(await waitForFile(portFile, 60000));
  base = `http://127.0.0.1:${portNumber}`;
  // The search index catches up with the database in the background, 2 000 lots at a time:
  // wait until it holds every demo lot (a search without words counts them all), so counts and
  // facets on the pages are those of the whole data set.
  for (let i = 0; i < 600; ++i) {
    const answer = await fetch(`${base}/search/lots?limit=1`, { headers: { "X-API-Key": key } });
    if (answer.ok && (await answer.json()).total_count >= demoLots) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the search index did not reach ${demoLots} lots within 60 s`);
}

async function stopServer() {
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
}

before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  execFileSync(bin, ["migrate"], { env, stdio: "ignore" });
  const seeded = execFileSync(bin, ["seed-demo", "--if-empty", "--key-file", path.join(work, "key")],
                              { env, encoding: "utf8" });
  demoLots = Number(seeded.match(/loaded (\d+) lots/)?.[1]);
  assert.ok(demoLots > 0, `seed-demo said: ${seeded}`);
  key = fs.readFileSync(path.join(work, "key"), "utf8").trim();
  await startServer();
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  fs.rmSync(work, { recursive: true, force: true });
});

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

// A new browser context logged in with the demo key; every page's console errors are collected
// (a CSP violation shows up there).
async function login(options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on("console", (m) => { if (m.type() === "error") page.errors.push(m.text()); });
  await page.goto(`${base}/app/search`);
  assert.match(page.url(), /\/login\?next=/);
  await page.getByLabel("API-ключ").fill(key);
  await page.getByRole("button", { name: "Войти" }).click();
  await page.waitForURL(/\/app\/search$/);
  return { context, page };
}

test("a wrong key is refused by name, the right one opens the search page", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel("API-ключ").fill("zk_wrong_key_0123456789abcdef");
  await page.getByRole("button", { name: "Войти" }).click();
  await assert.doesNotReject(page.getByText("Ключ не принят: invalid API key").waitFor());
  await shot(page, "login-refused");
  await context.close();
  const { context: c2, page: p2 } = await login();
  assert.equal(await p2.getByRole("heading", { level: 1 }).textContent(), "Поиск лотов");
  const cookies = await c2.cookies();
  const session = cookies.find((c) => c.name === "zk_session");
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Lax");
  await c2.close();
});

test("search: autocomplete from the second letter, a filter, an exclusion word, facets and paging in the URL", async () => {
  const { context, page } = await login();
  await page.getByLabel("Что ищете").pressSequentially("бу", { delay: 50 });
  await page.waitForFunction(() => document.querySelectorAll("#suggestions option").length > 0);
  const suggestion = await page.locator("#suggestions option").first().getAttribute("value");
  assert.equal(suggestion, "Бумага офисная А4, 80 г/м2");
  await page.getByLabel("Что ищете").fill("бумага -картридж");
  await page.getByLabel("Способ закупки").selectOption("eshop");
  await page.getByRole("button", { name: "Найти" }).click();
  await page.waitForURL(/method=eshop/);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("q"), "бумага -картридж");
  const total = Number(await page.locator("#total b").textContent());
  assert.ok(total > 0, "some eshop paper lots");
  const titles = await page.locator("#results li > a").allTextContents();
  assert.ok(titles.length > 0 && titles.length <= 20);
  for (const t of titles) assert.doesNotMatch(t.toLowerCase(), /картридж/);
  assert.ok(await page.locator(".facets a.active").count() >= 1, "the method facet is marked");
  await shot(page, "search");
  // The same URL in another tab gives the same page: the search is in the address.
  const again = await context.newPage();
  await again.goto(page.url());
  assert.equal(await again.locator("#total b").textContent(), String(total));
  // A bad amount is named, not a crash.
  await again.goto(`${base}/app/search?q=бумага&min_amount=много`);
  assert.match(await again.locator("#problems").textContent(), /min_amount/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("lot page: flags with evidence, the bid card for a price, the complaint PDF, a question", async () => {
  const { context, page } = await login();
  await page.goto(`${base}/app/search?q=бумага`);
  await page.locator("#results li > a").first().click();
  await page.waitForURL(/\/app\/lots\/\d+$/);
  const id = page.url().match(/lots\/(\d+)/)[1];
  assert.match(await page.locator("#lot-title").textContent(), new RegExp(`Лот ${id}:`));
  assert.match(await page.locator("#risk").textContent(), /\/ 100/);
  const flags = page.locator("#risk .flag");
  for (let i = 0; i < await flags.count(); ++i) {
    const text = await flags.nth(i).textContent();
    assert.match(text, /Порог/);
    assert.match(text, /Основание/);
  }
  await page.getByLabel("Ваша цена, ₸").fill("500000");
  await page.getByLabel("Ваша себестоимость, ₸").fill("400000");
  await page.getByRole("button", { name: "Посчитать" }).click();
  await page.waitForURL(/price=500000/);
  assert.match(await page.locator("#vat").textContent(), /68\s965,52\s₸/);  // 500 000 × 16/116
  assert.ok(await page.locator("#profit").count() === 1);
  await shot(page, "lot");
  await page.getByLabel("Суть нарушения (для жалобы)").fill("Заказчик отклонил заявку без оснований, указанных в протоколе");
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#complaint-pdf").click()]);
  const pdf = path.join(work, "complaint.pdf");
  await download.saveAs(pdf);
  const text = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" });
  assert.match(text, /ЖАЛОБА|Жалоба/);
  assert.match(text, /без оснований/);
  // A letter about the lot: the form comes filled from the lot; a missing field is named.
  await page.goto(`${base}/app/lots/${id}`);
  await page.locator("#letters a", { hasText: "Запрос на разъяснение" }).click();
  assert.ok((await page.getByLabel("Заказчик *").inputValue()).length > 0, "customer filled from the lot");
  await page.getByLabel("Поставщик (ваша организация) *").fill("ТОО «Ромашка»");
  await page.getByLabel("БИН поставщика *").fill("031040621944");
  await page.getByLabel("Номер объявления *").fill("15234567-1");
  await page.getByLabel("Вопросы *").fill("Допускается ли эквивалент?\nКакой срок поставки?");
  await page.getByLabel("Подписант (Ф. И. О.) *").fill("Иванов И. И.");
  const [letter] = await Promise.all([page.waitForEvent("download"), page.locator("#letter-pdf").click()]);
  const letterPdf = path.join(work, "letter.pdf");
  await letter.saveAs(letterPdf);
  const letterText = execFileSync("pdftotext", [letterPdf, "-"], { encoding: "utf8" });
  assert.match(letterText, /Ромашка/);
  assert.match(letterText, /Допускается ли эквивалент/);
  const missing = await page.request.get(`${base}/app/lots/${id}/letters/clarification_request.pdf?supplier_name=x`);
  assert.equal(missing.status(), 422);
  assert.match(await missing.text(), /БИН поставщика/);
  await page.goto(`${base}/app/lots/${id}`);
  await page.getByLabel("Спросить об этом лоте").fill("Какое обеспечение заявки?");
  await page.locator("#ask").click();
  await page.locator("#answer-text").waitFor();
  assert.ok((await page.locator("#answer-text").textContent()).length > 10);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("prices: an upload with bad rows shows each row's line, column and reason; history keeps it", async () => {
  const { context, page } = await login();
  await page.goto(`${base}/app/prices`);
  const csv = "sku;name;price;unit\nA1;Бумага офисная А4;1 250,00;пачка\nA2;Ручка шариковая;дёшево;шт\nA3;Папка;;шт\n";
  await page.getByLabel("Загрузить CSV или XLSX").setInputFiles({ name: "prices.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.locator("#upload").click();
  await page.locator("#upload-report").waitFor();
  assert.equal(await page.locator("#rows-accepted").textContent(), "1");
  assert.equal(await page.locator("#rows-rejected").textContent(), "2");
  const rows = await page.locator("#row-errors tbody tr").allTextContents();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /price/);
  assert.match(await page.locator("#upload-history").textContent(), /prices\.csv/);
  await shot(page, "prices");
  await context.close();
});

test("save a search, see it in the account, switch to Kazakh, and the phone width", async () => {
  const { context, page } = await login({ viewport: { width: 375, height: 740 } });
  await page.goto(`${base}/app/search?q=бумага&method=eshop`);
  await page.getByLabel("Название").fill("Бумага в магазине");
  await page.locator("#save-search").click();
  await page.locator("#saved-notice").waitFor();
  await page.goto(`${base}/app/account`);
  assert.match(await page.locator("#saved-searches").textContent(), /Бумага в магазине/);
  await page.waitForFunction(() => document.getElementById("usage-chart").dataset.drawn === "true");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 375 px (overflow ${overflow})`);
  await shot(page, "account-375");
  await page.locator("#switch-lang").click();
  await page.waitForURL(/\/app\/account$/);
  assert.equal(await page.locator("html").getAttribute("lang"), "kk");
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Кабинет");
  await page.goto(`${base}/app/search`);
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Лоттарды іздеу");
  await shot(page, "search-kk-375");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a form posted without its CSRF token is refused; log out ends the session", async () => {
  const { context, page } = await login();
  const refused = await page.request.post(`${base}/app/searches`, { form: { name: "x", query: "q=бумага" } });
  assert.equal(refused.status(), 403);
  assert.match(await refused.text(), /Форма устарела/);
  const headers = refused.headers();
  assert.match(headers["content-security-policy"], /frame-ancestors 'none'/);
  assert.match(headers["content-security-policy"], /script-src 'self';/);
  assert.equal(headers["x-content-type-options"], "nosniff");
  await page.goto(`${base}/app/account`);
  await page.locator("#logout").click();
  await page.waitForURL(/\/login$/);
  await page.goto(`${base}/app/account`);
  assert.match(page.url(), /\/login\?next=/);
  await context.close();
});

test("/docs is Swagger UI on /openapi.json, served from the binary", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const outside = [];
  page.on("request", (r) => { if (!r.url().startsWith(base)) outside.push(r.url()); });
  await page.goto(`${base}/docs`);
  await page.locator(".swagger-ui .info .title").waitFor();
  assert.match(await page.locator(".swagger-ui .info .title").textContent(), /ZakupAI/);
  assert.deepEqual(outside, []);
  await shot(page, "docs");
  await context.close();
});

test("customer and supplier pages: lots, risk distribution and spending drawn as charts; a bad BIN is named", async () => {
  const { context, page } = await login();
  await page.goto(`${base}/app/search?q=бумага`);
  await page.locator("#results li > a").first().click();
  await page.locator("#customer-link").click();
  await page.waitForURL(/\/app\/customers\/\d{12}$/);
  assert.match(await page.locator("#party-title").textContent(), /Заказчик: .+ \(\d{12}\)/);
  assert.ok(Number(await page.locator("#lots-total").textContent()) > 0);
  assert.ok(await page.locator("#results li").count() > 0);
  await page.waitForFunction(() => document.getElementById("spending-chart").dataset.drawn === "true");
  await page.waitForFunction(() => document.getElementById("risk-chart").dataset.drawn === "true");
  await shot(page, "customer");
  await page.goto(`${base}/app/suppliers/123456789012`);
  assert.match(await page.locator("#error-message").textContent(), /12 цифр/);
  assert.deepEqual(page.errors.filter((e) => !/status of 422/.test(e)), []);
  await context.close();
});

test("alert me needs the user's chat with the bot and says so", async () => {
  const { context, page } = await login();
  await page.goto(`${base}/app/search?q=бумага&status=published`);
  await page.locator("#alert-me").click();
  assert.match(await page.locator("#error-message").textContent(), /\/start/);
  await context.close();
});

test("a session survives a restart of the server", async () => {
  const { context, page } = await login();
  await stopServer();
  await startServer();
  await page.goto(`${base}/app/account`);
  assert.match(page.url(), /\/app\/account$/);
  assert.equal(await page.locator("#plan").textContent(), "premium");
  await context.close();
});
