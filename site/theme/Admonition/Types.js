// The course's own admonitions, on top of Docusaurus's note/tip/info/warning/danger:
//
//   :::run        "Run it"        the exact command that boots the chapter's stage
//   :::lab        "Lab"           the graded exercise
//   :::further    "Going further" optional exercises (solutions in solutions/)
//
// The keywords are registered in docusaurus.config.js (docs `admonitions.keywords`); this
// file gives each one a title, an icon and a colour (see site/css/custom.css).

import React from 'react';
// @theme-init is the component as its first theme (classic) defined it; @theme-original
// would resolve back to this file, because site/theme is registered as a plugin theme.
import DefaultAdmonitionTypes from '@theme-init/Admonition/Types';
import AdmonitionLayout from '@theme/Admonition/Layout';

function Icon({ children }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {/* The admonition's CSS fills its icon; these are line drawings, so unfill them. */}
      <g fill="none">{children}</g>
    </svg>
  );
}

// A terminal prompt: "run this command".
const RunIcon = () => (
  <Icon>
    <rect x="2.5" y="4" width="19" height="16" rx="2" />
    <path d="M6.5 9.5l3 2.5-3 2.5M12 15h5" />
  </Icon>
);

// A flask: the hands-on exercise.
const LabIcon = () => (
  <Icon>
    <path d="M9 3h6M10 3v6l-5.2 9a2 2 0 0 0 1.7 3h11a2 2 0 0 0 1.7-3L14 9V3" />
    <path d="M7.5 15h9" />
  </Icon>
);

// An arrow pointing out of the chapter.
const FurtherIcon = () => (
  <Icon>
    <path d="M7 17L17 7M9 7h8v8" />
  </Icon>
);

function kind(type, title, icon) {
  return function CourseAdmonition(props) {
    return (
      <AdmonitionLayout
        icon={icon}
        title={title}
        {...props}
        className={`alert admonition-${type} ${props.className ?? ''}`}
      >
        {props.children}
      </AdmonitionLayout>
    );
  };
}

export default {
  ...DefaultAdmonitionTypes,
  run: kind('run', 'Run it', <RunIcon />),
  lab: kind('lab', 'Lab', <LabIcon />),
  further: kind('further', 'Going further', <FurtherIcon />),
};
