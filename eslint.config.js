import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The data-access seam (src/data-access.ts, docs/layout.md): in the capability folders and the job
 * definitions only `data/` touches the database. Use cases get repositories (`ctx.data`, and `tx`
 * inside `ctx.unitOfWork.run`); they import neither mongoose, the driver, nor the database's code
 * (its types — the documents' shapes — they may), and reach no model or session through the context.
 */
const CAPABILITY_FILES = ['accounts', 'books', 'cart', 'catalog', 'checkout', 'purchases', 'refunds', 'rewards', 'wallet'].map((c) => `src/${c}/**/*.ts`);
const SEAM = 'use cases reach the database through repositories (src/data-access.ts): put the query in the capability\'s data/ folder';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'tools/ferretdb/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: [...CAPABILITY_FILES, 'jobs/**/*.ts'],
    ignores: ['src/*/data/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'mongoose', message: SEAM },
            { name: 'mongodb', message: SEAM },
          ],
          patterns: [{ group: ['**/infra/database/*'], allowTypeImports: true, message: SEAM }],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.property.name='database'][property.name=/^(models|unitOfWork|connection)$/]", message: SEAM },
        { selector: "MemberExpression[property.name='session'][object.name!='options']", message: `${SEAM}; a unit's work gets \`tx\`, never its session` },
        { selector: "TSTypeReference[typeName.name=/^(Models|DataScope|ClientSession)$/]", message: `${SEAM}; pass repositories, not models or sessions` },
      ],
    },
  },
  {
    files: ['tools/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', globalThis: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // chai's `expect(x).to.be.true` style assertions are expressions by design.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
);
