/**
 * The layer rules of packages/tensorlane/src (docs/ARCHITECTURE.md), checked in `pnpm test`:
 * public API (index.ts, tensor.ts, creation …) → shape logic and ops → backend contract →
 * backend/js and backend/wasm → the Rust kernels behind backend/wasm/abi.ts.
 */
const SRC = '^packages/tensorlane/src/';
module.exports = {
  forbidden: [
    {
      name: 'no-runtime-cycle',
      severity: 'error',
      comment: 'Modules must load in one order; a type-only import does not count.',
      from: { path: SRC },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'wasm-only-through-the-backend',
      severity: 'error',
      comment:
        'Ops, einsum, shape logic and the tensor class talk to the Backend contract, never to wasm code.',
      from: {
        path: [
          `${SRC}ops/`,
          `${SRC}einsum/`,
          `${SRC}shape/`,
          `${SRC}format/`,
          `${SRC}testing/`,
          `${SRC}tensor\\.ts$`,
          `${SRC}memory\\.ts$`,
          `${SRC}creation\\.ts$`,
          `${SRC}random\\.ts$`,
          `${SRC}indexing\\.ts$`,
        ],
      },
      to: { path: `${SRC}backend/wasm/` },
    },
    {
      name: 'js-kernels-do-not-know-wasm',
      severity: 'error',
      comment: 'The js backend is the reference the wasm backend is tested against.',
      from: { path: `${SRC}backend/js/` },
      to: { path: `${SRC}backend/wasm/` },
    },
    {
      name: 'backend-below-ops',
      severity: 'error',
      comment: 'Backends run kernels on views; they never build tensors or call ops.',
      from: { path: `${SRC}backend/` },
      to: {
        path: [
          `${SRC}ops/`,
          `${SRC}einsum/`,
          `${SRC}tensor\\.ts$`,
          `${SRC}creation\\.ts$`,
          `${SRC}index\\.ts$`,
        ],
      },
    },
    {
      name: 'shape-logic-is-pure',
      severity: 'error',
      comment: 'Shape arithmetic needs no backend and no ops.',
      from: { path: `${SRC}shape/` },
      to: { path: [`${SRC}backend/`, `${SRC}ops/`, `${SRC}einsum/`] },
    },
    {
      name: 'autograd-graph-knows-no-ops',
      severity: 'error',
      comment:
        'Ops, views and tensor.ts record into autograd/graph.ts and read grad-mode.ts, so those two import no op, backend or derivative; formulas reach ops from derivatives/.',
      from: { path: [`${SRC}autograd/graph\\.ts$`, `${SRC}autograd/grad-mode\\.ts$`] },
      to: {
        path: [
          `${SRC}ops/`,
          `${SRC}einsum/`,
          `${SRC}backend/`,
          `${SRC}creation\\.ts$`,
          `${SRC}autograd/derivatives/`,
          `${SRC}autograd/backward\\.ts$`,
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: { path: SRC },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: SRC,
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
