import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.local/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Route types come from the route's JSON schema (src/http/typed-routes.ts), never a generic of its own.
  {
    files: ['src/http/routes/**/*.ts', 'src/public/**/*.ts'],
    ignores: ['src/http/routes/dossier-commands.ts'], // routes generated from a table, typed by commandBodySchema
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(get|post|put|patch|delete|route)$/][typeArguments]",
          message: "Type the route from its schema (typedRoutes(app)), not with a generic: the schema is the one source (docs/api.md).",
        },
      ],
    },
  },
  // The console runs in the browser.
  { files: ['console/src/**/*.ts'], languageOptions: { globals: { window: 'readonly', document: 'readonly', localStorage: 'readonly', fetch: 'readonly' } } },
);
