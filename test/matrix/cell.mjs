/**
 * One matrix cell in a server-side runtime (Node, Bun, Deno): loads the conformance bundle,
 * runs it on the target given as JSON in the last argument, and prints the result as one
 * line starting with the marker the runner looks for. Plain JS with no node: imports, so
 * every runtime runs it as is.
 *
 *   node test/matrix/cell.mjs '{"bundle":"file:///…/conformance.js","target":"simd128"}'
 */
const MARKER = '@@tensorlane-matrix@@';
const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
const request = JSON.parse(args[args.length - 1]);

let report;
try {
  const { runConformance } = await import(request.bundle);
  report = await runConformance({
    target: request.target,
    ...(request.numRuns ? { numRuns: request.numRuns } : {}),
    ...(request.filter ? { filter: request.filter } : {}),
    ...(request.listTests ? { listTests: true } : {}),
    ...(request.trace ? { trace: true } : {}),
    ...(request.suite ? { suite: request.suite } : {}),
  });
} catch (error) {
  // V8 starts a stack with 'Name: message'; SpiderMonkey and JavaScriptCore do not.
  const head = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const stack = String(error?.stack ?? '');
  report = { error: stack.startsWith(head) ? stack : `${head}\n${stack}` };
}
console.log(`${MARKER}${JSON.stringify(report)}`);
// A test may leave a timer or handle alive; the cell is done once its result is out.
if (globalThis.Deno) globalThis.Deno.exit(0);
else globalThis.process.exit(0);
