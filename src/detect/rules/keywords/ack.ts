// ack: TCP acknowledgement number.
// Compared with Suricata's integer operators: `ack:5;`, `<5`, `>3`, `1-10`, `5<>10`, `!7`.

import { numericKeyword } from './numeric-test.js';
import { U32_MAX } from './util.js';

export const ack = numericKeyword('ack', U32_MAX);
