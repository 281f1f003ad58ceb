/**
 * The status bar item: what the server's `maze/status` notifications say, and whether it runs at all.
 *
 * The server sends `{state, engine, model, message}` with state loading | ready | fallback |
 * unavailable | disabled; the extension adds off (maze.enable is false), starting (the process is
 * starting) and failed (the process could not be started or died).
 */

import * as vscode from "vscode";

export interface MazeStatus {
  state: string;
  engine?: string;
  model?: string;
  message?: string;
}

export const MENU_COMMAND = "maze.showMenu";

interface Look {
  icon: string;
  label: string;
  background?: string;
}

const LOOKS: Record<string, Look> = {
  off: { icon: "$(circle-slash)", label: "off" },
  starting: { icon: "$(loading~spin)", label: "starting" },
  loading: { icon: "$(loading~spin)", label: "loading" },
  ready: { icon: "$(check)", label: "ready" },
  remote: { icon: "$(cloud)", label: "remote" },
  fallback: { icon: "$(warning)", label: "fallback", background: "statusBarItem.warningBackground" },
  unavailable: { icon: "$(error)", label: "unavailable", background: "statusBarItem.errorBackground" },
  disabled: { icon: "$(circle-slash)", label: "disabled" },
  failed: { icon: "$(error)", label: "failed", background: "statusBarItem.errorBackground" },
};

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private current: MazeStatus = { state: "off" };

  constructor() {
    this.item = vscode.window.createStatusBarItem("maze.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "maze";
    this.item.command = MENU_COMMAND;
    this.show({ state: "off" });
    this.item.show();
  }

  get status(): MazeStatus {
    return this.current;
  }

  /** Show a status; a ready remote engine is shown as "remote". */
  show(status: MazeStatus): void {
    this.current = status;
    const key = status.state === "ready" && status.engine === "remote" ? "remote" : status.state;
    const look = LOOKS[key] ?? { icon: "$(question)", label: status.state };
    this.item.text = `${look.icon} maze`;
    this.item.backgroundColor = look.background ? new vscode.ThemeColor(look.background) : undefined;
    const model = status.model ? status.model.split(/[\\/]/).filter((part) => part).pop() : undefined;
    const details = [status.engine, model].filter((part) => part).join(", ");
    const summary = `maze: ${look.label}${details ? ` (${details})` : ""}`;
    this.item.accessibilityInformation = { label: summary, role: "button" };
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendText(summary);
    if (status.model && status.model !== model) {
      tooltip.appendText(`\n\nmodel: ${status.model}`);
    }
    if (status.message) {
      tooltip.appendText(`\n\n${status.message}`);
    }
    tooltip.appendMarkdown("\n\nClick for maze commands.");
    this.item.tooltip = tooltip;
  }

  dispose(): void {
    this.item.dispose();
  }
}
