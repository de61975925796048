/**
 * Weights I/O against files written by numpy (`.npy`, `.npz`) and from the safetensors
 * specification (fixtures/gen_weights.py), round trips, and a fuzz test: byte mutations of
 * valid files must load or fail with a FormatError, never another error, a trap, a leak or
 * a changed tensor elsewhere.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  ArgumentError,
  FormatError,
  loadNpy,
  loadNpz,
  loadSafetensors,
  memory,
  saveNpy,
  saveSafetensors,
  type Tensor,
  tensor,
} from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import values from './fixtures/weights/values.json' with { type: 'json' };

const fixture = (name: string) =>
  fileURLToPath(new URL(`./fixtures/weights/${name}`, import.meta.url));
const expected = values as Record<string, { shape: number[]; data: (number | string | null)[] }>;

function expectValues(t: Tensor, key: string) {
  const want = expected[key]!;
  expect(t.shape, key).toEqual(want.shape);
  const got = Array.from(t.data() as ArrayLike<number>, Number);
  want.data.forEach((w, i) => {
    if (w === null) expect(Number.isNaN(got[i]), `${key}[${i}]`).toBe(true);
    else if (typeof w === 'string')
      expect(got[i], `${key}[${i}]`).toBe(w === 'inf' ? Infinity : -Infinity);
    else expect(got[i], `${key}[${i}]`).toBeCloseTo(w, t.dtype === 'float64' ? 12 : 5);
  });
}

const NPY = [
  'f4',
  'f8',
  'i4',
  'b1',
  'f2',
  'i8',
  'u1',
  'i2',
  'big_f4',
  'fortran_f4',
  'scalar_f8',
  'empty_f4',
  'v2_f4',
];
const NPY_DTYPE: Record<string, string> = {
  f8: 'float64',
  scalar_f8: 'float64',
  i4: 'int32',
  i8: 'int32',
  u1: 'int32',
  i2: 'int32',
  b1: 'bool',
};

describeBackends('weights I/O', (it) => {
  it('loads every .npy numpy writes: dtypes, byte orders, Fortran order, v2.0, 0-d and empty', async () => {
    for (const name of NPY) {
      const t = await loadNpy(fixture(`${name}.npy`));
      expect(t.dtype, name).toBe(NPY_DTYPE[name] ?? 'float32');
      expectValues(t, `npy/${name}`);
      if (name === 'fortran_f4') expect(t.stride()).toEqual([1, 3]);
      t.dispose();
    }
  });

  it('refuses an int64 past int32 with a FormatError naming the element', async () => {
    await expect(loadNpy(fixture('overflow_i8.npy'))).rejects.toThrow(
      /element 0 does not fit int32/,
    );
  });

  it('loads .npz archives numpy writes, stored (savez) and deflated (savez_compressed)', async () => {
    for (const file of ['stored.npz', 'deflated.npz']) {
      const arrays = await loadNpz(fixture(file));
      expect(Object.keys(arrays).sort(), file).toEqual(['flags', 'fortran', 'ids', 'weight']);
      expect(arrays.ids!.dtype).toBe('int32');
      expect(arrays.fortran!.stride()).toEqual([1, 2]);
      for (const [name, t] of Object.entries(arrays)) {
        expectValues(t, `npz/${name}`);
        t.dispose();
      }
    }
  });

  it('refuses a file that is not a ZIP, or a member past the end, with a FormatError', async () => {
    await expect(loadNpz(saveNpy(tensor([1])))).rejects.toThrow(/no ZIP end-of-directory/);
    const bytes = readFileSync(fixture('stored.npz'));
    await expect(loadNpz(bytes.subarray(0, bytes.length - 30))).rejects.toThrow(FormatError);
  });

  it('refuses bad arguments with an ArgumentError naming the op and the value', async () => {
    await expect(loadSafetensors(42 as never)).rejects.toThrow(
      /loadSafetensors: source must be bytes, an ArrayBuffer, a Response, a URL or a path, got 42/,
    );
    await expect(loadNpy({} as never)).rejects.toThrow(ArgumentError);
    await expect(loadNpz(null as never)).rejects.toThrow(/loadNpz: source must be/);
    expect(() => saveNpy('x' as never)).toThrow(ArgumentError);
    expect(() => saveSafetensors({ w: [1, 2] } as never)).toThrow(
      /saveSafetensors: tensors\['w'\]/,
    );
    expect(() => saveSafetensors({ __metadata__: tensor([1]) })).toThrow(/reserved/);
    expect(() => saveSafetensors({ w: tensor([1]) }, { k: 3 } as never)).toThrow(
      /metadata must map strings to strings/,
    );
    expect(() => saveSafetensors(null as never)).toThrow(ArgumentError);
  });

  it('loads a safetensors file with F32, F16, BF16, I64, BOOL and F64 entries', async () => {
    const weights = await loadSafetensors(readFileSync(fixture('model.safetensors')));
    expect(Object.keys(weights).sort()).toEqual(['bf', 'd', 'h', 'ids', 'mask', 'w']);
    for (const [name, t] of Object.entries(weights)) {
      expectValues(t, `safetensors/${name}`);
      t.dispose();
    }
  });

  it('round-trips every dtype through saveSafetensors and saveNpy (views saved in logical order)', async () => {
    const x = tensor([
      [1.5, -2],
      [3, 4.25],
    ]).float();
    const tensors = { x: x.T, i: tensor([1, -2, 3]), b: tensor([true, false]), d: x.double() };
    const back = await loadSafetensors(saveSafetensors(tensors, { note: 'hi' }));
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name]!.dtype).toBe(t.dtype);
      expect(back[name]!.toArray()).toEqual(t.toArray());
      const npy = await loadNpy(saveNpy(t));
      expect(npy.toArray()).toEqual(t.toArray());
      npy.dispose();
      back[name]!.dispose();
    }
    x.dispose();
  });

  it('names the tensor and the problem in malformed files, before allocating', async () => {
    const good = saveSafetensors({ a: tensor([1, 2, 3]).float(), b: tensor([4]).float() });
    const header = (json: string) => {
      const head = new TextEncoder().encode(json);
      const f = new Uint8Array(8 + head.length + 16);
      new DataView(f.buffer).setBigUint64(0, BigInt(head.length), true);
      f.set(head, 8);
      return f;
    };
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 5), /truncated file of 5 bytes/],
      [
        good.subarray(0, good.length - 4),
        /data section has 12 bytes but the tensors cover 16|outside/,
      ],
      [
        (() => {
          const f = good.slice();
          new DataView(f.buffer).setBigUint64(0, 2n ** 40n, true);
          return f;
        })(),
        /over the 100 MB limit/,
      ],
      [
        (() => {
          const f = good.slice();
          new DataView(f.buffer).setBigUint64(0, 10_000n, true);
          return f;
        })(),
        /runs past the end/,
      ],
      [
        header(
          '{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [12, 16]}}',
        ),
        /tensor '[ab]'.*overlap/,
      ],
      [
        header('{"a": {"dtype": "F32", "shape": [5], "data_offsets": [0, 16]}}'),
        /tensor 'a': shape \[5\] of F32 needs 20 bytes/,
      ],
      [
        header('{"a": {"dtype": "Q9", "shape": [4], "data_offsets": [0, 16]}}'),
        /tensor 'a': dtype "Q9" is not one of/,
      ],
      [
        header('{"a": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}}'),
        /tensor 'a': shape \[-4\]/,
      ],
      [header('{"a": [1, 2]}'), /tensor 'a': header entry is not an object/],
      [header('not json at all'), /not UTF-8 JSON/],
      [
        (() => {
          const f = header('{"a": 1}');
          f[9] = 0xff;
          return f;
        })(),
        /not UTF-8 JSON/,
      ],
    ];
    const before = memory();
    for (const [bytes, message] of cases) {
      await expect(loadSafetensors(bytes)).rejects.toThrow(FormatError);
      await expect(loadSafetensors(bytes)).rejects.toThrow(message);
    }
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
  });

  it('fuzz: mutated files load or throw FormatError; no other error, no leak, bystanders intact', async () => {
    const keep = tensor([1, 2, 3]).float();
    const valid = [
      saveSafetensors(
        {
          w: tensor([
            [1, 2],
            [3, 4],
          ]).float(),
          i: tensor([7, 8]),
          m: tensor([true]),
        },
        { k: 'v' },
      ),
      readFileSync(fixture('model.safetensors')),
    ];
    const npy = [saveNpy(tensor([[1.5, 2.5]]).float()), readFileSync(fixture('fortran_f4.npy'))];
    const npz = [readFileSync(fixture('stored.npz')), readFileSync(fixture('deflated.npz'))];
    const before = memory();
    const mutation = fc.record({
      file: fc.nat(),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      cut: fc.option(fc.nat()),
    });
    await fc.assert(
      fc.asyncProperty(
        mutation,
        fc.constantFrom('safetensors', 'npy', 'npz'),
        async ({ file, edits, cut }, kind) => {
          const pool = kind === 'npy' ? npy : kind === 'npz' ? npz : valid;
          const bytes = pool[file % pool.length]!.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const input = cut === null ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
          try {
            const loaded =
              kind === 'npy'
                ? { t: await loadNpy(input) }
                : kind === 'npz'
                  ? await loadNpz(input)
                  : await loadSafetensors(input);
            for (const t of Object.values(loaded)) t.dispose();
          } catch (e) {
            if (!(e instanceof FormatError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    expect(keep.toArray()).toEqual([1, 2, 3]);
    keep.dispose();
  });
});
