/**
 * backend/wasm/abi.ts against the module it declares: the op codes against the Rust enums
 * they mirror (the kernels read a code as a variant, so a code that differs on one side runs
 * another op, or none), and the load-time check of the exports' names and arities.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ARITH_CODE,
  abiMismatches,
  COMPARE_CODE,
  KIND_CODE,
  REDUCE_CODE,
  SCATTER_CODE,
  UNARY_CODE,
} from '../src/backend/wasm/abi.js';
import { loadKernels } from '../src/backend/wasm/load-module.js';
import { InitError } from '../src/errors.js';

const kernelSource = (file: string) =>
  readFileSync(
    fileURLToPath(new URL(`../../../crates/kernels/src/${file}`, import.meta.url)),
    'utf8',
  );

/** `Variant = N` pairs of `enum name { … }` in a Rust source file. */
function rustEnum(file: string, name: string): Record<string, number> {
  const source = kernelSource(file);
  const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(source)?.[1];
  if (body === undefined) throw new Error(`no enum ${name} in crates/kernels/src/${file}`);
  const variants: Record<string, number> = {};
  for (const m of body.matchAll(/^\s*(\w+)\s*=\s*(\d+)\s*,/gm)) variants[m[1]!] = Number(m[2]);
  return variants;
}

const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);
const KIND_VARIANT = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'Bool' } as const;

/** The TS table renamed to Rust variant names. */
function asVariants(codes: Partial<Record<string, number>>, rename = pascal) {
  return Object.fromEntries(Object.entries(codes).map(([k, v]) => [rename(k), v]));
}

describe('kernel ABI op codes match the Rust enums', () => {
  it.each([
    ['binary.rs', 'ArithOp', ARITH_CODE],
    ['binary.rs', 'CmpOp', COMPARE_CODE],
    ['unary.rs', 'UnaryOp', UNARY_CODE],
    ['reduce.rs', 'ReduceOp', REDUCE_CODE],
    ['select.rs', 'ScatterMode', SCATTER_CODE],
  ] as const)('%s %s', (file, name, codes) => {
    const rust = rustEnum(file, name);
    expect(Object.keys(rust).length).toBeGreaterThan(0);
    expect(asVariants(codes)).toEqual(rust);
  });

  it('copy.rs Kind', () => {
    const rename = (dtype: string) => KIND_VARIANT[dtype as keyof typeof KIND_VARIANT];
    expect(asVariants(KIND_CODE, rename)).toEqual(rustEnum('copy.rs', 'Kind'));
  });
});

describe('kernel ABI exports are checked at load', () => {
  it('a loaded build has every declared export with its arity', async () => {
    const { exports, build } = await loadKernels('simd128', undefined, 1);
    expect(build).toBe('simd128');
    expect(abiMismatches({ ...exports }, false)).toEqual([]);
  });

  it('a missing export or a wrong arity is named', async () => {
    const { exports } = await loadKernels('simd128', undefined, 1);
    const stale: Record<string, unknown> = { ...exports, gemm_f32: (a: number) => a };
    delete stale.tl_recover;
    expect(abiMismatches(stale, false)).toEqual([
      'tl_recover: missing function',
      'gemm_f32: takes 1 arguments, not 18',
    ]);
  });

  it('a module that is not the kernel module fails init with an InitError', async () => {
    // The smallest valid wasm module: magic number and version, no exports.
    const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    const error = await loadKernels('simd128', empty, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InitError);
    expect(String(error)).toMatch(/not this version's kernel module \(memory: missing/);
  });
});
