// Stands in for the `server-only` package under Vitest (it throws outside a React server bundle).
export {};
