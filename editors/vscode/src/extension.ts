// VS Code client for the copydesk language server.
//
// The server does the work (diagnostics, quick fixes, hovers, code lenses);
// this file only starts it, forwards settings and provides the one
// client-side command the server's code lenses point at
// (`copydesk.showQuotes`).

import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  Location as LspLocation,
  Position as LspPosition,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

const CLIENT_ID = "copydesk";
const CLIENT_NAME = "Copydesk";

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel | undefined;
let traceChannel: vscode.OutputChannel | undefined;
let clientCommand: string | undefined;

/** Settings as the server expects them (the `copydesk` section, minus client-only keys). */
export interface CopydeskSettings {
  duplicates: { enabled: boolean; nearThreshold: number; minWords: number };
  quotes: { unattributed: boolean; unbalanced: boolean };
}

export function readSettings(): CopydeskSettings {
  const cfg = vscode.workspace.getConfiguration("copydesk");
  return {
    duplicates: {
      enabled: cfg.get<boolean>("duplicates.enabled", true),
      nearThreshold: cfg.get<number>("duplicates.nearThreshold", 0.65),
      minWords: cfg.get<number>("duplicates.minWords", 6),
    },
    quotes: {
      unattributed: cfg.get<boolean>("quotes.unattributed", true),
      unbalanced: cfg.get<boolean>("quotes.unbalanced", true),
    },
  };
}

/**
 * Which binary to run: the `copydesk.server.path` setting if set, else the
 * binary shipped inside the extension (`server/copydesk`), else `copydesk`
 * from PATH.
 */
export function resolveServerCommand(context: vscode.ExtensionContext): string {
  const configured = vscode.workspace
    .getConfiguration("copydesk")
    .get<string>("server.path", "")
    .trim();
  if (configured) {
    return expandHome(configured);
  }
  const exe = process.platform === "win32" ? "copydesk.exe" : "copydesk";
  const bundled = context.asAbsolutePath(path.join("server", exe));
  if (fs.existsSync(bundled)) {
    ensureExecutable(bundled);
    return bundled;
  }
  return "copydesk";
}

function expandHome(p: string): string {
  if (p === "~" || p.startsWith("~/")) {
    const home = process.env.HOME || process.env.USERPROFILE || "";
    return path.join(home, p.slice(1));
  }
  return p;
}

// A .vsix is a zip file and does not always keep the executable bit.
function ensureExecutable(file: string): void {
  if (process.platform === "win32") {
    return;
  }
  try {
    const mode = fs.statSync(file).mode;
    if ((mode & 0o111) === 0) {
      fs.chmodSync(file, mode | 0o755);
    }
  } catch (err) {
    outputChannel?.appendLine(`copydesk: could not make ${file} executable: ${err}`);
  }
}

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const command = resolveServerCommand(context);
  clientCommand = command;
  outputChannel?.appendLine(`copydesk: starting server "${command} lsp"`);

  // TransportKind.stdio makes the client append `--stdio` to the arguments.
  const serverOptions: ServerOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "file", language: "plaintext" },
      { scheme: "untitled", language: "markdown" },
      { scheme: "untitled", language: "plaintext" },
    ],
    initializationOptions: () => readSettings(),
    outputChannel,
    traceOutputChannel: traceChannel,
  };

  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  client = createClient(context);
  try {
    await client.start();
  } catch (err) {
    const msg = `Copydesk: could not start the language server (${clientCommand}). ${err}`;
    outputChannel?.appendLine(msg);
    void vscode.window
      .showErrorMessage(msg, "Open Settings", "Show Output")
      .then((choice) => {
        if (choice === "Open Settings") {
          void vscode.commands.executeCommand("workbench.action.openSettings", "copydesk.server.path");
        } else if (choice === "Show Output") {
          outputChannel?.show(true);
        }
      });
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(2000);
    } catch (err) {
      outputChannel?.appendLine(`copydesk: error while stopping the server: ${err}`);
    }
  }
}

async function restartClient(context: vscode.ExtensionContext): Promise<void> {
  await stopClient();
  await startClient(context);
}

/**
 * Client side of the code lens command
 * `copydesk.showQuotes(uri: string, position: {line, character}, locations: Location[])`:
 * opens VS Code's references peek with every quote of that speaker.
 */
async function showQuotes(uri: unknown, position: unknown, locations: unknown): Promise<void> {
  const c = client;
  if (typeof uri !== "string" || !position || !Array.isArray(locations)) {
    outputChannel?.appendLine(
      `copydesk.showQuotes: unexpected arguments ${JSON.stringify([uri, position, locations])}`,
    );
    return;
  }
  const p2c = c?.protocol2CodeConverter;
  const lspPos = position as LspPosition;
  const vsUri = p2c ? p2c.asUri(uri) : vscode.Uri.parse(uri);
  const vsPos = p2c ? p2c.asPosition(lspPos) : new vscode.Position(lspPos.line, lspPos.character);
  const vsLocs = (locations as LspLocation[]).map((l) =>
    p2c
      ? p2c.asLocation(l)
      : new vscode.Location(
          vscode.Uri.parse(l.uri),
          new vscode.Range(l.range.start.line, l.range.start.character, l.range.end.line, l.range.end.character),
        ),
  );
  await vscode.commands.executeCommand("editor.action.showReferences", vsUri, vsPos, vsLocs);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  traceChannel = vscode.window.createOutputChannel(`${CLIENT_NAME} Trace`);
  context.subscriptions.push(outputChannel, traceChannel);

  context.subscriptions.push(
    vscode.commands.registerCommand("copydesk.restartServer", () => restartClient(context)),
    vscode.commands.registerCommand("copydesk.showOutput", () => outputChannel?.show(true)),
    vscode.commands.registerCommand("copydesk.showQuotes", showQuotes),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration("copydesk")) {
        return;
      }
      outputChannel?.appendLine(`copydesk: settings changed ${JSON.stringify(readSettings())}`);
      if (e.affectsConfiguration("copydesk.server.path")) {
        await restartClient(context);
        return;
      }
      if (client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { copydesk: readSettings() },
        });
      }
    }),
  );

  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
