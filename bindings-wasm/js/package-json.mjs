// Writes the package's package.json (the version is the workspace's, from Cargo.toml).
//
// Usage: node package-json.mjs <Cargo.toml> <out/package.json>
import { readFileSync, writeFileSync } from 'node:fs';

const [cargoToml, out] = process.argv.slice(2);
const workspace = readFileSync(cargoToml, 'utf8').split(/^\[workspace\.package\]$/m)[1] ?? '';
const field = (name) => workspace.match(new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, 'm'))?.[1];

const files = [
  'index.js',
  'index.d.ts',
  'chamdiem_wasm.js',
  'chamdiem_wasm.d.ts',
  'chamdiem_wasm_bg.wasm',
  'chamdiem_wasm_bg.wasm.d.ts',
  'errors.js',
  'errors.d.ts',
  'types.d.ts',
];
const pkg = {
  name: 'chamdiem-wasm',
  version: field('version'),
  description:
    'Scoring and workflow engine for public-sector assessments, in WebAssembly: criteria sets, dossiers, review rounds, exact results and rankings in the browser.',
  license: field('license'),
  repository: { type: 'git', url: `git+${field('repository')}.git`, directory: 'bindings-wasm' },
  private: true,
  type: 'module',
  main: './index.js',
  module: './index.js',
  types: './index.d.ts',
  exports: {
    '.': { types: './index.d.ts', default: './index.js' },
    './chamdiem_wasm_bg.wasm': './chamdiem_wasm_bg.wasm',
    './package.json': './package.json',
  },
  files,
  // index.js loads the WebAssembly module when imported.
  sideEffects: ['./index.js'],
  keywords: ['assessment', 'scoring', 'workflow', 'decimal', 'webassembly'],
};
writeFileSync(out, `${JSON.stringify(pkg, null, 2)}\n`);
