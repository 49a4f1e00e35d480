// seq: TCP sequence number.
// Compared with Suricata's integer operators: `seq:5;`, `<5`, `>3`, `1-10`, `5<>10`, `!7`.

import { numericKeyword } from './numeric-test.js';
import { U32_MAX } from './util.js';

export const seq = numericKeyword('seq', U32_MAX);
