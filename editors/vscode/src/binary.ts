// Finds the `keyward` binary to run. Order: `KEYWARD_PATH` (lets tests and wrappers pin a
// build), the `keyward.path` setting, a binary bundled in a platform-specific .vsix under
// `bundled/`, and finally plain `keyward`, which the OS looks up on PATH.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";

export interface ResolvedServer {
  command: string;
  /** Where the command came from, for the output channel. */
  origin: string;
}

export async function resolveServer(extensionDir: string): Promise<ResolvedServer> {
  const fromEnv = process.env.KEYWARD_PATH?.trim();
  if (fromEnv) {
    return { command: expand(fromEnv), origin: "KEYWARD_PATH" };
  }

  const fromSetting = vscode.workspace.getConfiguration("keyward").get<string>("path", "").trim();
  if (fromSetting) {
    return { command: expand(fromSetting), origin: "setting keyward.path" };
  }

  const exe = process.platform === "win32" ? "keyward.exe" : "keyward";
  const bundled = path.join(extensionDir, "bundled", exe);
  if (await isExecutable(bundled)) {
    return { command: bundled, origin: "bundled with the extension" };
  }

  return { command: exe, origin: "PATH" };
}

/** `~` to the home directory; a relative path against the first workspace folder. */
function expand(p: string): string {
  let out = p;
  if (out === "~" || out.startsWith("~/") || out.startsWith("~\\")) {
    out = path.join(os.homedir(), out.slice(1));
  }
  // A bare name such as `keyward` is left for the PATH lookup.
  const looksLikePath = out.includes("/") || out.includes("\\");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (looksLikePath && !path.isAbsolute(out) && folder) {
    out = path.join(folder, out);
  }
  return out;
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    await fs.promises.access(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
