// Sidebar of the API reference. TypeDoc writes typedoc-sidebar.cjs next to the pages it
// generates (see site/plugins/api-docs), one entry per kernel module.

const path = require('node:path');

const generated = require(path.join(__dirname, '..', 'build', 'api', 'typedoc-sidebar.cjs'));

/** @type {import('@docusaurus/plugin-content-docs').SidebarsConfig} */
module.exports = {
  api: [{ type: 'doc', id: 'index', label: 'Overview' }, ...generated],
};
