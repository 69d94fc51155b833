// The layer check (STYLE habit 11: every arrow points down), run by `npm run lint:layers` inside
// `npm test`. Folders of src/ from the top down; a module may import its own folder and any
// folder of a LOWER rank, nothing at its own rank or above, and no import cycle anywhere.
// test/layers/layers.test.ts shows it failing on deliberately wrong fixtures.
const LAYERS = [
  // Entry points: what the platform, a browser or a shell calls. Nothing imports them.
  { rank: 6, folders: ['entry', 'app', 'cli'] },
  // History import and replay sit on delivery (they send through it).
  { rank: 5, folders: ['import'] },
  { rank: 4, folders: ['delivery'] },
  { rank: 3, folders: ['remote'] },
  { rank: 2, folders: ['schemas'] },
  // The base: the counting rules, storage names, platform ports and logging, messages.
  { rank: 1, folders: ['core', 'storage', 'platform', 'i18n'] },
];

const folders = LAYERS.flatMap((layer) => layer.folders);
const rankOf = (folder) => LAYERS.find((layer) => layer.folders.includes(folder)).rank;
const at = (names) => `(^|/)src/(${names.join('|')})/`;

const layerRules = folders.map((folder) => {
  const forbidden = folders.filter((other) => other !== folder && rankOf(other) >= rankOf(folder));
  return {
    name: `layer-${folder}`,
    comment: `src/${folder} may only import folders below it (${folders.filter((f) => rankOf(f) < rankOf(folder)).join(', ') || 'none'})`,
    severity: 'error',
    from: { path: at([folder]) },
    to: { path: at(forbidden) },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules.filter((rule) => rule.to.path !== at([])),
    {
      name: 'no-circular',
      comment: 'an import cycle makes two modules one; split out what both need',
      severity: 'error',
      from: { path: '(^|/)src/' },
      to: { circular: true },
    },
    {
      name: 'no-unknown-folder',
      comment: `a new folder of src/ needs a place in the layers of .dependency-cruiser.cjs`,
      severity: 'error',
      from: { path: '(^|/)src/', pathNot: `${at(folders)}|(^|/)src/[^/]+\\.ts$` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
    // Type-only imports count too: an upward type import is an upward dependency all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
