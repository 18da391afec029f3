#!/usr/bin/env node
// Run an ONNX model with ONNX Runtime (npm onnxruntime-node), the reference runtime,
// with the same interface as `seg infer`:
//   node bench/ort_run.js MODEL.onnx --input NAME=FILE.npy ... --outdir DIR
//        [--threads N] [--iters N] [--serve]
// Writes DIR/<output name>.npy; with --iters prints "median_ms min_ms load_ms".
// --serve speaks the same line protocol as `seg bench --serve` (see tools/seg/cmd_bench.c):
// "ready load_ms=X", then run -> "ms=X", write DIR -> "ok", rss -> "rss_kb=X", quit.
// ONNX Runtime is looked up in $ORT_NODE_DIR (default bench/.cache/ort/node_modules).
'use strict';
const fs = require('fs');
const path = require('path');

const ortDir = process.env.ORT_NODE_DIR ||
  path.join(__dirname, '.cache', 'ort', 'node_modules');
const ort = require(path.join(ortDir, 'onnxruntime-node'));

const NPY_TYPES = {
  '<f4': ['float32', Float32Array], '<f2': ['float16', Uint16Array],
  '|u1': ['uint8', Uint8Array], '|i1': ['int8', Int8Array],
  '<u2': ['uint16', Uint16Array], '<i4': ['int32', Int32Array],
  '<i8': ['int64', BigInt64Array], '|b1': ['bool', Uint8Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not .npy`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',')
    .map((s) => s.trim()).filter((s) => s.length).map(Number);
  const [type, Arr] = NPY_TYPES[descr] || [];
  if (!type) throw new Error(`${file}: dtype ${descr}`);
  const off = start + hlen;
  const bytes = buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + buf.length);
  const data = type === 'bool' ? new Uint8Array(bytes) : new Arr(bytes);
  return new ort.Tensor(type, type === 'bool' ? Array.from(data, Boolean) : data, shape);
}

function writeNpy(file, tensor) {
  const descr = Object.keys(NPY_TYPES).find((k) => NPY_TYPES[k][0] === tensor.type);
  const dims = tensor.dims;
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 11, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  const data = tensor.type === 'bool'
    ? Buffer.from(Uint8Array.from(tensor.data, Number))
    : Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(dict, 'latin1'), data]));
}

function parseArgs(argv) {
  const a = { inputs: {}, threads: 1, iters: 0, outdir: null, model: null, serve: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--input') { const [n, f] = argv[++i].split(/=(.*)/s); a.inputs[n] = f; }
    else if (k === '--outdir') a.outdir = argv[++i];
    else if (k === '--threads') a.threads = Number(argv[++i]);
    else if (k === '--iters') a.iters = Number(argv[++i]);
    else if (k === '--serve') a.serve = true;
    else if (!a.model) a.model = k;
    else throw new Error(`unexpected argument ${k}`);
  }
  if (!a.model) throw new Error('usage: ort_run.js MODEL --input NAME=FILE.npy ... [--outdir DIR]');
  return a;
}

function writeOutputs(dir, out) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, t] of Object.entries(out))
    writeNpy(path.join(dir, name.replace(/[^A-Za-z0-9._-]/g, '_') + '.npy'), t);
}

function peakRssKb() {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : -1;
}

async function serve(session, feeds, loadMs) {
  let out = await session.run(feeds);
  for (let i = 0; i < 2; i++) out = await session.run(feeds);  // warm-up, as seg bench
  process.stdout.write(`ready load_ms=${loadMs.toFixed(3)}\n`);
  const rl = require('readline').createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line === 'run') {
      const s = process.hrtime.bigint();
      out = await session.run(feeds);
      process.stdout.write(`ms=${(Number(process.hrtime.bigint() - s) / 1e6).toFixed(4)}\n`);
    } else if (line.startsWith('write ')) {
      writeOutputs(line.slice(6), out);
      process.stdout.write('ok\n');
    } else if (line === 'rss') {
      process.stdout.write(`rss_kb=${peakRssKb()}\n`);
    } else if (line === 'quit') {
      break;
    } else {
      process.stdout.write(`error unknown command '${line}'\n`);
    }
  }
  rl.close();
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const t0 = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(a.model, {
    intraOpNumThreads: a.threads, interOpNumThreads: 1,
    executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const feeds = {};
  for (const [name, file] of Object.entries(a.inputs)) feeds[name] = readNpy(file);
  if (a.serve) return serve(session, feeds, loadMs);
  let out = await session.run(feeds);
  const times = [];
  for (let i = 0; i < a.iters; i++) {
    const s = process.hrtime.bigint();
    out = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  if (a.outdir) writeOutputs(a.outdir, out);
  if (a.iters) {
    times.sort((x, y) => x - y);
    console.log(`${times[Math.floor(times.length / 2)].toFixed(3)} ${times[0].toFixed(3)} ${loadMs.toFixed(3)}`);
  }
}

main().catch((e) => { console.error(`ort_run: ${e.message}`); process.exit(1); });
