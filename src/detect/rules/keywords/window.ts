// window: TCP window size.
// Compared with Suricata's integer operators: `window:5;`, `<5`, `>3`, `1-10`, `5<>10`, `!7`.

import { numericKeyword } from './numeric-test.js';
import { U16_MAX } from './util.js';

export const window = numericKeyword('window', U16_MAX);
