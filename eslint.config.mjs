// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers of packages/core/src, bottom first (docs/architecture.md): a folder (or top-level file) may import
 * only from the layers below its own. Every import that points sideways or up is an error, so no import circle
 * between folders can come back.
 */
const CORE_LAYERS = [
  ['mcp.constants', 'mcp.messages', 'mcp-error-codes', 'stores'],
  ['interfaces'],
  ['mcp.module-definition'],
  ['options', 'decorators', 'schema'],
  ['http'],
  ['context'],
  ['registry'],
  ['auth'],
  ['operations'],
  ['execution', 'sessions', 'rest-tools'],
  ['lifecycle'],
  ['transports', 'rev-2026-07-28'],
  ['endpoint', 'health'],
  ['discovery', 'mcp-stores.providers', 'testing', 'stdio'],
  ['mcp.module'],
  ['index'],
];
const isFolder = (unit) => !unit.includes('.') && unit !== 'index';
const layerRules = CORE_LAYERS.flatMap((layer, rank) =>
  layer.map((unit) => {
    const forbidden = CORE_LAYERS.slice(rank).flat().filter((other) => other !== unit);
    if (forbidden.length === 0) return {};
    return {
      files: [isFolder(unit) ? `packages/core/src/${unit}/**/*.ts` : `packages/core/src/${unit}.ts`],
      ignores: ['**/*.spec.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: forbidden.flatMap((other) =>
                  isFolder(other)
                    ? [`**/${other}/*`]
                    : isFolder(unit)
                      ? [`../${other}.js`, `../../${other}.js`, `../../../${other}.js`]
                      : [`./${other}.js`],
                ),
                message: `Layers only point down (docs/architecture.md): ${unit} may not import this.`,
              },
            ],
          },
        ],
      },
    };
  }),
);

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'bench/results/**', '**/*.d.ts', 'test/conformance/runner/**', 'bench/peers/fastmcp/.venv/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
    },
  },
  ...layerRules,
);
