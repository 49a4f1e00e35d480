// icmp_seq: ICMP echo sequence number.
// Compared with Suricata's integer operators: `icmp_seq:5;`, `<5`, `>3`, `1-10`, `5<>10`, `!7`.

import { numericKeyword } from './numeric-test.js';
import { U16_MAX } from './util.js';

export const icmpSeq = numericKeyword('icmp_seq', U16_MAX);
