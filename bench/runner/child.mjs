#!/usr/bin/env node
// Runs one benchmark file in its own process (so one file's crash, memory growth or JIT
// state never touches another's numbers) and writes its cases as JSON for bench/run.mjs.
// usage: node child.mjs <file.bench.mjs> <out.json> '<options json>'
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, out, optionsJson = '{}'] = process.argv.slice(2);
const options = { ...JSON.parse(optionsJson), log: (message) => console.log(`  ${message}`) };
const mod = await import(pathToFileURL(resolve(file)).href);
const run = mod.run ?? mod.default;
if (typeof run !== 'function')
  throw new Error(`${file} exports no run(options) function (see bench/run.mjs for the contract)`);
const result = await run(options);
const cases = Array.isArray(result) ? result : result?.cases;
if (!Array.isArray(cases)) throw new Error(`${file}: run() returned no array of cases`);
writeFileSync(
  out,
  JSON.stringify({ cases, meta: Array.isArray(result) ? {} : (result.meta ?? {}) }),
);
