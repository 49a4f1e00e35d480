// ttl: IP time-to-live (IPv6 hop limit).
// Compared with Suricata's integer operators: `ttl:5;`, `<5`, `>3`, `1-10`, `5<>10`, `!7`.

import { numericKeyword } from './numeric-test.js';
import { U8_MAX } from './util.js';

export const ttl = numericKeyword('ttl', U8_MAX);
