// The browser suite of Attest: a person's path through the portal in headless Chromium,
// found by label, button text and heading; axe-core on every page; every page's HTML kept
// for the Nu Html Checker; screenshots at a phone and a desk viewport under target/e2e/.
//
// Run by tests/app/browser.rs with: BASE (portal URL), OUT (screenshot folder), PASSWORD
// (of every account), OFFICER (the station officer's email), ADMIN (the administrator's).
// Station staff must set up a second factor: its codes are computed here (RFC 6238 with
// Node's HMAC, independent of the portal's implementation) from the key the page shows.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const { BASE, OUT, PASSWORD, OFFICER, ADMIN, BULK_CSV, FIX_ID } = process.env;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
fs.mkdirSync(path.join(OUT, "html"), { recursive: true });

const problems = [];
const pagesChecked = new Set();
let shot = 0;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync"],
});

/** A new browser context (its own cookies) at a viewport. */
async function person(width = 1366, height = 768) {
  // A phone-sized person has a touch screen, as phones do.
  const touch = width < 600;
  const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true, locale: "zh-CN", hasTouch: touch, isMobile: touch });
  return context.newPage();
}

/** axe, the HTML for vnu, and a screenshot of the page as it is now. */
async function check(page, name) {
  const key = `${name}`;
  // Every page offers the language switch, named for people using a screen reader.
  const switches = await page.getByRole("link", { name: /^(Switch to English|切换到中文)$/ }).count();
  if (switches !== 1) problems.push(`${name}: no language switch`);
  // The HTML as the browser has it, before axe is added to the page.
  const html = await page.content();
  fs.writeFileSync(path.join(OUT, "html", `${String(++shot).padStart(2, "0")}-${key}.html`), html);
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  for (const v of result.violations) {
    problems.push(`axe ${name} (${page.url()}): ${v.id} — ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }
  const vp = page.viewportSize();
  await page.screenshot({ path: path.join(OUT, `${name}-${vp.width}x${vp.height}.png`), fullPage: true });
  pagesChecked.add(name);
}

/** Presses Tab (a few times at most: a date field has a stop per part) until `locator` has
 * the focus. */
async function tabTo(page, locator, what) {
  for (let i = 0; i < 6; i++) {
    if (await locator.evaluate((e) => e === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab does not reach ${what}`);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function heading(page, text) {
  await page.getByRole("heading", { name: text }).first().waitFor({ timeout: 5000 });
}

async function login(page, email) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel("电子邮箱").fill(email);
  await page.getByLabel("密码").fill(PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
}

/** The TOTP code (RFC 6238: HMAC-SHA-1, 30 s, 6 digits) of a base32 key, now. */
function totp(key) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0;
  const bytes = [];
  for (const c of key.replace(/[=\s]/g, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { bytes.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = crypto.createHmac("sha1", Buffer.from(bytes)).update(counter).digest();
  const at = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1000000).padStart(6, "0");
}

/** Staff after their first login: sent to set up the second factor; returns the recovery codes. */
async function setUpSecondFactor(page, name) {
  await heading(page, "两步验证");
  await check(page, `${name}-2fa-setup`);
  const key = await page.locator("#secret").innerText();
  await page.getByLabel(/^验证码/).fill("000000");
  await page.getByRole("button", { name: "确认开启" }).click();
  await page.locator("#code-error").waitFor();
  await check(page, `${name}-2fa-setup-errors`);
  await page.getByLabel(/^验证码/).fill(totp(key));
  await page.getByRole("button", { name: "确认开启" }).click();
  await page.locator("#recovery-codes").waitFor();
  await check(page, `${name}-2fa-codes`);
  return page.locator("#recovery-codes code").allInnerTexts();
}

async function logout(page) {
  await page.getByRole("button", { name: "退出登录" }).click();
  await heading(page, "居住证申领协助证明平台");
}

/** Registers a party through the sign-up form. */
async function register(page, kind, name, identifier, email) {
  await page.goto(`${BASE}/register`);
  await page.getByLabel("单位类型").selectOption({ label: kind });
  await page.getByLabel(/单位名称/).fill(name);
  await page.getByLabel(/统一社会信用代码/).fill(identifier);
  await page.getByLabel(/^地址/).fill("深圳市福田区福华路 1 号");
  await page.getByLabel("所属辖区派出所").selectOption({ label: "福田派出所 (440304-001)" });
  await page.getByLabel("联系人姓名").fill("张三");
  await page.getByLabel("联系电话").fill("0755-12345678");
  await page.getByLabel(/电子邮箱（用于登录/).fill(email);
  await page.getByLabel(/^密码（12/).fill(PASSWORD);
  await page.getByLabel("再次输入密码").fill(PASSWORD);
  await page.getByRole("button", { name: "提交注册" }).click();
}

let page;
try {
  // 1. The home page, and the language switch on it.
  page = await person();
  await page.goto(BASE);
  await heading(page, "居住证申领协助证明平台");
  await check(page, "home");
  await page.getByRole("link", { name: "Switch to English" }).click();
  await heading(page, "Residence Permit Attestation Portal");
  expect((await page.getAttribute("html", "lang")) === "en", "html lang is en after the switch");
  await check(page, "home-en");
  await page.getByRole("link", { name: "切换到中文" }).click();
  await heading(page, "居住证申领协助证明平台");

  // 2. An employer registers: first with a wrong credit code (the message beside the field),
  //    then right; it sees "pending".
  await register(page, "用人单位", "深圳市示例科技有限公司", "91350100M000100Y4Z", "hr@example.cn");
  await page.getByText("统一社会信用代码只能包含数字和大写字母").waitFor();
  expect((await page.getByLabel(/统一社会信用代码/).inputValue()) === "91350100M000100Y4Z", "input kept");
  await check(page, "register-errors");
  await register(page, "用人单位", "深圳市示例科技有限公司", "91350100M000100Y43", "hr@example.cn");
  await heading(page, "注册已提交");
  await check(page, "register-done");
  await login(page, "hr@example.cn");
  await page.getByText("待审核").first().waitFor();
  await check(page, "party-pending");
  await logout(page);

  // Every other kind registers too.
  const others = [
    ["房屋出租人", "李房东", "11010519491231002X", "landlord@example.cn"],
    ["学校", "深圳市示例中学", "12440300455000001D", "school@example.cn"],
    ["居民委员会", "福华社区居民委员会", "54440300MC0000001K", "rc@example.cn"],
    ["村民委员会", "下沙村民委员会", "54440300MC0000002N", "vc@example.cn"],
  ];
  for (const [kind, name, id, email] of others) {
    await register(page, kind, name, id, email);
    await heading(page, "注册已提交");
  }

  // 3. The officer approves them all.
  const officer = await person();
  await login(officer, OFFICER);
  const officerCodes = await setUpSecondFactor(officer, "officer");
  expect(officerCodes.length === 10, `ten recovery codes, not ${officerCodes.length}`);
  // At the next login the code is asked after the password (a recovery code here: the
  // app's code of this half-minute was used to set up, and codes work once).
  const desk = await person();
  await login(desk, OFFICER);
  await heading(desk, "输入验证码");
  await check(desk, "login-2fa");
  await desk.getByLabel(/^验证码/).fill("123456");
  await desk.getByRole("button", { name: "验证并登录" }).click();
  await desk.locator("#code-error").waitFor();
  await check(desk, "login-2fa-errors");
  await desk.getByLabel(/^验证码/).fill(officerCodes[0]);
  await desk.getByRole("button", { name: "验证并登录" }).click();
  await heading(desk, "辖区概况");
  await officer.goto(`${BASE}/station`);
  await heading(officer, "辖区概况");
  await check(officer, "station-dashboard");
  for (let i = 0; i < 5; i++) {
    await officer.goto(`${BASE}/station`);
    await officer.getByRole("link", { name: /^审核/ }).first().click();
    if (i === 0) await check(officer, "station-party");
    await officer.getByRole("button", { name: "审核通过" }).click();
    await officer.getByText("已通过").first().waitFor();
  }

  // 4. The employer issues a proof of employment with the keyboard alone.
  await login(page, "hr@example.cn");
  await page.getByText("已通过").first().waitFor();
  await check(page, "party-home");
  await page.getByRole("link", { name: "出具：在职证明" }).click();
  await heading(page, /在职证明/);
  await check(page, "issue-employment");
  await page.getByLabel("申请人姓名").focus();
  await page.keyboard.type("王五");
  await page.keyboard.press("Tab");
  await page.keyboard.type("440304199002151545");
  await page.keyboard.press("Tab");
  await page.keyboard.type("软件工程师");
  await page.keyboard.press("Tab");
  await page.keyboard.type("研发部");
  // The date picker and the list take their values as a person's keys would set them (their
  // key sequences depend on the browser's locale); every field is reached with Tab.
  await tabTo(page, page.getByLabel("入职日期"), "the date");
  await page.getByLabel("入职日期").fill("2023-03-01");
  await tabTo(page, page.getByLabel("劳动合同类型"), "the list");
  await page.getByLabel("劳动合同类型").selectOption({ label: "无固定期限" });
  // On through the rest of the form to the statement; Space ticks it, Enter submits.
  const statement = page.getByLabel("本单位（本人）承诺", { exact: false });
  for (let i = 0; i < 20 && !(await statement.evaluate((e) => e === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  expect(await statement.evaluate((e) => e === document.activeElement), "Tab reaches the statement");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  expect(await page.getByRole("button", { name: "签发证明" }).evaluate((e) => e === document.activeElement), "Tab reaches the button");
  await page.keyboard.press("Enter");
  await heading(page, /在职证明：王五/);
  await check(page, "attestation-detail");

  // 5. The link the QR code holds, shown on the detail page; then the print page.
  const scanned = await page.getByLabel("核验链接").inputValue();
  expect(scanned.startsWith(`${BASE}/verify#`), `a verify link: ${scanned}`);
  const detailUrl = page.url();
  await page.getByRole("link", { name: "打印证明" }).click();
  await heading(page, "在职证明");
  expect((await page.locator("figure.qr img").count()) === 1, "the QR code is on the print page");
  const code = (await page.locator(".code.big").textContent()).trim();
  expect(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/.test(code), `a code: ${code}`);
  await check(page, "print");
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: path.join(OUT, "print-media-a4.png"), fullPage: true });
  await page.emulateMedia({ media: "screen" });

  // 6. The officer "scans": a USB scanner types the whole URL into the field and presses Enter.
  await officer.goto(`${BASE}/verify`);
  await check(officer, "verify");
  await officer.getByLabel("二维码内容或核验码").fill(scanned);
  await officer.getByLabel("二维码内容或核验码").press("Enter");
  await heading(officer, "有效");
  await check(officer, "verify-valid");
  expect(await officer.evaluate(() => document.activeElement.id === "verify-input" && window.scrollY === 0),
    "at the desk the next scan has the focus and the verdict stays in view");
  // And the short code, typed.
  await officer.getByLabel("二维码内容或核验码").fill(code.toLowerCase());
  await officer.getByLabel("二维码内容或核验码").press("Enter");
  await heading(officer, "有效");

  // 6b. At the desk the officer flags the proof as suspect, then clears the flag; the
  // employer opens the renewal form (the same person, facts filled in).
  const id = detailUrl.split("/").pop();
  await officer.goto(`${BASE}/station/attestations/${id}`);
  await officer.getByLabel("存疑原因").fill("公章与备案不符");
  await officer.getByRole("button", { name: "标记为存疑并通知出具单位" }).click();
  await officer.getByRole("button", { name: "解除存疑，恢复有效" }).waitFor();
  await check(officer, "desk-suspect");
  await officer.getByLabel(/核查说明/).fill("经电话核实，公章已重新备案");
  await officer.getByRole("button", { name: "解除存疑，恢复有效" }).click();
  await officer.getByRole("button", { name: "标记为存疑并通知出具单位" }).waitFor();
  await page.goto(detailUrl);
  await page.getByRole("link", { name: "续开" }).click();
  await heading(page, /续开/);
  expect((await page.locator("#renew-subject").textContent()).trim() === "王五", "the same person");
  await check(page, "renew-form");
  await officer.goto(`${BASE}/verify`);

  // 7. The employer revokes; the same scan shows revoked.
  await page.goto(detailUrl);
  await page.getByRole("link", { name: "撤销证明" }).click();
  await check(page, "revoke-confirm");
  await page.getByRole("button", { name: "确认撤销" }).click();
  await page.locator("#reason_code-error").waitFor();
  await check(page, "revoke-errors");
  await page.getByLabel("终止原因").selectOption("left_job");
  await page.getByLabel(/说明/).fill("员工已离职");
  await page.getByRole("button", { name: "确认撤销" }).click();
  await page.getByText("已撤销").first().waitFor();
  await officer.getByLabel("二维码内容或核验码").fill(scanned);
  await officer.getByLabel("二维码内容或核验码").press("Enter");
  await heading(officer, "已撤销");
  await check(officer, "verify-revoked");

  // 8. Every other kind of proof, issued by its kind of party.
  await page.goto(`${BASE}/party/attestations`);
  await check(page, "attestation-list");
  await logout(page);
  const proofs = [
    ["landlord@example.cn", "出具：住宿证明", { "申请人姓名": "赵六", "公民身份号码": "440524199001010018", "居住地址（详细到门牌号、房间号）": "深圳市福田区福华路 1 号 301 室", "入住日期": "2025-06-01" }, ["居住依据", "房屋租赁"]],
    ["school@example.cn", "出具：在读证明", { "申请人姓名": "孙七", "公民身份号码": "310115200002296669", "学号": "2024001", "专业": "软件工程", "学历层次": "高中", "入学日期": "2024-09-01", "预计毕业日期": "2027-06-30" }, ["是否全日制", "是"]],
    ["rc@example.cn", "出具：居住证明", { "申请人姓名": "周八", "公民身份号码": "44030419900213645X", "居住地址（详细到门牌号、房间号）": "福华社区 3 栋 502", "入住日期": "2024-01-01" }, ["居住依据", "居（村）委会核实"]],
  ];
  for (const [email, link, fields, [selectLabel, option]] of proofs) {
    await login(page, email);
    await page.getByRole("link", { name: link }).click();
    for (const [label, value] of Object.entries(fields)) {
      await page.getByLabel(label).first().fill(value);
    }
    await page.getByLabel(selectLabel).selectOption({ label: option });
    await page.getByLabel("本单位（本人）承诺", { exact: false }).check();
    await page.getByRole("button", { name: "签发证明" }).click();
    await page.getByRole("link", { name: "打印证明" }).waitFor();
    await logout(page);
  }

  // 7b. The landlord forgot the password: asks for a link, reads the email, sets a new one.
  await page.goto(`${BASE}/login`);
  await page.getByRole("link", { name: "忘记密码？" }).click();
  await heading(page, "找回密码");
  await check(page, "forgot");
  await page.getByLabel("电子邮箱").fill("landlord@example.cn");
  await page.getByRole("button", { name: "发送链接" }).click();
  await page.locator("#sent").waitFor();
  await check(page, "forgot-sent");
  const resetLink = await mailedLink("/password/reset/");
  await page.goto(`${BASE}${resetLink}`);
  await heading(page, "设置新密码");
  await check(page, "reset");
  await page.getByLabel(/^新密码/).fill("short");
  await page.getByLabel("再次输入密码").fill("short");
  await page.getByRole("button", { name: "设置新密码" }).click();
  await page.locator("#password-error").waitFor();
  await check(page, "reset-errors");
  await page.getByLabel(/^新密码/).fill(PASSWORD);
  await page.getByLabel("再次输入密码").fill(PASSWORD);
  await page.getByRole("button", { name: "设置新密码" }).click();
  await page.locator("#reset-done").waitFor();
  await check(page, "login-after-reset");
  await page.goto(`${BASE}${resetLink}`);
  await page.locator("#dead").waitFor();
  await check(page, "reset-dead");

  // 8b. The landlord keeps the daily expiry reminder on, then renews a proof ticked in the
  //     list: nothing ticked is said beside the list; ticked, it becomes a batch of one.
  await login(page, "landlord@example.cn");
  await page.getByRole("link", { name: "设置" }).click();
  await heading(page, "设置");
  await check(page, "party-settings");
  await page.getByLabel("发送每日到期提醒").check();
  await page.getByRole("button", { name: "保存" }).click();
  await page.locator("#saved").waitFor();
  await check(page, "party-settings-saved");
  await page.goto(`${BASE}/party/attestations`);
  await page.getByRole("button", { name: "续开所选证明" }).click();
  await page.locator("#ids-error").waitFor();
  await check(page, "renew-many-errors");
  await page.getByLabel("选择：赵六").check();
  await page.getByRole("button", { name: "续开所选证明" }).click();
  await heading(page, /批量续开：住宿证明/);
  await check(page, "renew-batch");
  await page.getByLabel(/对以上每一份证明内容的真实性负责/).check();
  await page.getByRole("button", { name: "签发 1 份证明" }).click();
  await page.locator("#done-text").waitFor({ timeout: 60000 });
  await check(page, "renew-batch-done");
  await logout(page);

  // 8c. The landlord prints a request poster; two tenants fill in their own details on their
  //     phones (one mistyping the ID number first); the landlord accepts one, correcting the
  //     move-in date, and rejects the other with a reason; the first holds the proof.
  await login(page, "landlord@example.cn");
  await page.getByRole("link", { name: "申请", exact: true }).first().click();
  await heading(page, "申请人的申请");
  await check(page, "requests-empty");
  await page.getByRole("link", { name: "申请链接" }).click();
  await page.getByLabel(/^名称/).fill("福华路 1 号");
  await page.getByRole("button", { name: "创建链接" }).click();
  const requestUrl = await page.locator("input.link-url").first().inputValue();
  await check(page, "request-links");
  await page.getByRole("link", { name: "打印海报" }).first().click();
  await page.getByRole("img", { name: "申请链接的二维码" }).waitFor();
  await check(page, "request-poster");
  const tenants = [
    ["钱九", "440524199001010018", "qianjiu@example.cn"],
    ["吴十", "310115200002296669", "wushi@example.cn"],
  ];
  for (const [i, [name, id, email]] of tenants.entries()) {
    const tenant = await person(360, 740);
    await tenant.goto(requestUrl);
    await heading(tenant, /申请开具证明/);
    if (i === 0) await check(tenant, "request-form");
    await tenant.getByLabel("申请人姓名").fill(name);
    await tenant.getByLabel("公民身份号码").fill(i === 0 ? id.slice(0, 17) + "9" : id);
    await tenant.getByLabel(/^电子邮箱/).fill(email);
    await tenant.getByLabel("手机号码").fill("13912345678");
    await tenant.getByLabel("居住地址（详细到门牌号、房间号）").fill(`深圳市福田区福华路 1 号 30${i + 1} 室`);
    await tenant.getByLabel("入住日期").fill("2025-07-01");
    await tenant.getByLabel(/^我同意将以上信息/).check();
    await tenant.getByRole("button", { name: "提交申请" }).click();
    if (i === 0) {
      await tenant.locator("#subject_id_number-error").waitFor();
      expect((await tenant.getByLabel("申请人姓名").inputValue()) === name, "the name is kept");
      await check(tenant, "request-errors");
      await tenant.getByLabel("公民身份号码").fill(id);
      await tenant.getByRole("button", { name: "提交申请" }).click();
    }
    await heading(tenant, "申请已提交");
    if (i === 0) await check(tenant, "request-done");
    await tenant.context().close();
  }
  await page.goto(`${BASE}/party`);
  expect((await page.locator("#requests-waiting").innerText()).trim() === "2", "two requests waiting");
  await page.getByRole("link", { name: "申请", exact: true }).first().click();
  await check(page, "requests");
  await page.getByRole("row", { name: /钱九/ }).getByRole("link").click();
  await heading(page, /处理申请/);
  await check(page, "request-accept");
  await page.getByLabel("入住日期").fill("2025-06-15");
  await page.getByLabel("居住依据").selectOption({ label: "房屋租赁" });
  await page.getByLabel("本单位（本人）承诺", { exact: false }).check();
  await page.getByRole("button", { name: "签发证明" }).click();
  await page.getByRole("link", { name: "打印证明" }).waitFor();
  await page.getByRole("link", { name: "申请", exact: true }).first().click();
  await page.getByRole("row", { name: /吴十/ }).getByRole("link").click();
  await page.getByRole("button", { name: "拒绝并通知申请人" }).click();
  await page.locator("#reason-error").waitFor();
  await check(page, "request-reject-errors");
  await page.getByLabel("拒绝理由").fill("没有 302 室，请核对房号");
  await page.getByRole("button", { name: "拒绝并通知申请人" }).click();
  await page.locator("#no-requests").waitFor();
  await logout(page);
  const holder = await person(360, 740);
  await holder.goto(`${BASE}${await mailedLink("/my/", "qianjiu@example.cn")}`);
  await heading(holder, /我的证明/);
  expect((await holder.locator("#my-id").innerText()).includes("********"), "the ID number masked");
  await check(holder, "my-proof");
  await holder.getByLabel(/每次有人核验这份证明时发邮件告诉我/).check();
  await holder.getByRole("button", { name: "保存" }).click();
  await holder.locator("#notify:checked").waitFor();
  await holder.context().close();

  // 8d. At the station's desk: the officer types the applicant's ID number, then scans three
  //     proofs of that person one after another as a USB scanner does (the whole URL typed,
  //     then Enter); the checklist says what is missing; the one-time notice prints.
  await login(page, "landlord@example.cn");
  const proofLinks = new Set();
  for (const list of ["/party/attestations", "/party/attestations?status=superseded"]) {
    await page.goto(`${BASE}${list}`);
    for (const a of await page.locator("table a[href*='/party/attestations/']").all()) {
      if (/赵六|钱九/.test(await a.innerText())) proofLinks.add(await a.getAttribute("href"));
    }
  }
  expect(proofLinks.size >= 3, `three proofs of one person: ${[...proofLinks]}`);
  const scans = [];
  for (const href of [...proofLinks].slice(0, 3)) {
    await page.goto(`${BASE}${href}`);
    scans.push(await page.getByLabel("核验链接").inputValue());
  }
  await logout(page);
  await officer.goto(`${BASE}/station`);
  await officer.getByRole("link", { name: "受理申请", exact: true }).first().click();
  await heading(officer, "居住证受理申请");
  await officer.getByRole("link", { name: "受理新申请" }).click();
  await check(officer, "application-new");
  await officer.getByLabel(/^申请人公民身份号码/).fill("440524199001010018");
  await officer.getByLabel(/^申请受理编号/).fill("FT-2026-0100");
  await officer.getByLabel(/^经办民警警号/).fill("012345");
  await officer.getByRole("button", { name: "受理并扫描证明" }).click();
  await heading(officer, /受理申请 FT-2026-0100/);
  for (const [i, url] of scans.entries()) {
    const focused = await officer
      .waitForFunction(() => document.activeElement && document.activeElement.id === "scan-input", null, { timeout: 5000 })
      .then(() => true, () => false);
    expect(focused, `the scan field has the focus (scan ${i + 1})`);
    await officer.keyboard.type(url);
    await officer.keyboard.press("Enter");
    await officer.locator("#proofs tbody tr").nth(i).waitFor();
  }
  expect((await officer.locator("#proofs tbody tr").count()) === 3, "three proofs in the application");
  expect((await officer.locator("#line-residence").getAttribute("data-state")) === "met", "residence met");
  expect((await officer.locator("#line-identity_card").getAttribute("data-state")) === "missing", "the card not yet seen");
  await check(officer, "application");
  await officer.getByRole("button", { name: "出具一次性告知书" }).click();
  await heading(officer, "一次性告知书");
  expect((await officer.locator("ol.notice-items li").count()) >= 1, "the notice lists what is missing");
  await check(officer, "application-notice");
  await officer.emulateMedia({ media: "print" });
  await officer.screenshot({ path: path.join(OUT, "notice-print-a4.png"), fullPage: true });
  await officer.emulateMedia({ media: "screen" });
  await officer.getByRole("link", { name: "返回申请" }).click();
  for (const box of [/居民身份证原件/, /本人近期照片/, /本人签名的申领/]) {
    await officer.getByLabel(box).check();
  }
  await officer.getByRole("button", { name: "保存确认项" }).click();
  expect((await officer.locator("#application-state").innerText()).trim() === "条件具备", "the conditions are met");
  await officer.goto(`${BASE}/station`);
  await officer.locator("#chart-issued svg").waitFor();
  await check(officer, "station-dashboard-chart");

  // 9. The employer issues in bulk: a GBK file of 3,000 employees as Chinese Excel saves it,
  //    two rows flagged and fixed, the progress bar, one PDF with every proof.
  await login(page, "hr@example.cn");
  await page.getByRole("link", { name: "批量出具（CSV）" }).first().click();
  await heading(page, "批量出具（CSV 文件）");
  await check(page, "bulk-upload");
  const [template] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "下载模板：在职证明" }).click(),
  ]);
  const templateBytes = fs.readFileSync(await template.path());
  expect(templateBytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), "the template starts with a BOM");
  expect(templateBytes.toString("utf8").includes("姓名,公民身份号码,职务"), "the template's header");
  await page.getByLabel(/^证明类型/).selectOption({ label: "在职证明" });
  await page.getByLabel("CSV 文件").setInputFiles(BULK_CSV);
  await page.getByRole("button", { name: "上传并检查" }).click();
  await heading(page, "批量出具：在职证明");
  expect((await page.locator("#valid-count").textContent()) === "2998", "2,998 rows ready");
  expect((await page.locator("#error-count").textContent()) === "2", "2 rows flagged");
  await check(page, "bulk-preview");
  await page.getByRole("link", { name: "修改 行号 101" }).click();
  await check(page, "bulk-row");
  await page.getByLabel(/^公民身份号码/).fill(FIX_ID);
  await page.getByRole("button", { name: "保存此行" }).click();
  await heading(page, "批量出具：在职证明");
  await page.getByRole("link", { name: "修改 行号 2001" }).click();
  await page.getByLabel(/^入职日期/).fill("2021-03-01");
  await page.getByRole("button", { name: "保存此行" }).click();
  await heading(page, "批量出具：在职证明");
  expect((await page.locator("#valid-count").textContent()) === "3000", "every row ready");
  await page.getByLabel(/对以上每一份证明内容的真实性负责/).check();
  await page.getByRole("button", { name: "签发 3000 份证明" }).click();
  // The bar moves while it works (or the batch was already done when the page came).
  const seen = [];
  const batchUrl = page.url();
  const until = Date.now() + 120000;
  while (!(await page.locator("#done-text").count())) {
    const bar = page.locator("#bulk-progress");
    // The page reloads itself when the batch is done: the bar may be gone by the time it is read.
    const value = (await bar.count()) ? await bar.getAttribute("value", { timeout: 2000 }).catch(() => null) : null;
    if (value !== null) seen.push(Number(value));
    if (Date.now() > until) {
      const progress = await page.evaluate(async (u) => (await fetch(`${u}/progress`)).text(), batchUrl);
      throw new Error(`the batch is not done after 2 minutes: ${progress}; bar ${seen.slice(-5).join(",")}`);
    }
    await page.waitForTimeout(100);
  }
  console.log(`progress bar values seen: ${seen.join(", ")}`);
  await check(page, "bulk-done");
  const [pdf] = await Promise.all([
    page.waitForEvent("download", { timeout: 120000 }),
    page.getByRole("link", { name: "下载全部证明（PDF）" }).click(),
  ]);
  await pdf.saveAs(path.join(OUT, "bulk.pdf"));
  await logout(page);

  // 9b. The HR owner invites a clerk, who sets a password from the emailed link; the owner
  //     has a page to change their own password.
  await login(page, "hr@example.cn");
  await page.getByRole("link", { name: "团队" }).click();
  await heading(page, "团队成员");
  await check(page, "team");
  await page.getByLabel("电子邮箱").fill("clerk@example.cn");
  await page.getByRole("button", { name: "发送邀请" }).click();
  await page.locator("#party_role-error").waitFor();
  await check(page, "team-errors");
  await page.locator("#party_role").selectOption("clerk");
  await page.getByRole("button", { name: "发送邀请" }).click();
  await page.locator("#invitations").waitFor();
  await check(page, "team-invited");
  await page.getByRole("link", { name: "单位信息" }).click();
  await heading(page, "单位信息");
  await page.getByLabel(/^联系电话/).fill("12");
  await page.getByRole("button", { name: "保存" }).click();
  await page.locator("#contact_phone-error").waitFor();
  await check(page, "party-details-errors");
  await page.getByLabel(/^联系电话/).fill("13900139000");
  await page.getByRole("button", { name: "保存" }).click();
  await page.locator("#saved").waitFor();
  await check(page, "party-details-saved");
  // The company is renamed: a request the officer approves.
  await page.getByLabel(/^单位名称/).fill("深圳市新名科技有限公司");
  await page.getByRole("button", { name: "提交变更申请" }).click();
  await page.locator("#requested").waitFor();
  await check(page, "party-details-requested");
  await officer.goto(`${BASE}/station`);
  await officer.locator("#changes a").click();
  await officer.locator("#change-legal-name").waitFor();
  await check(officer, "station-party-change");
  await officer.getByRole("button", { name: "通过变更" }).click();
  await heading(officer, "深圳市新名科技有限公司");
  await page.goto(`${BASE}/account/password`);
  await heading(page, "修改密码");
  await check(page, "account-password");
  await page.getByLabel("当前密码").fill("wrong-password-0");
  await page.getByLabel(/^新密码/).fill("amber-meadow-compass-77");
  await page.getByLabel("再次输入密码").fill("amber-meadow-compass-77");
  await page.getByRole("button", { name: "修改密码" }).click();
  await page.locator("#current_password-error").waitFor();
  await check(page, "account-password-errors");
  await logout(page);
  const invitation = await mailedLink("/invitations/");
  await page.goto(`${BASE}${invitation}`);
  await heading(page, "加入单位");
  await check(page, "invitation");
  await page.getByLabel(/^密码/).fill("amber-meadow-compass-77");
  await page.getByLabel("再次输入密码").fill("amber-meadow-compass-77");
  await page.getByRole("button", { name: "设置密码并加入" }).click();
  await page.locator("#joined").waitFor();
  await check(page, "login-joined");
  await page.goto(`${BASE}${invitation}`);
  await page.locator("#dead").waitFor();
  await check(page, "invitation-dead");

  // 9c. The administrator adds a station admin; the station admin's staff page.
  const admin = await person();
  await login(admin, ADMIN);
  await setUpSecondFactor(admin, "admin");
  await admin.goto(`${BASE}/admin/stations`);
  await heading(admin, "派出所管理");
  await admin.getByRole("button", { name: "新增派出所" }).click();
  await admin.locator("#code-error").waitFor();
  await check(admin, "admin-stations-errors");
  await admin.locator("#code").fill("440305-002");
  await admin.locator("#name").fill("南园派出所");
  await admin.locator("#email").fill("nanyuan@example.cn");
  await admin.getByRole("button", { name: "新增派出所" }).click();
  await admin.locator("#station-440305-002").waitFor();
  await check(admin, "admin-stations");
  await admin.goto(`${BASE}/admin/staff`);
  await heading(admin, "人员管理");
  await admin.getByRole("button", { name: "新增工作人员" }).click();
  await admin.locator("#role-error").waitFor();
  await check(admin, "admin-staff-errors");
  await admin.locator("#email").fill("chief@example.cn");
  await admin.locator("#role").selectOption("station_admin");
  await admin.locator("#station").selectOption("440304-001");
  await admin.getByRole("button", { name: "新增工作人员" }).click();
  await admin.locator("#added").waitFor();
  await check(admin, "admin-staff");
  const chiefLink = await mailedLink("/password/reset/", "chief@example.cn");
  const chief = await person();
  await chief.goto(`${BASE}${chiefLink}`);
  await chief.getByLabel(/^新密码/).fill(PASSWORD);
  await chief.getByLabel("再次输入密码").fill(PASSWORD);
  await chief.getByRole("button", { name: "设置新密码" }).click();
  await chief.locator("#reset-done").waitFor();
  await login(chief, "chief@example.cn");
  await setUpSecondFactor(chief, "station-admin");
  await chief.goto(`${BASE}/admin/staff`);
  await heading(chief, "人员管理");
  await check(chief, "station-admin-staff");

  // 10. The key pages on a phone, in both languages.
  const phone = await person(360, 740);
  await phone.goto(BASE);
  await check(phone, "home");
  await phone.goto(`${BASE}/register`);
  await check(phone, "register");
  // A phone that scans the printed QR code sees the verdict, not an empty field below it.
  await phone.goto(scanned);
  await heading(phone, "已撤销");
  expect(await phone.locator(".verdict-status").evaluate((e) => {
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && document.activeElement.id !== "verify-input";
  }), "on a phone the verdict is in view after a scan");
  await login(phone, "hr@example.cn");
  await phone.goto(`${BASE}/party/attestations`);
  await check(phone, "attestation-list");
  // 3,000 newer proofs came from the batch: the search finds the first one.
  await phone.getByLabel("按姓名或核验码查找").fill("王五");
  await phone.getByRole("button", { name: "筛选" }).click();
  await phone.getByRole("link", { name: "王五" }).first().click();
  await phone.getByRole("link", { name: "打印证明" }).click();
  await check(phone, "print");
  await phone.getByRole("link", { name: "English" }).click();
  await phone.getByRole("heading", { name: "Proof of employment" }).waitFor();
  await check(phone, "print-en");
  await phone.goto(`${BASE}/verify`);
  await check(phone, "verify-en");
  // The offline verifier, with a verdict (its own suite cuts the connection).
  await phone.goto(`${BASE}/verify/offline`);
  await phone.waitForSelector("#offline[data-ready=true]");
  await phone.fill("#offline-input", scanned);
  await phone.press("#offline-input", "Enter");
  await phone.waitForSelector("#offline-result[data-status]");
  await check(phone, "verify-offline-en");
  await logout_en(phone);
  await check(phone, "home-en");
} catch (error) {
  problems.push(`flow: ${error.message}`);
  if (page) await page.screenshot({ path: path.join(OUT, "failure.png"), fullPage: true }).catch(() => {});
}

