/**
 * The `maze.*` settings: which ones the server reads, and which ones only the extension reads.
 *
 * The server warns about keys it does not know, so it is sent exactly its own keys (camelCase, as
 * in `maze_lsp/options.py`), and unset optional values are left out so that its defaults apply.
 */

import * as vscode from "vscode";

export const SECTION = "maze";

/** Keys of the `maze` section that the server understands. */
export const SERVER_KEYS = [
  "enable",
  "engine",
  "modelPath",
  "device",
  "threads",
  "endpoint",
  "tokenEnv",
  "maxTokens",
  "mode",
  "debounceMs",
  "timeoutMs",
  "constrained",
  "repositoryContext",
  "contextTokens",
  "indexMaxFiles",
  "indexMaxFileBytes",
  "indexMaxTotalBytes",
] as const;

/** Keys that change how the server process is started: a change restarts it. */
export const PROCESS_KEYS = ["serverCommand", "serverArgs"] as const;

export type ServerSettings = Record<string, unknown>;

export interface LaunchSettings {
  command: string;
  args: string[];
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/**
 * The server's part of the `maze` section, as the server expects it: sent as `initializationOptions`,
 * in `workspace/didChangeConfiguration` and as the answer to `workspace/configuration`. It always asks
 * for the `maze/status` notifications that drive the status bar item.
 */
export function serverSettings(): ServerSettings {
  const cfg = config();
  const settings: ServerSettings = { statusNotifications: true };
  for (const key of SERVER_KEYS) {
    const value = cfg.get<unknown>(key);
    if (value === undefined || value === null || value === "") {
      continue;
    }
    settings[key] = value;
  }
  return settings;
}

export function launchSettings(): LaunchSettings {
  const cfg = config();
  const command = (cfg.get<string>("serverCommand") ?? "").trim() || "maze";
  const args = cfg.get<string[]>("serverArgs") ?? ["lsp"];
  return { command: expandHome(command), args: args.length > 0 ? args : ["lsp"] };
}

export function isEnabled(): boolean {
  return config().get<boolean>("enable", true);
}

export function completionListEnabled(): boolean {
  return config().get<boolean>("completionList", false);
}

function expandHome(path: string): string {
  const home = process.env["HOME"] ?? process.env["USERPROFILE"];
  if (home && (path === "~" || path.startsWith("~/"))) {
    return home + path.slice(1);
  }
  return path;
}

export function affects(event: vscode.ConfigurationChangeEvent, keys: readonly string[]): boolean {
  return keys.some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
}
