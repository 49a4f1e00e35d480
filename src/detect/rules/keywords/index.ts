// The keyword table: every supported keyword name -> its definition. A name not in this table is
// an "unsupported keyword" load error (never silently ignored).

import { ack } from './ack.js';
import { appLayerProtocol } from './app-layer-protocol.js';
import { bsize } from './bsize.js';
import { byteExtract } from './byte-extract.js';
import { byteJump } from './byte-jump.js';
import { byteTest } from './byte-test.js';
import { classtype } from './classtype.js';
import { content } from './content.js';
import { depth } from './depth.js';
import { detectionFilter } from './detection-filter.js';
import { distance } from './distance.js';
import { dsize } from './dsize.js';
import { endswith } from './endswith.js';
import { fastPattern } from './fast-pattern.js';
import { flags } from './flags.js';
import { flow } from './flow.js';
import { flowbits } from './flowbits.js';
import { fragbits } from './fragbits.js';
import { fragoffset } from './fragoffset.js';
import { gid } from './gid.js';
import { httpModifiers } from './http-modifiers.js';
import { icmpId } from './icmp-id.js';
import { icmpSeq } from './icmp-seq.js';
import { icode } from './icode.js';
import { ipProto } from './ip-proto.js';
import { ipopts } from './ipopts.js';
import { isdataat } from './isdataat.js';
import { itype } from './itype.js';
import { metadata } from './metadata.js';
import { msg } from './msg.js';
import { noalert } from './noalert.js';
import { nocase } from './nocase.js';
import { offset } from './offset.js';
import { pcre } from './pcre.js';
import { priority } from './priority.js';
import { rawbytes } from './rawbytes.js';
import { reference } from './reference.js';
import type { KeywordDef } from './registry.js';
import { rev } from './rev.js';
import { sameip } from './sameip.js';
import { seq } from './seq.js';
import { sid } from './sid.js';
import { startswith } from './startswith.js';
import { stickyBuffers } from './sticky-buffers.js';
import { tag } from './tag.js';
import { target } from './target.js';
import { threshold } from './threshold.js';
import { ttl } from './ttl.js';
import { urilen } from './urilen.js';
import { window } from './window.js';
import { within } from './within.js';

const ALL: readonly KeywordDef[] = [
  msg,
  sid,
  rev,
  gid,
  classtype,
  priority,
  reference,
  metadata,
  target,
  content,
  nocase,
  depth,
  offset,
  distance,
  within,
  startswith,
  endswith,
  fastPattern,
  rawbytes,
  pcre,
  byteTest,
  byteJump,
  byteExtract,
  isdataat,
  dsize,
  bsize,
  urilen,
  flow,
  flowbits,
  flags,
  fragbits,
  fragoffset,
  ttl,
  itype,
  icode,
  icmpId,
  icmpSeq,
  ipProto,
  ipopts,
  sameip,
  seq,
  ack,
  window,
  threshold,
  detectionFilter,
  appLayerProtocol,
  noalert,
  tag,
  ...stickyBuffers,
  ...httpModifiers,
];

function build(): Map<string, KeywordDef> {
  const m = new Map<string, KeywordDef>();
  for (const def of ALL) {
    for (const n of def.names) {
      if (m.has(n)) throw new Error(`keyword "${n}" registered twice`);
      m.set(n, def);
    }
  }
  return m;
}

/** Lower-case keyword name -> definition. */
export const KEYWORDS: ReadonlyMap<string, KeywordDef> = build();

/** Every accepted keyword name, sorted (tag is listed: it loads only to be refused clearly). */
export function keywordNames(): string[] {
  return [...KEYWORDS.keys()].sort();
}
