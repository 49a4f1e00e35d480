// IP Encapsulating Security Payload (ESP), RFC 4303 https://www.rfc-editor.org/rfc/rfc4303
//
//   0                   1                   2                   3
//  +---------------------------------------------------------------+
//  |               Security Parameters Index (SPI)                 |
//  +---------------------------------------------------------------+
//  |                      Sequence Number                          |
//  +---------------------------------------------------------------+
//  |   encrypted payload, padding, next header, ICV ...
//
// Everything after the SPI and sequence number is encrypted, so ESP is opaque: check
// that its fixed part is there and stop. The flow is keyed on the IP addresses alone.

import type { Packet } from '../core/packet.js';
import { anomalyCode } from './anomalies.js';
import { invalid } from './events.js';

const ESP_HDR_LEN = 8;
const PKT_TOO_SMALL = anomalyCode('esp.pkt_too_small');

export function decodeEsp(p: Packet, off: number, end: number): number {
  if (end - off < ESP_HDR_LEN) return invalid(p, PKT_TOO_SMALL, off);
  return 0;
}
