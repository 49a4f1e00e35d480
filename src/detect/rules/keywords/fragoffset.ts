// fragoffset: IPv4 fragment offset (in 8-byte units).
// Compared with Suricata's integer operators: `fragoffset:5;`, `<5`, `>3`, `1-10`, `5<>10`, `!7`.

import { numericKeyword } from './numeric-test.js';

export const fragoffset = numericKeyword('fragoffset', 8191);
