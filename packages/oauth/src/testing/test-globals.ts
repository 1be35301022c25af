/**
 * The test functions the shared store suites use, as the test runner provides them globally (Jest, Vitest with
 * globals, Mocha). Declared here so that the suites need no runner's type package.
 */
type Body = () => unknown | Promise<unknown>;
declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, body: Body, timeout?: number) => void;
declare const afterEach: (body: Body) => void;

export const suite = {
  describe: (name: string, body: () => void) => describe(name, body),
  it: (name: string, body: Body, timeout?: number) => it(name, body, timeout),
  afterEach: (body: Body) => afterEach(body),
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A factory of the implementation under test: a fresh, empty instance per case. */
export type StoreFactory<T> = () => T | Promise<T>;

/** Makes a fresh instance per case and closes it after. */
export function fresh<T extends { close?(): unknown }>(factory: StoreFactory<T>): () => Promise<T> {
  let current: T | undefined;
  suite.afterEach(async () => {
    await current?.close?.();
    current = undefined;
  });
  return async () => (current = await factory());
}
