// The course in reading order. Chapters not yet written are outlines marked "coming",
// so the sidebar shows the whole course from the start without a single broken link.

/** @type {import('@docusaurus/plugin-content-docs').SidebarsConfig} */
export default {
  chapters: [
    {
      type: 'category',
      label: 'Chapters',
      collapsible: false,
      items: [
        'boot',
        'memory',
        'events',
        'rings',
        'network',
        'tcp',
        'http',
        'storage',
        'xen',
        'benchmarks',
      ],
    },
    {
      type: 'category',
      label: 'Teaching',
      collapsible: false,
      items: ['instructor-guide'],
    },
  ],
};
