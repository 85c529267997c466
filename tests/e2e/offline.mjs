// The offline verifier in headless Chromium with its connection cut (Playwright's
// context.setOffline): the page is opened once online, its service worker keeps it, then
// every check runs offline. Prints one line per finding and "no problem found" at the end.
//
// Run by tests/app/offline.rs with BASE, OUT, and the tokens VALID, ENDED (ended before the
// lists were kept), TAMPERED (one byte of the signature changed), CODE (a short code) and
// SCANNED (the valid proof's QR content: its verify URL, the token compressed).
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

const { BASE, OUT, VALID, ENDED, TAMPERED, CODE, SCANNED } = process.env;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
fs.mkdirSync(OUT, { recursive: true });
const problems = [];
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});

// The portal's own CSP applies: the worker and WebCrypto must work under it.
const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
const page = await context.newPage();
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
await page.goto(`${BASE}/verify/offline`);
await page.waitForSelector("#offline[data-ready=true]");
await page.evaluate(async () => { await navigator.serviceWorker.ready; });
// Kept: the page, its scripts, the keys and the list.
const keptPaths = await page.evaluate(async () => {
  const names = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) names.push(new URL(request.url).pathname);
  }
  return names;
});
for (const p of ["/verify/offline", "/static/offline.js", "/.well-known/jwks.json", "/statuslists"]) {
  if (!keptPaths.includes(p)) problems.push(`not kept: ${p} (kept: ${keptPaths.join(", ")})`);
}
if (!keptPaths.some((p) => p.startsWith("/statuslists/"))) problems.push("no status list kept");

await context.setOffline(true);
await page.reload();
await page.waitForSelector("#offline[data-ready=true]");
const listsLine = await page.locator("#offline-lists").innerText();
if (!/已保存 1 份状态列表/.test(listsLine) || !/当前没有网络/.test(listsLine)) problems.push(`lists line offline: ${listsLine}`);

async function verdictOf(p, input) {
  await p.evaluate(() => document.querySelector("#offline-result").removeAttribute("data-status"));
  await p.fill("#offline-input", input);
  await p.press("#offline-input", "Enter");
  await p.waitForSelector("#offline-result[data-status]");
  const result = p.locator("#offline-result");
  return { status: await result.getAttribute("data-status"), text: await result.innerText() };
}

const expectations = [
  ["valid", VALID, "valid", /有效/],
  ["ended", ENDED, "revoked", /已撤销/],
  ["tampered", TAMPERED, "invalid", /签名/],
  ["code", CODE, "code", /需要联网/],
];
for (const [name, input, status, words] of expectations) {
  const got = await verdictOf(page, input);
  if (got.status !== status) problems.push(`${name}: ${got.status}, expected ${status}: ${got.text}`);
  if (!words.test(got.text)) problems.push(`${name}: the panel does not say ${words}: ${got.text}`);
  if (name !== "code" && name !== "tampered" && !/离线核验/.test(got.text)) problems.push(`${name}: not marked 离线核验`);
  await page.screenshot({ path: path.join(OUT, `offline-${name}.png`), fullPage: true });
}
const validText = (await verdictOf(page, VALID)).text;
if (!/440304\*{8}/.test(validText)) problems.push(`the valid verdict does not show the masked ID: ${validText}`);
if (/签发于 .* 前/.test(validText) === false) problems.push(`no list age in the verdict: ${validText}`);

// A phone scanning a printed QR code while offline: /verify#token opens the offline
// verifier, whose verdict is in view.
const phone = await context.newPage();
await phone.setViewportSize({ width: 360, height: 740 });
await phone.goto(SCANNED);
await phone.waitForSelector("#offline-result[data-status]");
const phoneStatus = await phone.locator("#offline-result").getAttribute("data-status");
if (phoneStatus !== "valid") problems.push(`phone offline scan: ${phoneStatus}`);
const box = await phone.locator("#offline-result .verdict-status").boundingBox();
const scroll = await phone.evaluate(() => window.scrollY);
if (!box || box.y < 0 || box.y + box.height > 740) problems.push(`phone: the verdict is not in view (${JSON.stringify(box)}, scrollY ${scroll})`);
await phone.screenshot({ path: path.join(OUT, "offline-phone-360x740.png") });

// Past the list's ttl (300 s), the page says so plainly.
await page.clock.setSystemTime(new Date(Date.now() + 10 * 60 * 1000));
await page.reload();
await page.waitForSelector("#offline[data-ready=true]");
const stale = await page.locator("#offline-lists").innerText();
if (!/已超过其 300 秒的更新期限/.test(stale)) problems.push(`no stale warning past the ttl: ${stale}`);
const staleVerdict = await verdictOf(page, VALID);
if (!/已超过其 300 秒的更新期限/.test(staleVerdict.text)) problems.push(`no stale warning in the verdict: ${staleVerdict.text}`);
await page.screenshot({ path: path.join(OUT, "offline-stale.png"), fullPage: true });

await browser.close();
for (const p of problems) console.log(`problem: ${p}`);
if (problems.length) process.exit(1);
console.log("no problem found");
