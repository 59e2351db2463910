// @ts-check
/**
 * One lint configuration for the monorepo. The restricted globals and imports for `protocol`
 * and `core` enforce the injection boundary of architecture.md: time, I/O, randomness and
 * logging come in through options, never from globals.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const seam = (what) => `protocol and core are runtime-neutral: ${what}`;

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '**/*.d.ts',
      '**/test/fixtures/**',
      '**/public/**',
      '**/bench-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        AudioWorkletProcessor: 'readonly',
        registerProcessor: 'readonly',
        sampleRate: 'readonly',
        currentFrame: 'readonly',
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        WebSocket: 'readonly',
        AudioContext: 'readonly',
        AudioWorkletNode: 'readonly',
        performance: 'readonly',
        requestAnimationFrame: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        atob: 'readonly',
        btoa: 'readonly',
        Int16Array: 'readonly',
        Float32Array: 'readonly',
        location: 'readonly',
        MediaStream: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
  },
  {
    files: ['packages/protocol/src/**/*.ts', 'packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: seam('use clock.setTimeout from the session options') },
        { name: 'clearTimeout', message: seam('use clock.clearTimeout from the session options') },
        { name: 'setInterval', message: seam('use the injected clock') },
        { name: 'clearInterval', message: seam('use the injected clock') },
        { name: 'Date', message: seam('use clock.now() from the session options') },
        { name: 'performance', message: seam('use clock.now() from the session options') },
        { name: 'WebSocket', message: seam('sockets come from the injected Connector') },
        { name: 'crypto', message: seam('ids come from the injected id generator') },
        { name: 'process', message: seam('configuration comes from options, not the environment') },
        { name: 'console', message: seam('log through the injected logger') },
        { name: 'Buffer', message: seam('Buffer is Node-only; use Uint8Array') },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'ws', message: seam('only @voxwire/node imports ws') }],
          patterns: [{ group: ['node:*'], message: seam('no Node built-ins') }],
        },
      ],
    },
  },
);
