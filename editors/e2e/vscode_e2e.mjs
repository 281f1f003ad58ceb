// Drives VS Code (code-server) in Debian's headless Chromium through playwright-core.
//
// The Python test (tests/editors/test_vscode.py) starts code-server with the maze extension
// installed and a workspace holding FILE; this script opens FILE, waits for the status bar to say
// the server is ready, goes to LINE (1-based), presses End, types TEXT, waits for ghost text,
// takes a screenshot, presses Tab, saves, and prints one JSON line with what it saw. The test then
// checks the saved file on disk.
//
// usage: node vscode_e2e.mjs --url URL --file NAME --line N --type TEXT --screenshot PNG
//                            --node-modules DIR --chromium PATH [--timeout-ms MS]

import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
  options: {
    url: { type: "string" },
    file: { type: "string" },
    line: { type: "string" },
    type: { type: "string" },
    screenshot: { type: "string" },
    "node-modules": { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
    "timeout-ms": { type: "string", default: "120000" },
  },
});
for (const key of ["url", "file", "line", "type", "screenshot", "node-modules"]) {
  if (!opts[key]) {
    console.error(`vscode_e2e: --${key} is required`);
    process.exit(2);
  }
}
const require = createRequire(join(opts["node-modules"], "noop.js"));
const { chromium } = require("playwright-core");
const timeout = Number(opts["timeout-ms"]);

const log = (message) => console.error(`[vscode_e2e ${new Date().toISOString().slice(11, 23)}] ${message}`);

/** Everything shown as ghost text: the part on the cursor line, then any further lines. */
async function ghostText(page) {
  return page.evaluate(() => {
    const clean = (s) => (s ?? "").replace(/\u00a0/g, " ");
    const inline = [...document.querySelectorAll(".monaco-editor .ghost-text-decoration")]
      .map((el) => clean(el.textContent))
      .join("");
    const lines = [...document.querySelectorAll(".monaco-editor .ghost-text .view-line")].map((el) =>
      clean(el.textContent),
    );
    return { inline, lines, text: [inline, ...lines].join("\n") };
  });
}

async function statusLabel(page) {
  return page.evaluate(() => {
    const el = [...document.querySelectorAll(".statusbar-item [aria-label], .statusbar-item[aria-label]")].find((e) =>
      (e.getAttribute("aria-label") ?? "").startsWith("maze:"),
    );
    return el ? el.getAttribute("aria-label") : null;
  });
}

async function waitFor(what, check, ms = timeout) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last.ok) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

const profile = mkdtempSync(join(tmpdir(), "maze-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: opts.chromium,
  headless: true,
  viewport: { width: 1280, height: 720 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const result = { ok: false };
let page;
try {
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);
  log(`opening ${opts.url}`);
  await page.goto(opts.url, { waitUntil: "domcontentloaded" });
  await page.locator(".monaco-workbench").waitFor();
  await page.locator(".part.statusbar").waitFor();

  log(`opening ${opts.file} with Quick Open`);
  await page.locator(".monaco-workbench").click({ position: { x: 640, y: 360 } }).catch(() => {});
  await page.keyboard.press("Control+P");
  const quickInput = page.locator(".quick-input-widget input");
  await quickInput.waitFor();
  await quickInput.fill(opts.file);
  await page.locator(".quick-input-list .monaco-list-row").first().waitFor();
  await page.keyboard.press("Enter");
  await page.locator(`.tab[aria-label^="${opts.file}"]`).first().waitFor();
  const editor = page.locator(".editor-instance .monaco-editor").first();
  await editor.waitFor();

  log("waiting for the maze status bar item to say ready");
  const ready = await waitFor("maze: ready in the status bar", async () => {
    const label = await statusLabel(page);
    return { ok: label !== null && label.startsWith("maze: ready"), label };
  });
  result.status = ready.label;

  log(`going to line ${opts.line}`);
  await editor.click();
  await page.keyboard.press("Control+G");
  await quickInput.waitFor();
  await quickInput.fill(`:${opts.line}`);
  await page.keyboard.press("Enter");
  await page.keyboard.press("End");

  log(`typing ${JSON.stringify(opts.type)}`);
  await page.keyboard.type(opts.type, { delay: 40 });

  log("waiting for ghost text");
  const shown = await waitFor("ghost text", async () => {
    const ghost = await ghostText(page);
    return { ok: ghost.text.trim().length > 0, ghost };
  });
  result.ghost = shown.ghost.text;
  await new Promise((resolve) => setTimeout(resolve, 300)); // let the rendering settle for the picture
  const settled = await ghostText(page);
  if (settled.text !== result.ghost) {
    throw new Error(`ghost text changed while waiting: ${JSON.stringify(result.ghost)} -> ${JSON.stringify(settled.text)}`);
  }
  await page.screenshot({ path: opts.screenshot });
  log(`screenshot: ${opts.screenshot}`);

  log("pressing Tab");
  await page.keyboard.press("Tab");
  await waitFor("the ghost text to go away", async () => {
    const ghost = await ghostText(page);
    return { ok: ghost.text.length === 0, ghost };
  }, 10000);
  await page.keyboard.press("Control+S");
  await waitFor("the tab to show no unsaved changes", async () => {
    const dirty = await page.locator(".tab.dirty").count();
    return { ok: dirty === 0, dirty };
  }, 20000);

  // The commands, through the Command Palette as a person would run them.
  const runCommand = async (title) => {
    log(`running "${title}"`);
    await page.keyboard.press("F1");
    await quickInput.waitFor();
    await quickInput.fill(`>${title}`);
    await page.locator(".quick-input-list .monaco-list-row").first().waitFor();
    await page.keyboard.press("Enter");
  };
  const statusIs = (prefix) => async () => {
    const label = await statusLabel(page);
    return { ok: label !== null && label.startsWith(prefix), label };
  };
  await runCommand("maze: Toggle completions");
  await waitFor("maze: off after maze.toggle", statusIs("maze: off"), 30000);
  await runCommand("maze: Toggle completions");
  await waitFor("maze: ready after toggling back", statusIs("maze: ready"), 60000);
  await runCommand("maze: Restart language server");
  await waitFor("maze: ready after maze.restartServer", statusIs("maze: ready"), 60000);
  await runCommand("maze: Show log");
  await waitFor("the maze log in the panel", async () => {
    const text = await page.evaluate(() =>
      (document.querySelector(".part.panel .monaco-editor .view-lines")?.textContent ?? "").replace(/\u00a0/g, " "),
    );
    return { ok: text.includes("starting maze lsp"), text: text.slice(-300) };
  }, 20000);
  result.commands = ["maze.toggle", "maze.restartServer", "maze.showLog"];
  result.ok = true;
} catch (error) {
  result.error = String(error?.stack ?? error);
  if (page) {
    const failure = opts.screenshot.replace(/\.png$/, "") + "-failure.png";
    await page.screenshot({ path: failure }).catch(() => {});
    result.failureScreenshot = failure;
    result.statusAtFailure = await statusLabel(page).catch(() => null);
  }
} finally {
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
