import { defineConfig } from 'eslint/config';
import grafanaConfig from '@grafana/eslint-config/flat.js';

// The house ESLint config (@grafana/eslint-config), as the plugins use it; React rules do not apply here.
export default defineConfig([
  { ignores: ['dist/', 'node_modules/', 'data/'] },
  ...grafanaConfig,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json' } },
    rules: {
      'react/prop-types': 'off',
      'react-hooks/rules-of-hooks': 'off',
      '@typescript-eslint/no-deprecated': 'warn',
    },
  },
]);
