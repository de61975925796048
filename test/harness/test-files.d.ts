/** The virtual module the bundler generates: every conformance test file, lazily imported. */
declare module 'conformance:test-files' {
  /** [file name relative to the repo root, import of the file] in a stable order. */
  export const testFiles: ReadonlyArray<readonly [string, () => Promise<unknown>]>;
}
