// End-to-end test of the copydesk VS Code extension in real VS Code
// (code-server) driven by Playwright + Debian's Chromium.
//
// Environment (set by run-tests.sh):
//   CODE_SERVER   path to the code-server launcher
//   E2E_SERVER_PATH  optional: written to copydesk.server.path; when unset the
//                 extension must find the binary shipped in the .vsix (server/copydesk)
//   VSIX          the packaged extension
//   ARTIFACTS     folder for screenshots and logs
//   CHROMIUM      browser executable (default /usr/bin/chromium)
//   COPYDESK_TEST_SKIP_HOVER=1 / COPYDESK_TEST_SKIP_LENS=1
//                 skip (and report as skipped) the hover / code lens checks
//
// Prints one line per check and a closing "vscode: N passed, N failed" line;
// exits non-zero when any check fails.

import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, "../../fixtures");
const CODE_SERVER = mustEnv("CODE_SERVER");
const SERVER_PATH = process.env.E2E_SERVER_PATH || "";
const VSIX = mustEnv("VSIX");
const ARTIFACTS = process.env.ARTIFACTS || path.resolve(here, "../test-artifacts");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SKIP_HOVER = process.env.COPYDESK_TEST_SKIP_HOVER === "1";
const SKIP_LENS = process.env.COPYDESK_TEST_SKIP_LENS === "1";
const TOTAL_TIMEOUT_MS = Number(process.env.COPYDESK_TEST_TIMEOUT_MS || 240000);

