// flowbits: `flowbits:<cmd>[,<name>];` with cmd set, isset, isnotset, unset, toggle, noalert.
// Names may be joined with `|` (isset/isnotset: any of them) or `&` (all of them).

import type { FlowbitsCommand } from '../types.js';
import type { KeywordDef } from './registry.js';
import { fail } from './util.js';

const COMMANDS: readonly FlowbitsCommand[] = ['set', 'isset', 'isnotset', 'unset', 'toggle'];

export const flowbits: KeywordDef = {
  names: ['flowbits'],
  value: 'required',
  setup(b, value, name) {
    const v = value!.trim();
    const comma = v.indexOf(',');
    const cmd = (comma < 0 ? v : v.slice(0, comma)).trim().toLowerCase();
    const arg = comma < 0 ? '' : v.slice(comma + 1).trim();
    if (cmd === 'noalert') {
      if (arg !== '') fail(name, '"noalert" takes no flowbit name');
      b.noalert = true;
      return;
    }
    if (!(COMMANDS as readonly string[]).includes(cmd)) {
      fail(name, `unknown command "${cmd}" (set, isset, isnotset, unset, toggle, noalert)`);
    }
    if (arg === '') fail(name, `"${cmd}" needs a flowbit name`);
    const hasOr = arg.includes('|');
    const hasAnd = arg.includes('&');
    if (hasOr && hasAnd) fail(name, 'cannot mix "|" and "&" in one flowbits');
    if (hasOr && cmd !== 'isset' && cmd !== 'isnotset') fail(name, `"|" (any of) only works with isset and isnotset`);
    const names = arg.split(hasOr ? '|' : '&').map((n) => n.trim());
    for (const n of names) {
      if (n === '') fail(name, `empty flowbit name in "${arg}"`);
      if (/\s/.test(n)) fail(name, `flowbit name "${n}" contains spaces`);
      if (n.includes(',')) fail(name, `flowbit name "${n}" contains a comma`);
    }
    b.flowbits.push({ cmd: cmd as FlowbitsCommand, names, join: hasOr ? 'or' : hasAnd ? 'and' : 'single' });
  },
};
