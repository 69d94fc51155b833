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

/**
 * src/delivery/ is laid out by the stretches of a record's and a contact's life
 * (docs/delivery-lifecycle.md), each a folder with its own rank, from the top down: the run
 * that drives everything, what the status page reads, the commit protocol, the opt-in
 * features, the memory of tickets, intake (what handlers write), accounting (ledger, gaps,
 * names), and the stored shapes at the bottom.
 */
const DELIVERY_STRETCHES = [
  { rank: 7, folders: ['run'] },
  { rank: 6, folders: ['status'] },
  { rank: 5, folders: ['commit'] },
  { rank: 4, folders: ['opt-in'] },
  { rank: 3, folders: ['memory'] },
  { rank: 2, folders: ['intake'] },
  { rank: 1, folders: ['accounting'] },
  { rank: 0, folders: ['stored'] },
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

const stretches = DELIVERY_STRETCHES.flatMap((layer) => layer.folders);
const stretchRank = (folder) => DELIVERY_STRETCHES.find((layer) => layer.folders.includes(folder)).rank;
const inDelivery = (names) => `(^|/)src/delivery/(${names.join('|')})/`;
const stretchRules = stretches.map((folder) => {
  const forbidden = stretches.filter((other) => other !== folder && stretchRank(other) >= stretchRank(folder));
  return {
    name: `delivery-${folder}`,
    comment: `src/delivery/${folder} may only import the stretches below it (${stretches.filter((f) => stretchRank(f) < stretchRank(folder)).join(', ') || 'none'})`,
    severity: 'error',
    from: { path: inDelivery([folder]) },
    to: { path: inDelivery(forbidden) },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules.filter((rule) => rule.to.path !== at([])),
    ...stretchRules.filter((rule) => rule.to.path !== inDelivery([])),
    {
      name: 'no-loose-delivery-file',
      comment: 'every file of src/delivery/ belongs to one stretch of the lifecycle (a folder with a rank above)',
      severity: 'error',
      from: { path: '(^|/)src/delivery/[^/]+\\.ts$' },
      to: {},
    },
    {
      name: 'no-unknown-stretch',
      comment: 'a new folder of src/delivery/ needs a rank in DELIVERY_STRETCHES',
      severity: 'error',
      from: { path: '(^|/)src/delivery/', pathNot: `${inDelivery(stretches)}` },
      to: {},
    },
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