function mustEnv(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`e2e: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

const results = [];
function record(name, status, detail = "") {
  results.push({ name, status, detail });
  const tag = status === "pass" ? "ok  " : status === "skip" ? "skip" : "FAIL";
  console.log(`${tag} ${name}${detail ? ` - ${detail}` : ""}`);
}

async function check(name, fn) {
  try {
    // Close whatever a previous (failed) check left open: palette, hover, peek.
    if (page) {
      await page.keyboard.press("Escape");
      await page.keyboard.press("Escape");
    }
    const detail = await fn();
    record(name, "pass", typeof detail === "string" ? detail : "");
    return true;
  } catch (err) {
    record(name, "fail", String(err && err.message ? err.message : err).split("\n")[0]);
    console.log(String(err && err.stack ? err.stack : err).split("\n").filter((l) => / at |waiting for/.test(l)).slice(0, 6).join("\n"));
    await shot(`fail-${name.replace(/[^a-z0-9]+/gi, "-")}`);
    return false;
  }
}

let page;
let codeServer;


function killCodeServer() {
  try {
    if (codeServer) process.kill(-codeServer.pid, "SIGTERM");
  } catch {
    /* already gone */
  }
}
async function shot(name) {
  if (!page) return;
  try {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  } catch {
    /* the page may be gone */
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`code-server did not answer ${url} within ${ms} ms`);
}

// ---- the draft and where things are in it ---------------------------------

const draftText = fs.readFileSync(path.join(fixtures, "draft.md"), "utf8");
const draftLines = draftText.split("\n");
const paragraphs = draftText.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
const dupParagraph = paragraphs.find((p, i) => paragraphs.indexOf(p) !== i);
if (!dupParagraph) throw new Error("fixture has no duplicated paragraph");
const firstCopyLine = draftLines.indexOf(dupParagraph) + 1; // 1-based
const secondCopyLine = draftLines.lastIndexOf(dupParagraph) + 1; // 1-based
const hoverName = "Pete Hegseth";
const hoverLine = draftLines.findIndex((l) => l.includes(hoverName)) + 1;
const hoverCol = draftLines[hoverLine - 1].indexOf(hoverName) + 3; // inside "Pete"

// ---- main -----------------------------------------------------------------

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "copydesk-vscode-"));
  const userData = path.join(tmp, "user-data");
  const extensions = path.join(tmp, "extensions");
  const workspace = path.join(tmp, "newsroom");
  const browserProfile = path.join(tmp, "chromium");
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.mkdirSync(workspace, { recursive: true });
  fs.copyFileSync(path.join(fixtures, "draft.md"), path.join(workspace, "draft.md"));
  fs.writeFileSync(path.join(workspace, "copydesk.toml"), "# copydesk project root\n");
  fs.writeFileSync(
    path.join(userData, "User", "settings.json"),
    JSON.stringify(
      {
        ...(SERVER_PATH ? { "copydesk.server.path": SERVER_PATH } : {}),
        "copydesk.trace.server": "messages",
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "security.workspace.trust.enabled": false,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "editor.hover.delay": 200,
        "editor.codeLens": true,
        "editor.minimap.enabled": false,
        "editor.wordWrap": "on",
        "editor.stickyScroll.enabled": false,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        "workbench.layoutControl.enabled": false,
        "files.autoSave": "off",
        "window.commandCenter": false,
        "chat.disableAIFeatures": true,
        "workbench.colorTheme": "Default Light Modern",
      },
      null,
      2,
    ),
  );

  const csConfig = path.join(tmp, "code-server.yaml");
  fs.writeFileSync(csConfig, "auth: none\ncert: false\n");
  const csArgs = ["--config", csConfig, "--user-data-dir", userData, "--extensions-dir", extensions];
  console.log(`e2e: installing ${path.basename(VSIX)} into code-server`);
  execFileSync(CODE_SERVER, [...csArgs, "--install-extension", VSIX], { stdio: "inherit", timeout: 120000 });

  const port = await freePort();
  const csLog = fs.openSync(path.join(ARTIFACTS, "code-server.log"), "w");
  const cs = (codeServer = spawn(
    CODE_SERVER,
    [
      ...csArgs,
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--auth",
      "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      workspace,
    ],
    { stdio: ["ignore", csLog, csLog], detached: true, env: { ...process.env, CS_DISABLE_FILE_DOWNLOADS: "1" } },
  ));
  const cleanup = [];
  cleanup.push(killCodeServer);

  let context;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60000);
    context = await chromium.launchPersistentContext(browserProfile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    });
    cleanup.push(() => context.close().catch(() => {}));
    page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(30000);

    await runChecks(page, port, workspace);
  } catch (err) {
    await shot("fail-harness");
    throw err;
  } finally {
    // Keep the VS Code logs (extension host, copydesk output channel) for debugging.
    try {
      fs.cpSync(path.join(userData, "logs"), path.join(ARTIFACTS, "vscode-logs"), { recursive: true });
    } catch {
      /* no logs */
    }
    for (const f of cleanup.reverse()) await f();
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

const mod = "Control";

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Runs a command from the Command Palette, picking the entry whose label is
// exactly `label` (fuzzy matching would otherwise pick look-alikes).
async function runCommand(p, label) {
  await p.keyboard.press("F1");
  const input = p.locator(".quick-input-widget input").first();
  await input.waitFor({ state: "visible" });
  await input.fill(`>${label}`);
  const rows = p.locator(".quick-input-widget .quick-input-list .monaco-list-row");
  const exact = rows.filter({
    has: p.locator(".label-name").filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}(\\.\\.\\.|…)?\\s*$`) }),
  });
  await exact.first().waitFor({ state: "visible", timeout: 10000 });
  await exact.first().click();
}

async function gotoLine(p, line, col) {
  await runCommand(p, "Go to Line/Column");
  const input = p.locator(".quick-input-widget input").first();
  await input.waitFor({ state: "visible" });
  await input.fill(`:${line}:${col}`);
  await p.waitForTimeout(200);
  await p.keyboard.press("Enter");
  await p.waitForTimeout(300);
}

// Puts the keyboard focus in the draft's editor.
async function focusEditor(p) {
  await p.keyboard.press("Escape");
  const editor = p.locator(".editor-instance .monaco-editor").first();
  try {
    await editor.click({ position: { x: 200, y: 10 }, timeout: 5000 });
  } catch {
    await runCommand(p, "View: Focus Active Editor Group");
  }
  await p.mouse.move(1300, 520); // no tooltips in screenshots
}

