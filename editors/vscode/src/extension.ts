/**
 * maze for VS Code: starts `maze lsp` through vscode-languageclient.
 *
 * Ghost text comes from the library's inline completion feature (`textDocument/inlineCompletion`),
 * code actions and the suggestion list from its standard features. The extension adds the settings
 * plumbing (initializationOptions, workspace/configuration, change notifications), a status bar item
 * fed by the server's `maze/status` notification, and three commands.
 */

import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
} from "vscode-languageclient/node";

import { withCodeActionProgress } from "./actions";
import { findExecutable, reportStartFailure } from "./launch";
import {
  PROCESS_KEYS,
  SECTION,
  SERVER_KEYS,
  affects,
  completionListEnabled,
  ignoredWorkspaceKeys,
  isEnabled,
  launchSettings,
  serverSettings,
} from "./settings";
import { MENU_COMMAND, type MazeStatus, StatusItem } from "./status";

/** The languageIds maze completes (the server ignores any other document). */
export const LANGUAGES = [
  "python",
  "typescript",
  "typescriptreact",
  "javascript",
  "javascriptreact",
  "rust",
  "go",
  "zig",
] as const;

const STATUS_NOTIFICATION = "maze/status";
/** The server's command behind code actions for clients that cannot resolve an edit. */
const GENERATE_COMMAND = "maze.generate";

function generateTitle(args: unknown[]): string {
  const kind = (args[0] as { kind?: string } | undefined)?.kind;
  return kind === "implement" ? "maze: implementing the function" : "maze: generating code";
}

