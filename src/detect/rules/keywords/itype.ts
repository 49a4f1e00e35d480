// itype: ICMP type.
// Compared with Suricata's integer operators: `itype:5;`, `<5`, `>3`, `1-10`, `5<>10`, `!7`.

import { numericKeyword } from './numeric-test.js';
import { U8_MAX } from './util.js';

export const itype = numericKeyword('itype', U8_MAX);
