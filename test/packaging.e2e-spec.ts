import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const lowest = JSON.parse(readFileSync('test/packaging/lowest-versions.json', 'utf8')) as { dependencies: Record<string, string>; overrides: Record<string, string> };

interface FreshAppReport {
  tarball: { name: string; files: string[] };
  installedFromTarball: boolean;
  unresolvedMaps: string[];
  versions: Record<string, string>;
  optionalPeersInstalled: string[];
  served: { tools: string[]; result: unknown };
  missingPeer: string;
}

/**
 * Issue 13, point 4: the package as users get it. test/packaging/fresh-app.mjs packs @nestmcp/core (prepack builds),
 * installs the tarball and the lowest supported peers from the registry into a fresh app outside the workspace,
 * builds that app with tsc (skipLibCheck off, so our .d.ts files are checked) and serves a tool to the SDK client.
 */
describe('the packed @nestmcp/core in a fresh app outside the workspace', () => {
  let report: FreshAppReport;

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['test/packaging/fresh-app.mjs'], { maxBuffer: 16 * 1024 * 1024 });
    report = JSON.parse(stdout.trim().split('\n').pop()!);
  }, 300_000);

  it('ships the build, type declarations, README, LICENSE and the sources its maps point to; no specs', () => {
    const files = report.tarball.files;
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts', 'src/index.ts']));
    expect(files.filter((file) => /\.spec\.|tsbuildinfo|tsconfig|scripts\//.test(file))).toEqual([]);
    expect(report.unresolvedMaps).toEqual([]);
    const built = files.filter((file) => file.startsWith('dist/') && file.endsWith('.js'));
    expect(built.filter((file) => !files.includes(file.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')))).toEqual([]);
  });

  it('installs from the tarball with the lowest supported Nest and SDK, and without the optional auth packages', () => {
    expect(report.installedFromTarball).toBe(true);
    expect(report.versions['@nestjs/core']).toBe(lowest.dependencies['@nestjs/core']);
    expect(report.versions['@nestjs/common']).toBe(lowest.dependencies['@nestjs/common']);
    expect(report.versions['@modelcontextprotocol/sdk']).toBe(lowest.overrides['@modelcontextprotocol/sdk']);
    expect(report.versions.zod).toBe(lowest.dependencies.zod);
    expect(report.optionalPeersInstalled).not.toContain('passport-jwt');
    expect(report.optionalPeersInstalled).not.toContain('passport');
    expect(report.optionalPeersInstalled).not.toContain('@nestjs/passport');
  });

  it('builds with tsc and serves a tool to the SDK client', () => {
    expect(report.served).toEqual({ tools: ['forecast'], result: { content: [{ type: 'text', text: 'Sunny in Oslo for 3 days (tools/call)' }] } });
  });

  it('names the package to install when auth.jwt is configured without passport-jwt', () => {
    expect(report.missingPeer).toBe('MCP server "weather": "auth.jwt" needs the package "passport-jwt", which is not installed. Install it: npm install passport-jwt');
  });
});
