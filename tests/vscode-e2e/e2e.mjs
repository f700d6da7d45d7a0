// End-to-end test of the packaged keyward extension inside real VS Code (code-server), driven
// through headless Chromium with playwright-core. Run by tests/vscode_e2e.rs, which passes:
//   CODE_SERVER  code-server's entry script (run with NODE)
//   NODE         a Node.js that code-server supports (24)
//   VSIX         the packaged extension
//   KEYWARD_BIN  the keyward binary (put on the extension host's PATH, never set as keyward.path)
//   CHROMIUM     the browser; OUT_DIR for screenshots (kept as CI artifacts, not committed)
//   BAO          OpenBao's `bao`, for the "Move to Vault" scenario against a real dev server
// Exits non-zero with a message on the first failed check.
import { spawn, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as net from "node:net";
import * as zlib from "node:zlib";
import { chromium } from "playwright-core";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const CODE_SERVER = env("CODE_SERVER");
const NODE = env("NODE");
const VSIX = env("VSIX");
const KEYWARD_BIN = env("KEYWARD_BIN");
const CHROMIUM = env("CHROMIUM");
const OUT_DIR = env("OUT_DIR");
const BAO = env("BAO");
fs.mkdirSync(OUT_DIR, { recursive: true });

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** A fake GitHub classic token with a valid checksum, built at run time (never committed). */
function fakeGithubToken() {
  let body = "";
  for (let i = 0; i < 30; i++) body += BASE62[Math.floor(Math.random() * 62)];
  let n = zlib.crc32(body) >>> 0;
  let sum = "";
  for (let i = 0; i < 6; i++) {
    sum = BASE62[n % 62] + sum;
    n = Math.floor(n / 62);
  }
  return ["ghp", body + sum].join("_");
}

function check(cond, message) {
  if (!cond) throw new Error(`check failed: ${message}`);
  console.log(`ok - ${message}`);
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(what, fn, timeoutMs) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeoutMs) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
}

/** A workspace (a real git repository) with one Python file holding a fake token. */
function makeWorkspace(root, token, extra = "") {
  const ws = path.join(root, "ws");
  fs.mkdirSync(ws, { recursive: true });
  execFileSync("git", ["init", "-q", ws]);
  fs.writeFileSync(path.join(ws, "app.py"), `import os\n\nGITHUB_TOKEN = "${token}"\nprint(GITHUB_TOKEN)\n${extra}`);
  return ws;
}

/** A medium-confidence generic secret (a random value under a secret-sounding name). */
function fakeMediumSecret() {
  let v = "";
  for (let i = 0; i < 28; i++) v += BASE62[Math.floor(Math.random() * 62)];
  return v;
}

/** A real OpenBao dev server on loopback with a random root token; resolves once KV v2 answers. */
async function startBao() {
  const port = await freePort();
  const token = `root-${fakeMediumSecret()}`;
  const addr = `http://127.0.0.1:${port}`;
  const child = spawn(BAO, ["server", "-dev", `-dev-listen-address=127.0.0.1:${port}`, `-dev-root-token-id=${token}`], {
    stdio: "ignore",
  });
  await waitFor(
    "the OpenBao dev server",
    async () => (await fetch(`${addr}/v1/secret/config`, { headers: { "X-Vault-Token": token } })).ok,
    30000,
  );
  return { child, addr, token, port };
}

