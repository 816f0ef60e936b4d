// The build record of a package folder (`build.json`), and the comparison of two of them.
//
// `build.json` names the toolchain (rustc, wasm-bindgen, wasm-opt), a hash of every input of the
// build (the Rust sources compiled, as listed by cargo's dep-info; the crates and features of
// the dependency graph; the size profile; the JavaScript sources and build scripts), and the
// size and sha256 of every file of the package. Two builds with the same inputs and toolchain
// must have byte-identical files: that is what makes the committed bundle (bindings-wasm/dist)
// checkable.
//
// Usage:
//   node build-info.mjs write <root> <dep-info file> <package dir>
//   node build-info.mjs compare <fresh package dir> <committed package dir>
//     exit 0: same inputs and toolchain, same bytes
//     exit 3: the committed package is stale (its inputs differ)
//     exit 4: same inputs and toolchain but different bytes (the build is not reproducible)
//     exit 5: same inputs, another toolchain: the bytes cannot be compared
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8' }).trim();

function write(root, depInfo, dir) {
  root = resolve(root);
  // Cargo's dep-info: "output: input input …" (spaces in paths escaped as "\ ").
  const deps = readFileSync(depInfo, 'utf8')
    .split('\n')[0]
    .replace(/^[^:]*(?<!\\):\s*/, '')
    .split(/(?<!\\)\s+/)
    .filter(Boolean)
    .map((p) => p.replace(/\\ /g, ' '));
  const here = resolve(root, 'bindings-wasm');
  const extra = [
    join(here, 'build.sh'),
    ...readdirSync(join(here, 'js')).map((f) => join(here, 'js', f)),
    join(root, 'bindings-node', 'errors.js'),
    join(root, 'bindings-node', 'errors.d.ts'),
    join(root, 'bindings-node', 'types.d.ts'),
  ];
  const lines = [...new Set([...deps, ...extra])]
    .map((p) => `${sha256(readFileSync(p))}  ${relative(root, p)}`)
    .sort();
  // The dependency graph of the wasm build, with versions and features (paths made relative).
  const tree = run(
    'cargo',
    ['tree', '-p', 'chamdiem-wasm', '--target', 'wasm32-unknown-unknown', '-e', 'normal,build',
      '--prefix', 'none', '--no-dedupe', '-f', '{p} {f}', '--locked', '--offline'],
    root,
  )
    .split('\n')
    .map((l) => l.split(root).join('.').trim())
    .filter(Boolean);
  const cargoToml = readFileSync(join(root, 'Cargo.toml'), 'utf8');
  const section = (name) => cargoToml.match(new RegExp(`^\\[${name.replace('.', '\\.')}\\]\\n(?:(?!\\[).*\\n?)*`, 'm'))?.[0] ?? '';
  const inputs = sha256(
    [
      ...lines,
      ...[...new Set(tree)].sort(),
      section('workspace.package'),
      section('profile.release'),
      section('profile.wasm-release'),
      `features: ${process.env.CHAMDIEM_WASM_FEATURES ?? ''}`,
    ].join('\n'),
  );
  const files = {};
  for (const f of readdirSync(dir).sort()) {
    if (f === 'build.json') continue;
    const data = readFileSync(join(dir, f));
    files[f] = { bytes: data.length, sha256: sha256(data) };
  }
  const info = {
    note: 'The build record of this package (bindings-wasm/js/build-info.mjs); built by bindings-wasm/build.sh.',
    toolchain: {
      rustc: run('rustc', ['-V']),
      'wasm-bindgen': run('wasm-bindgen', ['--version']),
      'wasm-opt': run(process.env.WASM_OPT ?? join(root, '.tools/node_modules/.bin/wasm-opt'), ['--version']),
    },
    inputs,
    files,
  };
  writeFileSync(join(dir, 'build.json'), `${JSON.stringify(info, null, 2)}\n`);
}

function compare(fresh, committed) {
  const read = (d) => {
    const p = join(d, 'build.json');
    return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : null;
  };
  const a = read(fresh);
  const b = read(committed);
  if (!a) throw new Error(`${fresh}/build.json is missing`);
  if (!b || a.inputs !== b.inputs) {
    console.log(`${committed} is stale: it was built from other sources than the ones checked out`);
    process.exit(3);
  }
  const sameTools = JSON.stringify(a.toolchain) === JSON.stringify(b.toolchain);
  const differ = Object.keys({ ...a.files, ...b.files }).filter((f) => a.files[f]?.sha256 !== b.files[f]?.sha256);
  if (!sameTools) {
    console.log(
      `${committed} was built from these sources with another toolchain ` +
        `(${JSON.stringify(b.toolchain)}; here ${JSON.stringify(a.toolchain)}); ` +
        `its bytes cannot be compared here${differ.length ? ` (they differ in ${differ.join(', ')})` : ' (they are the same)'}`,
    );
    process.exit(5);
  }
  if (differ.length) {
    console.log(`same sources and toolchain, but different bytes in: ${differ.join(', ')}`);
    process.exit(4);
  }
  console.log(`${committed} is up to date: the same bytes as a fresh build`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'write') write(...args);
else if (mode === 'compare') compare(...args);
else {
  console.error('usage: build-info.mjs write <root> <dep-info> <dir> | compare <fresh> <committed>');
  process.exit(2);
}