async function runChecks(p, port, workspace) {
  const draftPath = path.join(workspace, "draft.md");
  await p.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await p.locator(".monaco-workbench").waitFor({ timeout: 60000 });

  // Open the draft from the Explorer.
  const explorerItem = p.locator(".explorer-folders-view .monaco-list-row", { hasText: "draft.md" });
  await explorerItem.first().waitFor({ timeout: 60000 });
  await explorerItem.first().click();
  const editor = p.locator(".editor-instance .monaco-editor").first();
  await editor.waitFor();
  await p.locator(".editor-instance .view-lines", { hasText: "Allies weigh" }).first().waitFor();
  await focusEditor(p);

  await check("warning squiggle on the pasted paragraph", async () => {
    await p.locator(".editor-instance .squiggly-warning").first().waitFor({ timeout: 90000 });
    return `${await p.locator(".editor-instance .squiggly-warning").count()} squiggle segment(s)`;
  });

  await check("Problems panel lists the duplicate", async () => {
    await runCommand(p, "Problems: Focus on Problems View");
    const row = p.locator(".markers-panel .monaco-list-row", { hasText: "Duplicate of the paragraph at line" });
    await row.first().waitFor({ timeout: 30000 });
    const text = (await row.first().innerText()).replace(/\s+/g, " ");
    if (!text.includes(`line ${firstCopyLine}`)) {
      throw new Error(`expected "line ${firstCopyLine}" in "${text}"`);
    }
    if (!/duplicate-paragraph/.test(text)) throw new Error(`no code duplicate-paragraph in "${text}"`);
    if (!text.includes(`Ln ${secondCopyLine}`)) throw new Error(`expected it on Ln ${secondCopyLine}: "${text}"`);
    return text;
  });
  await shot("problems");

  if (SKIP_HOVER) {
    record("hover on a name", "skip", "COPYDESK_TEST_SKIP_HOVER=1");
  } else {
    await check("hover on a name", async () => {
      await focusEditor(p);
      await gotoLine(p, hoverLine, hoverCol);
      await runCommand(p, "Show or Focus Hover");
      const hover = p.locator(".monaco-hover", { hasText: hoverName });
      await hover.first().waitFor({ state: "visible", timeout: 20000 });
      const bold = hover.first().locator("strong, b", { hasText: hoverName });
      if ((await bold.count()) === 0) throw new Error(`"${hoverName}" is not bold in the hover`);
      await p.waitForTimeout(300); // let the fade-in finish
      await shot("hover");
      return (await hover.first().innerText()).split("\n")[0];
    });
    await p.keyboard.press("Escape");
  }

  if (SKIP_LENS) {
    record("code lens above a quote", "skip", "COPYDESK_TEST_SKIP_LENS=1");
  } else {
    await check("code lens above a quote", async () => {
      const lens = p.locator(".editor-instance .codelens-decoration a", { hasText: "words" });
      await lens.first().waitFor({ state: "visible", timeout: 30000 });
      const title = await lens.first().innerText();
      if (!title.includes("Zelensky")) throw new Error(`lens title "${title}" does not name the speaker`);
      await lens.first().click();
      const peek = p.locator(".peekview-widget");
      await peek.first().waitFor({ state: "visible", timeout: 15000 });
      await p.waitForTimeout(300);
      await shot("quotes-peek");
      const peekText = (await peek.first().innerText()).replace(/\s+/g, " ");
      // The draft has two quotes by Zelensky: the peek must list both.
      if (!/\(2\)/.test(peekText)) throw new Error(`peek does not list 2 locations: "${peekText.slice(0, 120)}"`);
      await p.keyboard.press("Escape");
      return `"${title}"; peek: ${peekText.slice(0, 80)}`;
    });
  }

  // Screenshot for the README: squiggle + Problems panel (+ lenses when present).
  await focusEditor(p);
  await p.keyboard.press(`${mod}+Home`);
  await gotoLine(p, secondCopyLine, 10);
  await runCommand(p, "Show or Focus Hover");
  await p.locator(".monaco-hover", { hasText: "Duplicate of the paragraph" }).first()
    .waitFor({ state: "visible", timeout: 10000 })
    .catch(() => {});
  await p.mouse.move(1300, 520);
  await p.waitForTimeout(500);
  await shot("screenshot");
  await p.keyboard.press("Escape");

  await check("settings reach the server (Settings UI: duplicates.enabled off, then on)", async () => {
    const problemRow = p.locator(".markers-panel .monaco-list-row", { hasText: "Duplicate of the paragraph at line" });
    await runCommand(p, "Problems: Focus on Problems View");
    await problemRow.first().waitFor({ state: "visible", timeout: 10000 });
    await runCommand(p, "Preferences: Open Settings (UI)");
    // Focus lands in the settings search box (the settings editor is a modal in VS Code 1.139).
    await p.waitForTimeout(1000);
    await p.keyboard.type("copydesk.duplicates.enabled");
    const item = p.locator(".setting-item-bool", { hasText: "Duplicates: Enabled" }).first();
    await item.waitFor({ state: "visible", timeout: 15000 });
    const box = item.locator(".setting-value-checkbox").first();
    await box.waitFor({ state: "visible", timeout: 5000 }).catch(async (e) => {
      console.log((await item.innerHTML()).slice(0, 3000));
      throw e;
    });
    const before = await box.getAttribute("aria-checked");
    if (before !== "true") throw new Error(`checkbox starts as aria-checked=${before}`);
    await box.click();
    await problemRow.first().waitFor({ state: "detached", timeout: 20000 });
    await box.click();
    await problemRow.first().waitFor({ state: "visible", timeout: 20000 });
    // Close the settings (a modal dialog in recent VS Code, an editor tab in older ones).
    await p.keyboard.press("Escape");
    const modalClose = p.locator(".settings-editor").locator("..").locator('[aria-label^="Close"]').first();
    if (await modalClose.isVisible().catch(() => false)) await modalClose.click().catch(() => {});
    return "warning went away and came back";
  });

  await check("quick fix removes the pasted copy", async () => {
    await runCommand(p, "Quick Fix");
    const item = p.locator(".action-widget .monaco-list-row", { hasText: "Remove duplicate paragraph" });
    await item.first().waitFor({ state: "visible", timeout: 20000 });
    await shot("quick-fix-menu");
    await item.first().click();
    await p.waitForTimeout(500);
    await focusEditor(p);
    await p.keyboard.press(`${mod}+s`);
    const deadline = Date.now() + 15000;
    // The save may still be writing the file when it is first seen to differ (CI once
    // read it mid-write: "0 copies"), so wait for two reads in a row to agree.
    let text = "";
    let previous = null;
    while (Date.now() < deadline) {
      text = fs.readFileSync(draftPath, "utf8");
      if (text !== draftText && text === previous) break;
      previous = text;
      await p.waitForTimeout(250);
    }
    const copies = text.split(dupParagraph).length - 1;
    if (copies !== 1) throw new Error(`${copies} copies of the paragraph after the fix`);
    for (const para of paragraphs) {
      if (!text.includes(para)) throw new Error(`the fix removed other text: "${para.slice(0, 40)}…"`);
    }
    if (/\n\s*\n\s*\n/.test(text)) throw new Error("the fix left a double blank line");
    await p.locator(".editor-instance .squiggly-warning").first().waitFor({ state: "detached", timeout: 20000 });
    return "one copy left, squiggle gone";
  });
  await shot("after-fix");

  await check("commands: Copydesk: Restart Language Server, Copydesk: Show Output", async () => {
    await runCommand(p, "Copydesk: Restart Language Server");
    await p.waitForTimeout(1000);
    await runCommand(p, "Copydesk: Show Output");
    const output = p.locator(".part.panel .view-lines", { hasText: "starting server" }).first();
    await output.waitFor({ state: "visible", timeout: 15000 });
    const deadline = Date.now() + 15000;
    let starts = 0;
    while (Date.now() < deadline) {
      // Monaco renders spaces as no-break spaces.
      starts = ((await output.innerText()).replace(/\u00a0/g, " ").match(/starting server/g) || []).length;
      if (starts >= 2) break;
      await p.waitForTimeout(250);
    }
    if (starts < 2) throw new Error(`output shows ${starts} server start(s), expected 2`);
    await shot("output");
    return "server started twice, output channel shown";
  });
}

const timer = setTimeout(() => {
  console.error(`e2e: timed out after ${TOTAL_TIMEOUT_MS} ms`);
  summary();
  killCodeServer();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

function summary() {
  const passed = results.filter((r) => r.status === "pass").length;
  const failed = results.filter((r) => r.status === "fail").length;
  const skipped = results.filter((r) => r.status === "skip").length;
  console.log(`vscode: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return failed;
}

try {
  await main();
} catch (err) {
  record("test harness", "fail", String(err && err.stack ? err.stack : err));
}
clearTimeout(timer);
const failed = summary();
process.exit(failed > 0 || results.length === 0 ? 1 : 0);
