/**
 * The op codes in backend/wasm/abi.ts against the Rust enums they mirror: the kernels read
 * a code as a variant, so a code that differs on one side runs another op (or none).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ARITH_CODE,
  COMPARE_CODE,
  KIND_CODE,
  REDUCE_CODE,
  UNARY_CODE,
} from '../src/backend/wasm/abi.js';

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
