// What a person does in VS Code (code-server), as functions over a playwright-core page in Debian's
// headless Chromium: open a file, read the status bar, type, read ghost text, run a command from the
// Command Palette, read notifications, pick a code action. The scenarios (vscode_e2e.mjs) combine
// them; nothing here knows about maze beyond the status bar item's "maze:" label.

import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const log = (message) => console.error(`[vscode_e2e ${new Date().toISOString().slice(11, 23)}] ${message}`);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `check` (returning {ok, ...}) every 100 ms until ok or `ms` passes. */
export async function waitFor(what, check, ms) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last.ok) {
      return last;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** A fresh Chromium profile and page; `close()` removes the profile. */
export async function launch(nodeModules, executablePath, timeout) {
  const require = createRequire(join(nodeModules, "noop.js"));
  const { chromium } = require("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "maze-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { page, close };
}

export class Workbench {
  constructor(page, timeout) {
    this.page = page;
    this.timeout = timeout;
    this.quickInput = page.locator(".quick-input-widget input");
  }

  async open(url) {
    log(`opening ${url}`);
    await this.page.goto(url, { waitUntil: "domcontentloaded" });
    await this.page.locator(".monaco-workbench").waitFor();
    await this.page.locator(".part.statusbar").waitFor();
  }

  async reload() {
    await this.page.reload({ waitUntil: "domcontentloaded" });
    await this.page.locator(".monaco-workbench").waitFor();
    await this.page.locator(".part.statusbar").waitFor();
  }

  /** Quick Open (Ctrl+P) a file of the workspace; returns its editor. */
  async openFile(name) {
    log(`opening ${name} with Quick Open`);
    await this.page.locator(".monaco-workbench").click({ position: { x: 640, y: 360 } }).catch(() => {});
    await this.page.keyboard.press("Control+P");
    await this.quickInput.waitFor();
    await this.quickInput.fill(name);
    // The list first shows recently opened files; wait for the one asked for, then pick it.
    await this.page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().click();
    await this.page.locator(`.tab.active[aria-label^="${name}"]`).first().waitFor();
    const editor = this.page.locator(".editor-instance .monaco-editor").first();
    await editor.waitFor();
    await editor.click();
    return editor;
  }

  /** The maze status bar item's accessible label, e.g. "maze: ready (embedded, default)". */
  async status() {
    return this.page.evaluate(() => {
      const el = [...document.querySelectorAll(".statusbar-item[aria-label], .statusbar-item [aria-label]")]
        .find((e) => (e.getAttribute("aria-label") ?? "").match(/^maze: (off|starting|loading|ready|remote|fallback|unavailable|disabled|failed)( \(.*\))?$/));
      return el ? el.getAttribute("aria-label") : null;
    });
  }

  async waitForStatus(prefix, ms = this.timeout) {
    return waitFor(`"${prefix}" in the status bar`, async () => {
      const label = await this.status();
      return { ok: label !== null && label.startsWith(prefix), label };
    }, ms);
  }

  /** Everything in the status bar (progress from language servers shows there). */
  async statusBarText() {
    return this.page.evaluate(() => (document.querySelector(".part.statusbar")?.textContent ?? "").replace(/\u00a0/g, " "));
  }

  /** Go to a 1-based line, then to its end. */
  async goToLineEnd(line) {
    await this.page.keyboard.press("Control+G");
    await this.quickInput.waitFor();
    await this.quickInput.fill(`:${line}`);
    await this.page.keyboard.press("Enter");
    await this.page.keyboard.press("End");
  }

  /** Everything shown as ghost text: the part on the cursor line, then any further lines. */
  async ghostText() {
    return this.page.evaluate(() => {
      const clean = (s) => (s ?? "").replace(/\u00a0/g, " ");
      const inline = [...document.querySelectorAll(".monaco-editor .ghost-text-decoration")].map((el) => clean(el.textContent)).join("");
      const lines = [...document.querySelectorAll(".monaco-editor .ghost-text .view-line")].map((el) => clean(el.textContent));
      return [inline, ...lines].join("\n");
    });
  }

  /** Wait for ghost text, asking again (Alt+\, "Trigger Inline Suggestion") every few seconds as a person would. */
  async waitForGhostText(ms) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      try {
        const shown = await waitFor("ghost text", async () => {
          const text = await this.ghostText();
          return { ok: text.trim().length > 0, text };
        }, Math.min(8000, deadline - Date.now()));
        return shown.text;
      } catch {
        log("no ghost text yet: triggering an inline suggestion");
        await this.page.keyboard.press("Alt+Backslash");
      }
    }
    throw new Error(`no ghost text within ${ms} ms`);
  }

  /** Run a command from the Command Palette by its title, as a person would. */
  async runCommand(title) {
    log(`running "${title}"`);
    await this.page.keyboard.press("F1");
    await this.quickInput.waitFor();
    await this.quickInput.fill(`>${title}`);
    await this.page.locator(".quick-input-list .monaco-list-row").first().waitFor();
    await this.page.keyboard.press("Enter");
  }

  /** The visible notification toasts' messages. */
  async notifications() {
    return this.page.evaluate(() =>
      [...document.querySelectorAll(".notification-toast .notification-list-item-message")].map((el) =>
        (el.textContent ?? "").replace(/\u00a0/g, " ")),
    );
  }

  async waitForNotification(what, match, ms = this.timeout) {
    const found = await waitFor(what, async () => {
      const messages = await this.notifications();
      return { ok: messages.some(match), messages };
    }, ms);
    return found.messages.find(match);
  }

  /** Click a button of the toast whose message matches. */
  async clickNotificationButton(match, label) {
    const toast = this.page.locator(".notification-toast").filter({ hasText: match });
    await toast.locator(".monaco-button", { hasText: label }).first().click();
  }

  /** Ctrl+. at the cursor: the titles of the code actions offered (empty when none); asks up to 3 times. */
  async codeActions() {
    let last;
    for (let attempt = 0; attempt < 3; attempt++) {
      await sleep(300); // the cursor has just moved: let the editor settle as a person's pause would
      await this.page.keyboard.press("Control+Period");
      try {
        const found = await waitFor("the code action menu or its empty message", async () => {
          const state = await this.page.evaluate(() => ({
            items: [...document.querySelectorAll(".action-widget .monaco-list-row.action .title")].map((el) =>
              (el.textContent ?? "").replace(/\u00a0/g, " ")),
            none: [...document.querySelectorAll(".monaco-editor-overlaymessage")]
              .some((el) => /No code actions/.test(el.textContent ?? "")),
          }));
          return { ok: state.items.length > 0 || state.none, ...state };
        }, 8000);
        return found.items;
      } catch (error) {
        last = error;
        await this.page.keyboard.press("Escape");
      }
    }
    throw last;
  }

  /** Pick the code action whose title starts with `prefix` from the open menu. */
  async pickCodeAction(prefix) {
    const row = this.page.locator(".action-widget .monaco-list-row.action").filter({ hasText: prefix }).first();
    await row.click();
  }

  /** The text of the active editor's model, read through the DOM's lines (for short files). */
  async editorText() {
    return this.page.evaluate(() => {
      const lines = [...document.querySelectorAll(".editor-instance .monaco-editor .view-lines .view-line")]
        .map((el) => ({ top: parseFloat(el.style.top || "0"), text: (el.textContent ?? "").replace(/\u00a0/g, " ") }));
      return lines.sort((a, b) => a.top - b.top).map((l) => l.text).join("\n");
    });
  }

  async save() {
    await this.page.keyboard.press("Control+S");
    await waitFor("the tab to show no unsaved changes", async () => {
      const dirty = await this.page.locator(".tab.dirty").count();
      return { ok: dirty === 0, dirty };
    }, 20000);
  }

  async screenshot(path) {
    await this.page.screenshot({ path });
    log(`screenshot: ${path}`);
  }
}
