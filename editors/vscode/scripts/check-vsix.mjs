// Checks a packaged .vsix: it must hold the bundled client and the manifest, and nothing that
// .vscodeignore is meant to keep out (sources, node_modules, tests and their fake-secret
// fixtures, dotenv files). Run by `npm run package`; exits non-zero with the offending entries.
import { stat } from "node:fs/promises";
import yauzl from "yauzl";

const file = process.argv[2];
if (!file) {
  console.error("usage: node scripts/check-vsix.mjs <file.vsix>");
  process.exit(2);
}

/** Every entry name in the zip's central directory. */
function listEntries(zipPath) {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const names = [];
      zip.on("entry", (entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on("end", () => resolve(names));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

const REQUIRED = ["extension/package.json", "extension/out/main.js", "extension.vsixmanifest"];

// Anything under these names would be a packaging mistake for this extension.
const FORBIDDEN = [
  { why: "node_modules (the client is bundled by esbuild)", test: (n) => n.includes("node_modules/") },
  { why: "TypeScript sources", test: (n) => n.startsWith("extension/src/") || n.endsWith(".ts") },
  { why: "test files or fixtures", test: (n) => /(^|\/)(tests?|fixtures?|__fixtures__)(\/|$)/i.test(n) },
  { why: "dotenv files", test: (n) => /(^|\/)\.env(\.|$)/.test(n) },
  { why: "packaging scripts", test: (n) => n.startsWith("extension/scripts/") },
  { why: "source maps", test: (n) => n.endsWith(".map") },
  { why: "a nested .vsix", test: (n) => n.endsWith(".vsix") },
];

const names = await listEntries(file);
const problems = [];
for (const required of REQUIRED) {
  if (!names.includes(required)) problems.push(`missing ${required}`);
}
for (const name of names) {
  for (const rule of FORBIDDEN) {
    if (rule.test(name)) problems.push(`${name}: ${rule.why} must not be packaged`);
  }
}

if (problems.length > 0) {
  console.error(`check-vsix: ${file} is wrong:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
const { size } = await stat(file);
console.log(`check-vsix: ${file} ok (${names.length} entries, ${(size / 1024).toFixed(1)} KiB)`);