async function startCodeServer(root, trusted, extraEnv = {}) {
  const userData = path.join(root, "user-data");
  const extensions = path.join(root, "extensions");
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.writeFileSync(
    path.join(userData, "User", "settings.json"),
    JSON.stringify({
      "security.workspace.trust.enabled": !trusted,
      "security.workspace.trust.startupPrompt": "never",
      "workbench.startupEditor": "none",
      "workbench.tips.enabled": false,
      "telemetry.telemetryLevel": "off",
      "extensions.autoUpdate": false,
    }),
  );
  const common = [
    "--auth", "none", "--disable-telemetry", "--disable-update-check",
    "--user-data-dir", userData, "--extensions-dir", extensions,
  ];
  execFileSync(NODE, [CODE_SERVER, ...common, "--install-extension", VSIX], { stdio: "pipe" });
  const port = await freePort();
  // keyward sits where a user's `pip install --user`/pipx puts it (~/.local/bin, with HOME =
  // root) and the extension must find it on its own: no keyward.path setting, no KEYWARD_PATH.
  const binDir = path.join(root, ".local", "bin");
  fs.mkdirSync(binDir, { recursive: true });
  fs.symlinkSync(KEYWARD_BIN, path.join(binDir, "keyward"));
  const child = spawn(NODE, [CODE_SERVER, ...common, "--bind-addr", `127.0.0.1:${port}`], {
    env: {
      ...process.env,
      PATH: `${binDir}:${process.env.PATH}`,
      KEYWARD_PATH: process.env.E2E_KEYWARD_PATH ?? "",
      KEYWARD_USER_CONFIG: "",
      HOME: root,
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  await waitFor("code-server to listen", () => log.includes("HTTP server listening"), 60000);
  return { child, port, log: () => log, userData };
}

async function openWorkbench(browser, port, ws) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  await page.waitForTimeout(2000);
  return page;
}

async function openFile(page, name) {
  // Through the Explorer, as a person would: a click opens the file in the editor.
  const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: name }).first();
  await row.waitFor({ state: "visible", timeout: 30000 });
  await row.click();
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 15000 });
  await page.locator(".monaco-editor .view-lines").first().click();
}

async function problemsText(page) {
  await page.keyboard.press("Control+Shift+M");
  await page.waitForTimeout(500);
  return page.locator(".markers-panel").innerText();
}

async function codeActionTitles(page, underline = ".squiggly-error, .squiggly-warning") {
  // The menu can close again right after it opened (the editor re-renders when diagnostics
  // arrive): then it is opened once more. A menu that never opens still reads as no actions.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Escape");
    // Put the cursor on the underlined token, then ask for quick fixes.
    const box = await page.locator(underline).first().boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2 - 4);
    await page.waitForTimeout(300);
    await page.keyboard.press("Control+.");
    // The quick-fix menu is a context view headed "Quick Fix" (or says there are none).
    const menu = page.locator(".context-view").filter({ hasText: /Quick Fix|No code actions/ });
    try {
      await menu.first().waitFor({ state: "visible", timeout: 8000 });
    } catch {
      return [];
    }
    await page.waitForTimeout(500);
    try {
      const text = await menu.first().innerText({ timeout: attempt < 3 ? 5000 : 30000 });
      return text.split("\n").map((t) => t.trim()).filter(Boolean);
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

async function scenario(browser, trusted) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `keyward-e2e-${trusted ? "trusted" : "untrusted"}-`));
  const token = fakeGithubToken();
  const ws = makeWorkspace(root, token);
  const server = await startCodeServer(root, trusted);
  const label = trusted ? "trusted" : "untrusted";
  let page;
  try {
    page = await openWorkbench(browser, server.port, ws);
    const t0 = Date.now();
    await openFile(page, "app.py");
    const squiggle = await waitFor(
      `${label}: the token to be underlined`,
      async () => (await page.locator(".squiggly-error, .squiggly-warning").count()) > 0,
      30000,
    );
    check(squiggle, `${label}: the fake token is underlined (${Date.now() - t0} ms after opening)`);
    const problems = await waitFor(
      `${label}: the Problems entry`,
      async () => {
        const t = await problemsText(page);
        return t.includes("github-pat-classic") ? t : null;
      },
      10000,
    );
    check(problems.includes("github-pat-classic"), `${label}: Problems lists keyward's rule id`);
    check(!problems.includes(token), `${label}: Problems does not show the token`);
    await page.screenshot({ path: path.join(OUT_DIR, `${label}-diagnostic.png`) });

    const titles = await codeActionTitles(page);
    const envFix = titles.find((t) => t.startsWith("Move to environment variable"));
    if (!trusted) {
      check(!titles.some((t) => t.startsWith("Move to")), `${label}: no fix that writes files is offered (${JSON.stringify(titles)})`);
      return;
    }
    check(envFix, `${label}: the quick-fix list offers the env fix (${JSON.stringify(titles)})`);
    await page.locator(".context-view").getByText(envFix, { exact: false }).first().click();
    const file = path.join(ws, "app.py");
    await page.waitForTimeout(1000);
    await page.keyboard.press("Control+S");
    const fixed = await waitFor(
      "the fixed file on disk",
      () => {
        const t = fs.readFileSync(file, "utf8");
        return t.includes('os.environ["GITHUB_TOKEN"]') ? t : null;
      },
      15000,
    );
    check(!fixed.includes(token), "the literal is gone from the file");
    const envPath = path.join(ws, ".env");
    check(fs.existsSync(envPath), ".env was written");
    check((fs.statSync(envPath).mode & 0o777) === 0o600, ".env is 0600");
    check(fs.readFileSync(envPath, "utf8").includes(token), ".env holds the secret");
    const ignored = execFileSync("git", ["-C", ws, "check-ignore", "-q", ".env"], { stdio: "pipe" });
    check(ignored !== undefined, ".env is git-ignored");
    await waitFor(
      "the diagnostic to disappear",
      async () => (await page.locator(".squiggly-error, .squiggly-warning").count()) === 0,
      15000,
    );
    check(true, "no diagnostic remains after the fix");
    await page.screenshot({ path: path.join(OUT_DIR, "trusted-fixed.png") });
  } catch (e) {
    console.error(server.log());
    if (page) await page.screenshot({ path: path.join(OUT_DIR, `${label}-failure.png`) });
    throw e;
  } finally {
    server.child.kill();
  }
}

