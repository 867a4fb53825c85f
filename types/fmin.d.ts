declare module "fmin" {
  export interface NelderMeadOptions {
    maxIterations?: number;
    nonZeroDelta?: number;
    zeroDelta?: number;
    minErrorDelta?: number;
    minTolerance?: number;
    rho?: number;
    chi?: number;
    psi?: number;
    sigma?: number;
  }
  export function nelderMead(f: (x: number[]) => number, x0: number[], options?: NelderMeadOptions): { x: number[]; fx: number };
  /** Minimises f, which returns its value at x and writes its gradient into fxprime. */
  export function conjugateGradient(
    f: (x: number[], fxprime: number[]) => number,
    initial: number[],
    options?: { maxIterations?: number },
  ): { x: number[]; fx: number; fxprime: number[] };
}
