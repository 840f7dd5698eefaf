// Asserts that a call throws an OutriderError with the given stable code.
import { expect } from "bun:test";
import { isOutriderError } from "../../src/errors.ts";

export function expectCode(run: () => unknown, code: number): void {
  try {
    run();
  } catch (error) {
    expect(isOutriderError(error, code)).toBe(true);
    return;
  }
  throw new Error(`expected OutriderError ${code}`);
}
