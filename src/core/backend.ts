/** Which objective a fit runs on: a `BackendChoice` turned into the kernel of one problem. */
import type { BackendChoice, ObjectiveKernel, ObjectiveProblem } from './objective.js';
import { simdBackend } from './simd.js';
import { tsBackend } from './ts-objective.js';

/** The kernel of a backend choice for a checked problem, falling back to the TypeScript one. */
export function bindBackend(choice: BackendChoice, problem: ObjectiveProblem): ObjectiveKernel {
  if (choice === 'ts') return tsBackend.bind(problem)!;
  if (choice === 'simd') {
    const kernel = simdBackend.bind(problem);
    if (!kernel)
      throw new RangeError(
        `backend 'simd' needs WebAssembly SIMD and at most 10 classes, got ${problem.k} classes`,
      );
    return kernel;
  }
  if (choice === 'auto') return simdBackend.bind(problem) ?? tsBackend.bind(problem)!;
  if (typeof choice !== 'object' || choice === null || typeof choice.bind !== 'function')
    throw new TypeError(`backend must be 'auto', 'ts', 'simd' or an ObjectiveBackend`);
  return choice.bind(problem) ?? tsBackend.bind(problem)!;
}
