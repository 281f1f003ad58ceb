/**
 * Code actions generate a function body on the CPU, which takes seconds. The server reports
 * work-done progress, which vscode-languageclient shows only as small status bar text; the user has
 * just picked an action and watches the editor, so the extension also shows a notification with a
 * spinner and a Cancel button while the request runs.
 */

import * as vscode from "vscode";

/** Run `request` (a maze code action being resolved or executed) under a cancellable progress notification. */
export async function withCodeActionProgress<T>(
  title: string,
  token: vscode.CancellationToken | undefined,
  request: (token: vscode.CancellationToken) => vscode.ProviderResult<T>,
): Promise<T | undefined | null> {
  if (!title.startsWith("maze")) {
    return request(token ?? new vscode.CancellationTokenSource().token);
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${title}…`, cancellable: true },
    async (_progress, cancel) => {
      const source = new vscode.CancellationTokenSource();
      const listeners = [cancel.onCancellationRequested(() => source.cancel())];
      if (token) {
        listeners.push(token.onCancellationRequested(() => source.cancel()));
      }
      try {
        return await request(source.token);
      } finally {
        listeners.forEach((listener) => listener.dispose());
        source.dispose();
      }
    },
  );
}
