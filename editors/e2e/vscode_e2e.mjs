// Scenarios in VS Code (code-server) driven by headless Chromium, one per run; the Python tests
// (tests/editors/test_vscode.py) start code-server, prepare settings and workspaces, run a scenario
// and check what it reports (one JSON line on stdout) and the files on disk.
//
// usage: node vscode_e2e.mjs --scenario NAME --params JSON --node-modules DIR --chromium PATH
//                            --out DIR [--timeout-ms MS]
//
//   walkthrough     docs/editors.md section 3 as a newcomer: open a file, wait for ready, type, ghost
//                   text (screenshot), Tab (screenshot), save, the three documented commands
//   start-failure   the server cannot start: the one error toast, and its "Open User Settings" button
//   workspace       a workspace that tries to set user-only settings: the warning toast, the status
//   code-actions    Ctrl+. at the end of stub lines and on signatures; pick "implement": progress, result
//   reloads         reload the window N times, waiting for the server each time

import { readFileSync, readdirSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";

import { Workbench, launch, log, sleep, waitFor } from "./vscode_driver.mjs";

const { values: opts } = parseArgs({
  options: {
    scenario: { type: "string" },
    params: { type: "string" },
    "node-modules": { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
    out: { type: "string" },
    "timeout-ms": { type: "string", default: "120000" },
  },
});
for (const key of ["scenario", "params", "node-modules", "out"]) {
  if (!opts[key]) {
    console.error(`vscode_e2e: --${key} is required`);
    process.exit(2);
  }
}
const params = JSON.parse(opts.params);
const timeout = Number(opts["timeout-ms"]);

/** Status bar transitions from now until `done` says stop: [{ms, label}]. */
async function watchStatus(wb, until, ms) {
  const started = Date.now();
  const seen = [];
  await waitFor("the status to settle", async () => {
    const label = await wb.status();
    if (label !== (seen.at(-1)?.label ?? null)) {
      seen.push({ ms: Date.now() - started, label });
    }
    return { ok: label !== null && until(label), seen };
  }, ms);
  return seen;
}

/** Pids of `maze lsp` processes whose environment carries MAZE_E2E_RUN=marker (set by the test's code-server). */
function mazeServers(marker) {
  const pids = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    try {
      const environ = readFileSync(`/proc/${name}/environ`, "latin1").split("\0");
      const argv = readFileSync(`/proc/${name}/cmdline`, "latin1").split("\0");
      if (environ.includes(`MAZE_E2E_RUN=${marker}`) && argv.includes("lsp") && argv.some((a) => basename(a) === "maze")) {
        pids.push(Number(name));
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

const scenarios = {
  async walkthrough(wb, result) {
    await wb.open(params.url);
    await wb.openFile(params.file);
    result.timeline = await watchStatus(wb, (label) => /^maze: (ready|failed|unavailable)/.test(label), timeout);
    result.status = result.timeline.at(-1).label;
    if (!result.status.startsWith("maze: ready")) {
      throw new Error(`the server did not become ready: ${result.status}`);
    }
    await wb.goToLineEnd(params.line);
    log(`typing ${JSON.stringify(params.type)}`);
    await wb.page.keyboard.type(params.type, { delay: 40 });
    result.ghost = await wb.waitForGhostText(60000);
    await sleep(300); // let the rendering settle for the picture
    const settled = await wb.ghostText();
    if (settled !== result.ghost) {
      throw new Error(`ghost text changed while waiting: ${JSON.stringify(result.ghost)} -> ${JSON.stringify(settled)}`);
    }
    await wb.screenshot(`${opts.out}/vscode-ghost-text.png`);
    await wb.page.keyboard.press("Tab");
    await waitFor("the ghost text to go away", async () => ({ ok: (await wb.ghostText()).length === 0 }), 10000);
    await sleep(300);
    await wb.screenshot(`${opts.out}/vscode-after-tab.png`);
    await wb.save();
    for (const [title, expected] of params.commands) {
      await wb.runCommand(title);
      if (expected === "log") {
        await waitFor("the maze log in the panel", async () => {
          const text = await wb.page.evaluate(() =>
            (document.querySelector(".part.panel .monaco-editor .view-lines")?.textContent ?? "").replace(/\u00a0/g, " "));
          return { ok: /starting \S*maze lsp/.test(text), text: text.slice(-300) };
        }, 20000);
      } else {
        await wb.waitForStatus(expected, 60000);
      }
      result.commands.push(title);
    }
  },

  async "start-failure"(wb, result) {
    await wb.open(params.url);
    await wb.openFile(params.file);
    result.toast = await wb.waitForNotification("the start failure toast", (m) => m.includes("could not start"), 60000);
    result.toasts = await wb.notifications();
    result.status = (await wb.waitForStatus("maze: failed", 10000)).label;
    await wb.screenshot(`${opts.out}/vscode-start-failure.png`);
    await wb.clickNotificationButton("could not start", "Open User Settings");
    const shown = await waitFor("the User settings editor showing maze.serverCommand", async () => {
      const state = await wb.page.evaluate(() => ({
        tab: document.querySelector(".settings-tabs-widget .checked, .settings-tabs-widget [aria-checked='true'], " +
          ".settings-tabs-widget [aria-selected='true']")?.textContent ?? "",
        items: [...document.querySelectorAll(".settings-editor .setting-item-label")].map((el) => el.textContent ?? ""),
        empty: document.querySelector(".settings-editor .no-results-message")?.textContent ?? "",
      }));
      return { ok: state.items.some((label) => label.includes("Server Command")), ...state };
    }, 30000);
    result.settingsTab = shown.tab;
    await wb.screenshot(`${opts.out}/vscode-start-failure-settings.png`);
  },

  async workspace(wb, result) {
    await wb.open(params.url);
    await wb.openFile(params.file);
    result.warning = await wb.waitForNotification("the ignored-settings warning", (m) => m.includes("ignored"), 60000);
    const settled = await watchStatus(wb, (label) => /^maze: (ready|fallback|unavailable|failed)/.test(label), timeout);
    result.status = settled.at(-1).label;
  },

  async "code-actions"(wb, result) {
    await wb.open(params.url);
    result.cases = [];
    for (const spec of params.cases) {
      await wb.openFile(spec.file);
      await wb.waitForStatus("maze: ready");
      const offered = {};
      for (const line of spec.lines) {
        await wb.goToLineEnd(line);
        offered[line] = await wb.codeActions();
        await wb.page.keyboard.press("Escape");
      }
      const outcome = { file: spec.file, offered };
      if (spec.pick) {
        await wb.goToLineEnd(spec.pick);
        await wb.codeActions();
        await wb.pickCodeAction("maze: implement");
        const started = Date.now();
        outcome.progress = await wb.waitForNotification("progress while generating", (m) => m.startsWith("maze: implement"), 10000);
        outcome.statusBar = await wb.statusBarText();
        const done = await waitFor("the edit or a message", async () => {
          const messages = await wb.notifications();
          const text = await wb.editorText();
          const failed = messages.find((m) => m.startsWith("maze could not"));
          const progressing = messages.some((m) => m.startsWith("maze: implement"));
          return { ok: Boolean(failed) || (!progressing && !text.includes(spec.stub)), failed, text };
        }, 120000);
        outcome.ms = Date.now() - started;
        outcome.failure = done.failed ?? null;
        if (!done.failed) {
          await wb.save();
        }
        await wb.screenshot(`${opts.out}/vscode-code-action-${spec.file}.png`);
      }
      result.cases.push(outcome);
    }
  },

  async reloads(wb, result) {
    await wb.open(params.url);
    await wb.openFile(params.file);
    await wb.waitForStatus("maze: ready");
    result.readyAfterReload = [];
    for (let i = 0; i < params.reloads; i++) {
      log(`reload ${i + 1}`);
      await wb.reload();
      await wb.openFile(params.file); // restored editors activate the extension too, but not always this soon
      const ready = await wb.waitForStatus("maze: ready");
      result.readyAfterReload.push(ready.label);
    }
    // Servers of earlier sessions end when code-server drops their extension hosts (its grace time):
    // wait for the count to come down to one, with this window still open.
    const counted = await waitFor("one maze server", async () => {
      const servers = mazeServers(params.marker);
      return { ok: servers.length === 1, servers };
    }, 30000).catch(() => ({ servers: mazeServers(params.marker) }));
    result.servers = counted.servers;
  },
};

const scenario = scenarios[opts.scenario];
if (!scenario) {
  console.error(`vscode_e2e: unknown scenario ${opts.scenario}`);
  process.exit(2);
}
const { page, close } = await launch(opts["node-modules"], opts.chromium, timeout);
const wb = new Workbench(page, timeout);
const result = { ok: false, scenario: opts.scenario, commands: [] };
try {
  await scenario(wb, result);
  result.ok = true;
} catch (error) {
  result.error = String(error?.stack ?? error);
  await wb.screenshot(`${opts.out}/${opts.scenario}-failure.png`).catch(() => {});
  result.statusAtFailure = await wb.status().catch(() => null);
  result.toastsAtFailure = await wb.notifications().catch(() => []);
} finally {
  await close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
