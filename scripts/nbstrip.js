#!/usr/bin/env node
// Git clean filter for notebooks/*.ipynb (registered by `npm ci`, see scripts/setup.js
// and .gitattributes): what git stores of a notebook is its source only, whatever
// JupyterLab saved into the working file. Outputs, execution counts and per-session
// metadata are dropped; the JSON is written the way Jupyter writes it (sorted keys,
// one-space indent), so a notebook saved by the lab with nothing but outputs changed
// reads as unchanged to `git status`.
//
// Usage: node scripts/nbstrip.js < in.ipynb > out.ipynb   (or: --check FILE…, exit 1 if any has outputs)
'use strict';

const fs = require('node:fs');

// Cell metadata that records a session's view, not the notebook's content.
const SESSION_CELL_META = ['execution', 'collapsed', 'scrolled', 'jupyter', 'trusted', 'ExecuteTime'];
// Notebook metadata that only the kernel of the moment writes.
const SESSION_NB_META = ['widgets', 'toc', 'varInspector'];

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

function strip(nb) {
  for (const cell of nb.cells || []) {
    if (cell.cell_type === 'code') {
      cell.outputs = [];
      cell.execution_count = null;
    }
    for (const k of SESSION_CELL_META) if (cell.metadata) delete cell.metadata[k];
  }
  for (const k of SESSION_NB_META) if (nb.metadata) delete nb.metadata[k];
  return nb;
}

/** The stripped notebook as text, formatted as Jupyter formats it. */
function stripText(text) {
  return `${JSON.stringify(sortKeys(strip(JSON.parse(text))), null, 1)}\n`;
}

function hasOutputs(text) {
  const nb = JSON.parse(text);
  return (nb.cells || []).some((c) => c.cell_type === 'code' && (c.outputs?.length || c.execution_count !== null));
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--check') {
    const dirty = args.slice(1).filter((f) => hasOutputs(fs.readFileSync(f, 'utf8')));
    for (const f of dirty) console.error(`${f} has outputs`);
    process.exit(dirty.length ? 1 : 0);
  }
  const input = fs.readFileSync(0, 'utf8');
  try {
    process.stdout.write(stripText(input));
  } catch {
    // Not JSON (a notebook being written?): store it as it is rather than lose it.
    process.stdout.write(input);
  }
}

module.exports = { stripText, hasOutputs };
