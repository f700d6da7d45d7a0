#!/usr/bin/env node
// Launcher for the keyward binary: npm installed exactly one of the optional
// `@keyward/cli-<platform>-<arch>` packages (the one whose os/cpu match); run its binary with
// our arguments and exit with its status. KEYWARD_BIN overrides, for testing a build.
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const pkg = `@keyward/cli-${process.platform}-${process.arch}`;
const exe = process.platform === "win32" ? "keyward.exe" : "keyward";

function binary() {
  if (process.env.KEYWARD_BIN) return process.env.KEYWARD_BIN;
  try {
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "bin", exe);
  } catch {
    console.error(
      `keyward: no prebuilt binary for ${process.platform}-${process.arch} (${pkg} is not installed).\n` +
        "Reinstall without --no-optional / --omit=optional, or install keyward another way: " +
        "https://github.com/keyward/keyward#install",
    );
    process.exit(2);
  }
}

const r = spawnSync(binary(), process.argv.slice(2), { stdio: "inherit" });
if (r.error) {
  console.error(`keyward: cannot run ${r.error.path || pkg}: ${r.error.message}`);
  process.exit(2);
}
if (r.signal) process.kill(process.pid, r.signal);
process.exit(r.status ?? 2);
