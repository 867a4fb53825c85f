/**
 * The arrows between the layers (README, "How the code is laid out"), checked
 * by `npm run lint`. A type-only import is allowed across any line: it leaves
 * nothing behind at run time, and a component may draw a row type a query
 * defines. Every other import must point down:
 *
 *   app/             routes, pages, server actions: may import anything below
 *   components/      draw: components, and pure helpers (listed in PURE)
 *   lib/http, lib/auth  the web's edge: route and action wrappers, sessions
 *   lib/services     orchestrate: the data-access layer, lib/segmentation, lib/compute, lib/ingest
 *   lib/queries      the data-access layer: SQL files and typed repository functions
 *   lib/compute      worker threads for lib/segmentation's heavy loops
 *   lib/segmentation pure math: imports nothing of ours
 */
const PURE = [
  "^components/",
  "^lib/format\\.ts$",
  "^lib/currency\\.ts$", // a dataset's currency: country names to ISO 4217 codes (no I/O)
  "^lib/customer-table\\.ts$",
  "^lib/segmentation/",
  "^lib/insights/",
  "^lib/ingest/(cleaning|layouts|errors|column-kinds)\\.ts$", // the cleaning rules, the file layouts, their errors and the column kinds (no I/O)
  "^lib/queries/sql-file\\.ts$", // the .sql files' text, shown under each chart (no database)
  "^lib/errors\\.ts$",
];

const runtime = { dependencyTypesNot: ["type-only", "type-import"] };

module.exports = {
  forbidden: [
    {
      name: "components-draw-only",
      comment: "A component draws what its page hands it: no services, database, data-access layer, web edge or app/ (types excepted).",
      severity: "error",
      from: { path: "^components/" },
      to: { pathNot: [...PURE, "^node_modules/"], path: "^(app|lib)/", ...runtime },
    },
    {
      name: "pages-go-through-services",
      comment: "A page, route or action loads and changes data through a service, never the data-access layer itself.",
      severity: "error",
      from: { path: "^app/" },
      to: { path: "^lib/(queries|ingest)/", ...runtime },
    },
    {
      name: "segmentation-is-pure",
      comment: "lib/segmentation is pure math: it imports nothing of ours outside itself (worker threads live in lib/compute).",
      severity: "error",
      from: { path: "^lib/segmentation/" },
      to: { path: "^(app|components|lib)/", pathNot: "^lib/segmentation/" },
    },
    {
      name: "lib-never-imports-app-or-components",
      comment: "lib/ serves app/ and components/, never the other way round.",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^(app|components)/", ...runtime },
    },
    {
      name: "services-know-no-http",
      comment: "Services take and return plain data: requests, responses and route wrappers stay in lib/http.",
      severity: "error",
      from: { path: "^lib/(services|queries|ingest|compute)/" },
      to: { path: "^lib/http/", ...runtime },
    },
    {
      name: "data-access-is-the-bottom",
      comment: "The data-access layer reads and writes the database; it never calls services, the web edge or threads.",
      severity: "error",
      from: { path: "^lib/queries/" },
      to: { path: "^lib/(services|http|auth|compute)/", ...runtime },
    },
    {
      name: "no-circular",
      comment: "Modules that import each other, however far round.",
      severity: "error",
      from: { path: "^(app|components|lib)/" },
      to: { circular: true, ...runtime },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules"] },
    exclude: { path: ["^lib/generated/", "\\.test\\.ts$", "^tests/", "^e2e/", "^scripts/", "^\\.next/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"] },
  },
};
