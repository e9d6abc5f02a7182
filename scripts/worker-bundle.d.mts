// Types of worker-bundle.mjs, for the TypeScript tests that serve the built Worker (test/bundle/).
export declare const root: string;
export declare function buildWorker(config: string, outDir: string): string;

/** The part of Miniflare those tests use. */
export interface MiniflareInstance {
  readonly ready: Promise<URL>;
  getD1Database(bindingName: string): Promise<D1Database>;
  dispose(): Promise<void>;
}
export declare function loadMiniflare(): Promise<{
  wrangler: unknown;
  Miniflare: new (options: unknown) => MiniflareInstance;
  convertV4MiniflareOptions: (options: Record<string, unknown>) => unknown;
}>;
export declare function workerOptionsOf(
  wrangler: unknown,
  builtConfig: string,
  vars?: Record<string, string>,
): { workerOptions: Record<string, any>; worker: Record<string, any> & { scriptPath: string } };
