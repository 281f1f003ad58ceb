/**
 * The `maze.*` settings: which ones the server reads, which ones only the extension reads, and which
 * ones a workspace may not set.
 *
 * The server warns about keys it does not know, so it is sent exactly its own keys (camelCase, as
 * in `maze_lsp/options.py`), and unset optional values are left out so that its defaults apply.
 *
 * `USER_ONLY_KEYS` decide what runs on this machine and where code and tokens go. A cloned
 * repository's `.vscode/settings.json` must not choose them, so they are read from User settings
 * only (which, in a remote window, VS Code merges with the Remote settings). No configuration scope
 * expresses that: `machine` and `machine-overridable` settings are dropped from User settings in
 * remote windows (code-server, Remote-SSH, WSL), where users put them and the docs say to. So they
 * have the default `window` scope, and `inspect()` picks the User value, ignoring a workspace's.
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

/** Keys read from User (and Remote) settings only: a workspace's value is ignored. */
export const USER_ONLY_KEYS = ["serverCommand", "serverArgs", "modelPath", "endpoint", "tokenEnv"] as const;

export type ServerSettings = Record<string, unknown>;

export interface LaunchSettings {
  command: string;
  args: string[];
  /** Where the command came from, for messages: "your User settings" (Remote settings merged in) or "the default". */
  origin: string;
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/** A setting's value, from User (and Remote) settings only for `USER_ONLY_KEYS`. */
function value<T>(key: string): T | undefined {
  if (!(USER_ONLY_KEYS as readonly string[]).includes(key)) {
    return config().get<T>(key);
  }
  const inspected = config().inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/** The user-only keys this workspace tries to set (their values are ignored). */
export function ignoredWorkspaceKeys(): string[] {
  const cfg = config();
  return USER_ONLY_KEYS.filter((key) => {
    const inspected = cfg.inspect(key);
    return inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined;
  }).map((key) => `${SECTION}.${key}`);
}

/**
 * The server's part of the `maze` section, as the server expects it: sent as `initializationOptions`,
 * in `workspace/didChangeConfiguration` and as the answer to `workspace/configuration`. It always asks
 * for the `maze/status` notifications that drive the status bar item.
 */
export function serverSettings(): ServerSettings {
  const settings: ServerSettings = { statusNotifications: true };
  for (const key of SERVER_KEYS) {
    const setting = value<unknown>(key);
    if (setting === undefined || setting === null || setting === "") {
      continue;
    }
    settings[key] = setting;
  }
  return settings;
}

export function launchSettings(): LaunchSettings {
  const configured = (value<string>("serverCommand") ?? "").trim();
  const args = value<string[]>("serverArgs") ?? ["lsp"];
  const userSet = config().inspect<string>("serverCommand")?.globalValue !== undefined;
  return {
    command: expandHome(configured || "maze"),
    args: args.length > 0 ? args : ["lsp"],
    origin: userSet ? "your User settings" : "the default",
  };
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