class Controller implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly log: vscode.LogOutputChannel;
  private readonly status: StatusItem;
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;
  private warnedAboutWorkspace = false;

  constructor() {
    this.log = vscode.window.createOutputChannel("maze", { log: true });
    this.status = new StatusItem();
  }

  /** Run start/stop/restart one at a time, in order. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work, work).catch((error: unknown) => {
      this.log.error(`maze: ${String(error)}`);
    });
    return this.queue;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  showLog(): void {
    this.log.show(true);
  }

  /** Settings changed: push the server's ones, or restart/start/stop the server as needed. */
  async onConfigurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!event.affectsConfiguration(SECTION)) {
      return;
    }
    if (affects(event, ["enable"])) {
      await (isEnabled() ? this.start() : this.stop());
      return;
    }
    if (affects(event, PROCESS_KEYS)) {
      if (isEnabled()) {
        await this.restart();
      }
      return;
    }
    const client = this.client;
    if (client && client.isRunning() && affects(event, SERVER_KEYS)) {
      await client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { [SECTION]: serverSettings() },
      });
    }
  }

  private async doStart(): Promise<void> {
    if (this.client || !isEnabled()) {
      return;
    }
    this.warnAboutWorkspaceSettings();
    const launch = launchSettings();
    const command = findExecutable(launch.command);
    if (command === undefined) {
      const why = `\`${launch.command}\` was not found${launch.command.includes("/") ? "" : " on PATH"}`;
      this.log.error(`could not start ${launch.command}: ${why}`);
      this.status.show({ state: "failed", message: why });
      void reportStartFailure(launch, why, () => this.showLog());
      return;
    }
    const args = launch.args;
    const serverOptions: ServerOptions = {
      command,
      args,
      options: { env: process.env },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: LANGUAGES.flatMap((language) => [
        { scheme: "file", language },
        { scheme: "untitled", language },
      ]),
      initializationOptions: serverSettings,
      outputChannel: this.log,
      traceOutputChannel: this.log,
      middleware: {
        workspace: {
          // Answer the server's `workspace/configuration` for "maze" with its own keys only.
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return params.items.map((item, index) => (item.section === SECTION ? serverSettings() : result[index]));
          },
        },
        resolveCodeAction: (item, token, next) => withCodeActionProgress(item.title, token, (t) => next(item, t)),
        executeCommand: (command, args, next) =>
          command === GENERATE_COMMAND
            ? withCodeActionProgress(generateTitle(args), undefined, () => next(command, args))
            : next(command, args),
        // Ghost text is the main way to show a completion; the suggestion list is opt-in.
        provideCompletionItem: (document, position, context, token, next) =>
          completionListEnabled() ? next(document, position, context, token) : undefined,
      },
    };
    const client = new LanguageClient("maze", "maze", serverOptions, clientOptions);
    this.client = client;
    this.stopping = false;
    client.onDidChangeState((event) => this.onStateChange(event.newState));
    client.onNotification(STATUS_NOTIFICATION, (status: MazeStatus) => {
      this.log.info(`status: ${status.state} ${status.engine ?? ""} ${status.model ?? ""} ${status.message ?? ""}`);
      this.status.show(status);
    });
    this.status.show({ state: "starting" });
    this.log.info(`starting ${[command, ...args].join(" ")}`);
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      const why = error instanceof Error ? error.message : String(error);
      this.log.error(`could not start ${command}: ${why}`);
      this.status.show({ state: "failed", message: why });
      void reportStartFailure(launch, why, () => this.showLog());
      try {
        await client.dispose();
      } catch {
        // the process never ran: nothing to clean up
      }
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.stopping = true;
    if (client) {
      try {
        await client.dispose(2000);
      } catch (error) {
        this.log.warn(`stopping the server: ${String(error)}`);
      }
    }
    this.status.show({ state: isEnabled() ? "starting" : "off" });
  }

  private onStateChange(state: State): void {
    switch (state) {
      case State.Starting:
        this.status.show({ state: "starting" });
        break;
      case State.Running:
        if (this.status.status.state === "starting") {
          this.status.show({ state: "loading" });
        }
        break;
      case State.Stopped:
        if (!this.stopping) {
          this.status.show({ state: "failed", message: "The maze server stopped. See `maze: Show log`." });
        }
        break;
    }
  }

  /** Once per session: this workspace's settings try to set keys only User settings may set. */
  private warnAboutWorkspaceSettings(): void {
    const ignored = ignoredWorkspaceKeys();
    if (ignored.length === 0 || this.warnedAboutWorkspace) {
      return;
    }
    this.warnedAboutWorkspace = true;
    const names = ignored.map((key) => `\`${key}\``).join(", ");
    const message =
      `maze: ignored ${names} from this workspace's settings: they can only be set in User settings ` +
      "(or Remote settings in a remote window), so that a repository cannot choose what runs on your machine " +
      "or where your code and token go.";
    this.log.warn(message);
    void vscode.window.showWarningMessage(message);
  }

  async dispose(): Promise<void> {
    await this.doStop();
    this.status.dispose();
    this.log.dispose();
  }
}

async function toggle(): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspected = config.inspect<boolean>("enable");
  const target =
    inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await config.update("enable", !isEnabled(), target);
}

async function showMenu(): Promise<void> {
  const items: (vscode.QuickPickItem & { command: string })[] = [
    { label: isEnabled() ? "$(circle-slash) Turn completions off" : "$(check) Turn completions on", command: "maze.toggle" },
    { label: "$(debug-restart) Restart language server", command: "maze.restartServer" },
    { label: "$(output) Show log", command: "maze.showLog" },
    { label: "$(gear) Settings", command: "maze.openSettings" },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: "maze" });
  if (picked?.command === "maze.openSettings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "@ext:maze.maze");
  } else if (picked) {
    await vscode.commands.executeCommand(picked.command);
  }
}

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const ctl = new Controller();
  controller = ctl;
  context.subscriptions.push(
    vscode.commands.registerCommand("maze.toggle", toggle),
    vscode.commands.registerCommand("maze.restartServer", () => ctl.restart()),
    vscode.commands.registerCommand("maze.showLog", () => ctl.showLog()),
    vscode.commands.registerCommand(MENU_COMMAND, showMenu),
    vscode.workspace.onDidChangeConfiguration((event) => ctl.onConfigurationChanged(event)),
  );
  await ctl.start();
}

export async function deactivate(): Promise<void> {
  const ctl = controller;
  controller = undefined;
  await ctl?.dispose();
}
