// flow: `flow:established,to_server;` — state and direction of the packet's flow.
// Options: established, not_established, stateless, to_server / from_client, to_client /
// from_server, only_stream, no_stream, only_frag, no_frag. Repeats and contradictions are errors.

import type { FlowOptions } from '../types.js';
import type { KeywordDef } from './registry.js';
import { fail, own, splitArgs, unquote } from './util.js';

type Key = keyof FlowOptions;

const WORDS: Readonly<Record<string, Key>> = {
  established: 'established',
  not_established: 'notEstablished',
  stateless: 'stateless',
  to_server: 'toServer',
  from_client: 'toServer',
  to_client: 'toClient',
  from_server: 'toClient',
  only_stream: 'onlyStream',
  no_stream: 'noStream',
  only_frag: 'onlyFrag',
  no_frag: 'noFrag',
};

/** Pairs that cannot both be set. */
const CONFLICTS: readonly (readonly [Key, Key])[] = [
  ['established', 'notEstablished'],
  ['established', 'stateless'],
  ['notEstablished', 'stateless'],
  ['toServer', 'toClient'],
  ['onlyStream', 'noStream'],
  ['onlyFrag', 'noFrag'],
];

export const flow: KeywordDef = {
  names: ['flow'],
  value: 'required',
  setup(b, value, name) {
    if (b.once('flow')) fail(name, 'duplicated keyword');
    const f: Record<Key, boolean> = {
      established: false,
      notEstablished: false,
      stateless: false,
      toServer: false,
      toClient: false,
      onlyStream: false,
      noStream: false,
      onlyFrag: false,
      noFrag: false,
    };
    const seenWord = new Map<Key, string>();
    for (const raw of splitArgs(unquote(value!))) {
      const word = raw.toLowerCase();
      const key = own(WORDS, word);
      if (key === undefined) fail(name, `unknown option "${raw}"`);
      if (f[key]) fail(name, `"${raw}" repeats "${seenWord.get(key)}"`);
      for (const [a, c] of CONFLICTS) {
        const other = key === a ? c : key === c ? a : null;
        if (other !== null && f[other]) fail(name, `"${raw}" contradicts "${seenWord.get(other)}"`);
      }
      f[key] = true;
      seenWord.set(key, raw);
    }
    b.flow = f;
  },
};
