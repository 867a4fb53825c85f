// @ts-check
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/**
 * `npm run lint` (with tsc and dependency-cruiser, .dependency-cruiser.cjs).
 * ESLint checks what the compiler does not: file size (a file over 300
 * lines of code says why in its header, with an eslint-disable comment that
 * gives the reason) and a few mistakes the compiler lets through.
 */
export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", "lib/generated/**", "test-results/**", "playwright-report/**", ".data/**", ".scratch/**", "public/**", "next-env.d.ts"] },
  {
    files: ["**/*.{ts,tsx,mts,cts}"],
    languageOptions: { parser: tseslint.parser },
    plugins: { "@typescript-eslint": tseslint.plugin, "react-hooks": reactHooks },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "max-lines": ["error", { max: 300, skipBlankLines: true, skipComments: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-debugger": "error",
      "no-duplicate-imports": "error",
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  // Services orchestrate: every statement lives in the data-access layer (lib/queries, lib/ingest).
  {
    files: ["lib/services/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.property.name='query']", message: "No SQL in services: add a function to a repository in lib/queries and call it." },
        { selector: "CallExpression[callee.property.name='connect']", message: "No connections in services: a repository in lib/queries holds its transaction." },
      ],
    },
  },
  // Tests and specs hold many cases of one subject; their length is their coverage.
  { files: ["**/*.test.ts", "e2e/**"], rules: { "max-lines": "off" } },
);