/** The first link with `prefix` in the emails the portal wrote (`.eml` files in MAIL_DIR). */
async function mailedLink(prefix, to) {
  const until = Date.now() + 20000;
  while (Date.now() < until) {
    for (const f of fs.readdirSync(process.env.MAIL_DIR).filter((f) => f.endsWith(".eml"))) {
      const raw = fs.readFileSync(path.join(process.env.MAIL_DIR, f), "utf8");
      if (to && !raw.includes(`To: ${to}`)) continue;
      const text = decodeEml(raw);
      const at = text.indexOf(prefix);
      if (at >= 0) return text.slice(at).split(/[\s"<]/)[0];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no email with ${prefix}`);
}

/** The parts of an email, each decoded from base64 or quoted-printable. */
function decodeEml(raw) {
  return raw
    .split(/\r?\n--/)
    .map((part) => {
      const [head, ...rest] = part.split(/\r?\n\r?\n/);
      const body = rest.join("\n\n");
      if (/Content-Transfer-Encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s/g, ""), "base64").toString("utf8");
      if (/Content-Transfer-Encoding:\s*quoted-printable/i.test(head)) {
        const bytes = body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
        return Buffer.from(bytes, "latin1").toString("utf8");
      }
      return body;
    })
    .join("\n");
}

async function logout_en(p) {
  await p.getByRole("button", { name: "Log out" }).click();
}

await browser.close();

// 11. The Nu Html Checker over every page kept.
const files = fs.readdirSync(path.join(OUT, "html")).map((f) => path.join(OUT, "html", f));
try {
  execFileSync("java", ["-jar", require.resolve("vnu-jar/build/dist/vnu.jar"), "--errors-only", "--format", "text", ...files], { stdio: "pipe" });
} catch (error) {
  problems.push(`vnu: ${String(error.stderr || error.stdout || error.message)}`);
}

console.log(`pages checked: ${pagesChecked.size}; html files: ${files.length}`);
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("browser suite: no problem found");