/** "Move to Vault" against a real OpenBao: stores, reads back, then rewrites the code. */
async function vaultScenario(browser) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-e2e-vault-"));
  const token = fakeGithubToken();
  const medium = fakeMediumSecret();
  const ws = makeWorkspace(root, token, `api_secret = "${medium}"\n`);
  const bao = await startBao();
  const server = await startCodeServer(root, true, { BAO_ADDR: bao.addr, BAO_TOKEN: bao.token });
  let page;
  try {
    page = await openWorkbench(browser, server.port, ws);
    await openFile(page, "app.py");
    await waitFor(
      "vault: the token and the medium secret to be underlined",
      async () =>
        (await page.locator(".squiggly-error").count()) > 0 && (await page.locator(".squiggly-warning").count()) > 0,
      30000,
    );
    check(true, "vault: a high (error) and a medium (warning) finding are shown");
    // The vault fix on the token (the error).
    await page.keyboard.press("Escape");
    const titles = await codeActionTitles(page, ".squiggly-error");
    const vaultFix = titles.find((t) => t.startsWith(`Move to Vault at 127.0.0.1:${bao.port}`));
    check(vaultFix, `vault: the fix names the server it writes to (${JSON.stringify(titles)})`);
    await page.locator(".context-view").getByText(vaultFix, { exact: false }).first().click();
    await page.waitForTimeout(1000);
    await page.keyboard.press("Control+S");
    const file = path.join(ws, "app.py");
    const fixed = await waitFor(
      "the vault-fixed file on disk",
      () => {
        const t = fs.readFileSync(file, "utf8");
        return t.includes('os.environ["GITHUB_TOKEN"]') ? t : null;
      },
      15000,
    );
    check(!fixed.includes(token), "vault: the literal is gone from the file");
    const stored = await (
      await fetch(`${bao.addr}/v1/secret/data/ws`, { headers: { "X-Vault-Token": bao.token } })
    ).json();
    check(stored?.data?.data?.GITHUB_TOKEN === token, "vault: OpenBao holds the secret under secret/ws");
    const refs = fs.readFileSync(path.join(ws, ".keyward.refs"), "utf8");
    check(refs.includes("ref+vault://secret/data/ws#GITHUB_TOKEN") && !refs.includes(token), "vault: .keyward.refs names the reference, never the value");
    check(!fs.existsSync(path.join(ws, ".env")), "vault: no .env was written");
    await page.screenshot({ path: path.join(OUT_DIR, "vault-fixed.png") });
  } catch (e) {
    console.error(server.log());
    if (page) await page.screenshot({ path: path.join(OUT_DIR, "vault-failure.png") });
    throw e;
  } finally {
    server.child.kill();
    bao.child.kill();
  }
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  await scenario(browser, true);
  if (process.env.E2E_SKIP_VAULT !== "1") await vaultScenario(browser);
  if (process.env.E2E_SKIP_UNTRUSTED !== "1") await scenario(browser, false);
} finally {
  await browser.close();
}
console.log("vscode e2e: all checks passed");
