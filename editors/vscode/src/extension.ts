// The keyward VS Code extension: starts `keyward lsp` over stdio for every file and passes the
// extension's settings to it. Everything the user sees (diagnostics, quick-fixes, the commands
// the quick-fixes run, workspace edits) comes from the server; this file only launches it.
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { defaultInputs, INSTALL_URL, resolveServer } from "./binary";
import { serverSettings } from "./settings";

const CLIENT_ID = "keyward";
const CLIENT_NAME = "keyward";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // One channel for the extension's own messages, the server's stderr and the LSP trace
  // (`keyward.trace.server`), so a user has one place to look.
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand("keyward.restart", () => restart(context)),
    vscode.commands.registerCommand("keyward.showOutput", () => output?.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => onConfigurationChanged(context, e)),
    // Trusting the folder turns the fixes on: restart with `trusted: true` (and the user's
    // keyward.path, which Restricted Mode ignores).
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart(context)),
  );

  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const trusted = vscode.workspace.isTrusted;
  // keyward.path has machine scope; read only the user-level value so that no workspace or
  // folder file can pick the program that runs.
  const settingPath = vscode.workspace.getConfiguration("keyward").inspect<string>("path")?.globalValue;
  const server = await resolveServer(defaultInputs(context.extensionUri.fsPath, settingPath, trusted));
  if (!server) {
    output?.appendLine(
      "keyward: no keyward binary found (looked in the extension's bundle, keyward.path, PATH, " +
        `~/.cargo/bin, ~/.local/bin, pipx and npm prefixes). Install: ${INSTALL_URL}`,
    );
    const choice = await vscode.window.showErrorMessage(
      "keyward: the `keyward` program was not found. Install it (pipx install keyward-bin, " +
        "npm install -g keyward, cargo install --locked keyward) or set `keyward.path`.",
      "How to Install",
      "Open Settings",
    );
    if (choice === "How to Install") {
      await vscode.env.openExternal(vscode.Uri.parse(INSTALL_URL));
    } else if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "keyward.path");
    }
    return;
  }
  output?.appendLine(`keyward: starting ${server.command} lsp — ${server.version} (${server.origin})`);
  if (!trusted) {
    output?.appendLine(
      "keyward: Restricted Mode: findings are shown, fixes are off. Trust the folder to move secrets.",
    );
    void vscode.window
      .showInformationMessage(
        "keyward shows findings in this untrusted folder; quick-fixes (which write files or talk to a vault) need a trusted folder.",
        "Manage Workspace Trust",
      )
      .then((c) => c && vscode.commands.executeCommand("workbench.trust.manage"));
  }

  const run = { command: server.command, args: ["lsp"], transport: TransportKind.stdio };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    // A secret can sit in any file, whatever its language: every file on disk, every unsaved
    // editor, and the commit-message box of the Source Control view.
    documentSelector: [{ scheme: "file" }, { scheme: "untitled" }, { scheme: "vscode-scm" }],
    initializationOptions: serverSettings(trusted),
    outputChannel: output,
    traceOutputChannel: output,
  };

  const next = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  try {
    await next.start();
    client = next;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    output?.appendLine(`keyward: the language server did not start: ${message}`);
    const choice = await vscode.window.showErrorMessage(
      `keyward: could not start \`${server.command} lsp\` (${message}). ` +
        "Install keyward or set `keyward.path`.",
      "Open Settings",
      "Show Output",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "keyward.path");
    } else if (choice === "Show Output") {
      output?.show(true);
    }
    await next.dispose().catch(() => undefined);
  }
}

async function stop(): Promise<void> {
  const current = client;
  client = undefined;
  if (current) {
    // dispose() stops the server and unregisters the client's handlers.
    await current.dispose().catch((err: unknown) => {
      output?.appendLine(`keyward: error while stopping the server: ${String(err)}`);
    });
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

async function onConfigurationChanged(
  context: vscode.ExtensionContext,
  e: vscode.ConfigurationChangeEvent,
): Promise<void> {
  if (!e.affectsConfiguration("keyward")) {
    return;
  }
  // A new binary needs a new process; everything else is sent to the running server.
  if (e.affectsConfiguration("keyward.path")) {
    await restart(context);
    return;
  }
  if (client?.isRunning()) {
    await client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: serverSettings(vscode.workspace.isTrusted),
    });
  }
}
