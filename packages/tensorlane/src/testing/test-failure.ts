/**
 * The error every `tensorlane/testing` assertion throws, like Node's `AssertionError`:
 * test runners report it as a failed assertion with its message, which prints both sides.
 */
export class TestFailure extends Error {
  /** The comparison that failed, e.g. `'=='` or `'near'`. */
  readonly operator: string;

  constructor(operator: string, message: string) {
    super(message);
    this.name = 'TestFailure';
    this.operator = operator;
  }
}
