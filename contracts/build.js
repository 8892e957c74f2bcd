#!/usr/bin/env node
// Compiles every contracts/src/*.sol with the pinned solc-js (package.json) through the
// standard-JSON API, offline, and writes one artifact per deployable contract to
// contracts/artifacts/<Name>.json. The output is deterministic: sorted keys, two-space indent,
// trailing newline, no timestamps or absolute paths. Any compiler warning fails the build.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const solc = require('solc');

// Pinned here and in src/chain (revm's SpecId): the two must stay equal.
const EVM_VERSION = 'osaka';
const OPTIMIZER = { enabled: true, runs: 200 };
// Through the IR pipeline: every function costs less gas (recordAllocation 6 % less on campus13,
// BENCHMARKS.md), and settle's loop compiles without running out of stack slots.
const VIA_IR = true;

const root = __dirname;
const srcDir = path.join(root, 'src');
const outDir = path.join(root, 'artifacts');

function sha256(text) {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

// JSON with object keys sorted at every level (arrays keep their order).
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical(value[key]);
    return out;
  }
  return value;
}

const files = fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort();
const sources = {};
for (const file of files) {
  sources[`src/${file}`] = { content: fs.readFileSync(path.join(srcDir, file), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: EVM_VERSION,
    optimizer: OPTIMIZER,
    viaIR: VIA_IR,
    // No metadata hash in the bytecode: editing a comment leaves the bytecode unchanged, and the
    // artifact's sourceSha256 identifies the source.
    metadata: { bytecodeHash: 'none' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const problems = (output.errors || []).filter((e) => e.severity !== 'info');
if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`${p.formattedMessage || p.message}\n`);
  process.stderr.write(`build.js: ${problems.length} compiler error(s) or warning(s)\n`);
  process.exit(1);
}

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir);
const written = [];
for (const unit of Object.keys(output.contracts).sort()) {
  for (const name of Object.keys(output.contracts[unit]).sort()) {
    const contract = output.contracts[unit][name];
    // Abstract contracts and interfaces have no bytecode: nothing to deploy, no artifact.
    if (!contract.evm.bytecode.object) continue;
    const artifact = {
      contractName: name,
      sourcePath: `contracts/${unit}`,
      sourceSha256: sha256(sources[unit].content),
      compiler: {
        name: 'solc-js',
        version: solc.version(),
        evmVersion: EVM_VERSION,
        optimizer: OPTIMIZER,
        viaIR: VIA_IR,
      },
      abi: contract.abi,
      bytecode: `0x${contract.evm.bytecode.object}`,
      deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
    };
    fs.writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(canonical(artifact), null, 2)}\n`);
    written.push(name);
  }
}
process.stdout.write(`build.js: solc ${solc.version()}, evm ${EVM_VERSION}: ${written.join(', ')}\n`);
