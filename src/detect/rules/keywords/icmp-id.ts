// icmp_id: ICMP echo identifier.
// Compared with Suricata's integer operators: `icmp_id:5;`, `<5`, `>3`, `1-10`, `5<>10`, `!7`.

import { numericKeyword } from './numeric-test.js';
import { U16_MAX } from './util.js';

export const icmpId = numericKeyword('icmp_id', U16_MAX);
