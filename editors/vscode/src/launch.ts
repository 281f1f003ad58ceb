/**
 * Finding the `maze` executable before starting it, and telling the user exactly where to set it.
 *
 * Starting a command that does not exist makes vscode-languageclient show its own errors (with stack
 * traces) next to ours; looking the command up first gives one message that names the setting, the
 * file it belongs in, and the value that was tried.
 */

import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

import * as vscode from "vscode";

import type { LaunchSettings } from "./settings";

/** The path `command` resolves to on `PATH` (or itself when it names a file), or undefined. */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const extensions = process.platform === "win32" ? ["", ...(env["PATHEXT"] ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  const candidates = command.includes("/") || command.includes("\\") || isAbsolute(command)
    ? [command]
    : (env["PATH"] ?? "").split(delimiter).filter((dir) => dir).map((dir) => join(dir, command));
  for (const candidate of candidates) {
    for (const extension of extensions) {
      const path = candidate + extension;
      try {
        accessSync(path, constants.X_OK);
        if (statSync(path).isFile()) {
          return path;
        }
      } catch {
        // not there or not executable: try the next one
      }
    }
  }
  return undefined;
}

/** Where `maze.serverCommand` goes, in the words of the Command Palette. */
export const WHERE_TO_SET =
  "set `maze.serverCommand` to the full path of `maze` (what `which maze` prints) in your User settings " +
  "(Command Palette: \"Preferences: Open User Settings (JSON)\"); in a remote window (code-server, " +
  "Remote-SSH, WSL) \"Preferences: Open Remote Settings (JSON)\" works too. Workspace settings are ignored for it.";

/** The one message for a server that could not be started, with buttons that go where it says. */
export async function reportStartFailure(launch: LaunchSettings, why: string, showLog: () => void): Promise<void> {
  const choice = await vscode.window.showErrorMessage(
    `maze: could not start the language server: ${why} (\`maze.serverCommand\` is \`${launch.command}\`, ` +
      `from ${launch.origin}). Install maze (see the maze docs on editors), or: ${WHERE_TO_SET}`,
    "Open User Settings",
    "Show Log",
  );
  if (choice === "Open User Settings") {
    await vscode.commands.executeCommand("workbench.action.openGlobalSettings", { query: "maze.serverCommand" });
  } else if (choice === "Show Log") {
    showLog();
  }
}
