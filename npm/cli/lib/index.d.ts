/** The platforms a package is published for, as `${process.platform}-${process.arch}`. */
export declare const PLATFORMS: readonly string[];
/** The per-platform package name, or undefined when none is published. */
export declare function packageName(platform?: string, arch?: string): string | undefined;
/** The absolute path of the mystatus binary; throws an Error with the fix when there is none. */
export declare function binaryPath(opts?: {
  platform?: string;
  arch?: string;
  env?: Record<string, string | undefined>;
  resolve?: (id: string) => string;
}): string;
