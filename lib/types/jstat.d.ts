/** The part of jstat (https://github.com/jstat/jstat) this workspace uses; the package ships no types. */
declare module 'jstat' {
  export const jStat: {
    studentt: { inv(p: number, dof: number): number; cdf(x: number, dof: number): number };
    centralF: { inv(p: number, df1: number, df2: number): number };
    normal: { inv(p: number, mean: number, std: number): number; cdf(x: number, mean: number, std: number): number };
    beta: { inv(p: number, alpha: number, beta: number): number };
    combination(n: number, k: number): number;
  };
}
