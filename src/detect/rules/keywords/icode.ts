// icode: ICMP code.
// Compared with Suricata's integer operators: `icode:5;`, `<5`, `>3`, `1-10`, `5<>10`, `!7`.

import { numericKeyword } from './numeric-test.js';
import { U8_MAX } from './util.js';

export const icode = numericKeyword('icode', U8_MAX);
