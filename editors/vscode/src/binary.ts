// Finds the `keyward` binary to run, first match wins:
//  1. `KEYWARD_PATH` in the extension host's environment (tests and wrappers pin a build);
//  2. the binary bundled in a platform-specific .vsix (`bundled/keyward`);
//  3. the `keyward.path` setting: machine scope only, so a workspace cannot choose what runs,
//     and ignored altogether in an untrusted workspace;
//  4. `PATH`, then the places installers put it that the extension host's PATH often lacks:
//     `~/.cargo/bin` (cargo install), `~/.local/bin` (pipx, pip --user), pipx's and npm's
//     prefixes.
// The version of the chosen binary is asked for (`keyward --version`) so the output channel
// says exactly what runs; a candidate that does not answer is skipped.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface ResolvedServer {
  command: string;
  /** Where the command came from, for the output channel. */
  origin: string;
  /** `keyward --version`'s output, e.g. `keyward 0.1.0`. */
  version: string;
}

export interface Inputs {
  extensionDir: string;
  /** The `keyward.path` setting's machine-level value (never the workspace's). */
  settingPath?: string;
  trusted: boolean;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
}

export const INSTALL_URL = "https://github.com/keyward/keyward#install";

/** Candidate binaries in order, each with where it came from. */
export function candidates(i: Inputs): { command: string; origin: string }[] {
  const exe = i.platform === "win32" ? "keyward.exe" : "keyward";
  const out: { command: string; origin: string }[] = [];
  const fromEnv = i.env.KEYWARD_PATH?.trim();
  if (fromEnv) out.push({ command: expand(fromEnv, i.home), origin: "KEYWARD_PATH" });
  out.push({ command: path.join(i.extensionDir, "bundled", exe), origin: "bundled with the extension" });
  const setting = i.settingPath?.trim();
  if (setting && i.trusted) {
    out.push({ command: expand(setting, i.home), origin: "setting keyward.path" });
  }
  const sep = i.platform === "win32" ? ";" : ":";
  for (const dir of (i.env.PATH ?? "").split(sep).filter((d) => d !== "")) {
    out.push({ command: path.join(dir, exe), origin: "PATH" });
  }
  const extra: [string, string][] = [
    [path.join(i.home, ".cargo", "bin"), "~/.cargo/bin (cargo install)"],
    [path.join(i.home, ".local", "bin"), "~/.local/bin (pipx or pip --user)"],
  ];
  if (i.env.PIPX_BIN_DIR) extra.push([i.env.PIPX_BIN_DIR, "PIPX_BIN_DIR"]);
  const npmPrefix = i.env.npm_config_prefix ?? i.env.NPM_CONFIG_PREFIX;
  if (npmPrefix) {
    extra.push([i.platform === "win32" ? npmPrefix : path.join(npmPrefix, "bin"), "npm prefix"]);
  }
  extra.push([path.join(i.home, ".npm-global", "bin"), "~/.npm-global/bin (npm)"]);
  if (i.platform !== "win32") extra.push(["/usr/local/bin", "/usr/local/bin"]);
  for (const [dir, origin] of extra) out.push({ command: path.join(dir, exe), origin });
  return out;
}

/** The first candidate that exists, is executable and answers `--version`; none: undefined. */
export async function resolveServer(i: Inputs): Promise<ResolvedServer | undefined> {
  const seen = new Set<string>();
  for (const c of candidates(i)) {
    if (seen.has(c.command)) continue;
    seen.add(c.command);
    if (!(await isExecutable(c.command))) continue;
    const version = await versionOf(c.command);
    if (version !== undefined) return { ...c, version };
  }
  return undefined;
}

/** `~` to the home directory. Relative paths are not resolved against the workspace: a
 * workspace must not choose what runs. */
function expand(p: string, home: string): string {
  if (p === "~" || p.startsWith("~/") || p.startsWith("~\\")) return path.join(home, p.slice(1));
  return p;
}

async function isExecutable(p: string): Promise<boolean> {
  if (!path.isAbsolute(p)) return false;
  try {
    const st = await fs.promises.stat(p);
    if (!st.isFile()) return false;
    await fs.promises.access(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function versionOf(command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, ["--version"], { timeout: 5000 }, (err, stdout) => {
      resolve(err ? undefined : stdout.trim().split("\n")[0]);
    });
  });
}

export function defaultInputs(extensionDir: string, settingPath: string | undefined, trusted: boolean): Inputs {
  return { extensionDir, settingPath, trusted, env: process.env, platform: process.platform, home: os.homedir() };
}
