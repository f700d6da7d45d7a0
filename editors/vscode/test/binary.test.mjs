// Binary discovery (src/binary.ts) against real files: bundles the module with esbuild and runs
// it in node. Run by `npm test`.
import { build } from "esbuild";
import { mkdtempSync, mkdirSync, writeFileSync, chmodSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";

const out = path.join(mkdtempSync(path.join(tmpdir(), "kw-bin-")), "binary.mjs");
await build({ entryPoints: ["src/binary.ts"], bundle: true, platform: "node", format: "esm", outfile: out });
const { resolveServer } = await import(out);

const root = mkdtempSync(path.join(tmpdir(), "kw-disc-"));
function fake(dir, version) {
  mkdirSync(dir, { recursive: true });
  const p = path.join(dir, "keyward");
  writeFileSync(p, `#!/bin/sh\necho "keyward ${version}"\n`);
  chmodSync(p, 0o755);
  return p;
}
const home = path.join(root, "home");
const ext = path.join(root, "ext");
mkdirSync(ext, { recursive: true });
const base = { extensionDir: ext, trusted: true, platform: "linux", home, env: { PATH: "/nonexistent" } };

// Nothing anywhere: undefined (the extension then shows the install notification).
assert.equal(await resolveServer(base), undefined);

// ~/.cargo/bin is found although PATH lacks it.
const cargo = fake(path.join(home, ".cargo", "bin"), "0.0.1-cargo");
let r = await resolveServer(base);
assert.equal(r.command, cargo);
assert.equal(r.version, "keyward 0.0.1-cargo");

// PATH before ~/.cargo/bin.
const onPath = fake(path.join(root, "pathdir"), "0.0.2-path");
r = await resolveServer({ ...base, env: { PATH: path.join(root, "pathdir") } });
assert.equal(r.command, onPath);
assert.equal(r.origin, "PATH");

// The keyward.path setting before PATH, but only in a trusted workspace.
const custom = fake(path.join(root, "custom"), "0.0.3-setting");
r = await resolveServer({ ...base, settingPath: custom, env: { PATH: path.join(root, "pathdir") } });
assert.equal(r.command, custom);
r = await resolveServer({ ...base, trusted: false, settingPath: custom, env: { PATH: path.join(root, "pathdir") } });
assert.equal(r.command, onPath, "Restricted Mode ignores keyward.path");

// A relative keyward.path is never resolved against the workspace.
r = await resolveServer({ ...base, settingPath: "custom/keyward", env: {} });
assert.equal(r.command, cargo);

// The bundled binary wins over everything but KEYWARD_PATH.
const bundled = fake(path.join(ext, "bundled"), "0.0.4-bundled");
r = await resolveServer({ ...base, settingPath: custom, env: { PATH: path.join(root, "pathdir") } });
assert.equal(r.command, bundled);
assert.equal(r.origin, "bundled with the extension");

// A candidate that does not answer --version is skipped.
writeFileSync(bundled, "#!/bin/sh\nexit 3\n");
r = await resolveServer({ ...base, env: { PATH: path.join(root, "pathdir") } });
assert.equal(r.command, onPath);

rmSync(root, { recursive: true, force: true });
console.log("binary discovery: ok");
