// The TCP connection state machine, seen from a passive sensor: it follows both
// directions' flags (not sequence-number validity) to know when a connection is being
// set up, is established, and is being torn down. States and names are Suricata's
// (EVE `tcp.state`), from the client's point of view.

export const TCP_NONE = 0;
export const TCP_SYN_SENT = 1;
export const TCP_SYN_RECV = 2;
export const TCP_ESTABLISHED = 3;
export const TCP_FIN_WAIT1 = 4;
export const TCP_FIN_WAIT2 = 5;
export const TCP_TIME_WAIT = 6;
export const TCP_CLOSE_WAIT = 7;
export const TCP_LAST_ACK = 8;
export const TCP_CLOSING = 9;
export const TCP_CLOSED = 10;

export const TCP_STATE_NAMES: readonly string[] = [
  'none',
  'syn_sent',
  'syn_recv',
  'established',
  'fin_wait1',
  'fin_wait2',
  'time_wait',
  'close_wait',
  'last_ack',
  'closing',
  'closed',
];

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/** True once the connection is over (both FINs exchanged, or reset). */
export function isClosed(state: number): boolean {
  return state === TCP_CLOSED || state === TCP_TIME_WAIT;
}

/**
 * The state after a segment with `flags` travelling to the server (`toServer`) or the
 * client. With `midstream`, a connection first seen after its handshake counts as
 * established at its first non-SYN segment (a mirror attached to a running session).
 */
export function nextState(state: number, flags: number, toServer: boolean, midstream: boolean): number {
  if (flags & RST) return TCP_CLOSED;
  const syn = (flags & SYN) !== 0;
  const ack = (flags & ACK) !== 0;
  const fin = (flags & FIN) !== 0;
  switch (state) {
    case TCP_NONE:
      if (syn && !ack) return TCP_SYN_SENT;
      if (syn && ack) return TCP_SYN_RECV;
      if (!midstream) return TCP_NONE;
      return fin ? (toServer ? TCP_FIN_WAIT1 : TCP_CLOSE_WAIT) : TCP_ESTABLISHED;
    case TCP_SYN_SENT:
      if (syn && ack && !toServer) return TCP_SYN_RECV;
      // Data or an ACK from the client without a seen SYN/ACK (lost on the mirror).
      if (!syn && ack && toServer && midstream) return TCP_ESTABLISHED;
      return state;
    case TCP_SYN_RECV:
      if (!syn && ack && toServer) return fin ? TCP_FIN_WAIT1 : TCP_ESTABLISHED;
      if (!syn && ack && !toServer && midstream) return TCP_ESTABLISHED;
      return state;
    case TCP_ESTABLISHED:
      if (fin) return toServer ? TCP_FIN_WAIT1 : TCP_CLOSE_WAIT;
      return state;
    case TCP_FIN_WAIT1:
      // The client sent FIN; the server answers with ACK, FIN, or both.
      if (!toServer && fin) return ack ? TCP_TIME_WAIT : TCP_CLOSING;
      if (!toServer && ack) return TCP_FIN_WAIT2;
      return state;
    case TCP_FIN_WAIT2:
      if (!toServer && fin) return TCP_TIME_WAIT;
      return state;
    case TCP_CLOSING:
      if (toServer && ack) return TCP_TIME_WAIT;
      if (!toServer && ack) return TCP_TIME_WAIT;
      return state;
    case TCP_CLOSE_WAIT:
      // The server sent FIN first; the client's FIN makes it LAST_ACK.
      if (toServer && fin) return TCP_LAST_ACK;
      return state;
    case TCP_LAST_ACK:
      if (!toServer && ack) return TCP_CLOSED;
      return state;
    case TCP_TIME_WAIT:
      if (toServer && ack && !fin) return TCP_CLOSED;
      return state;
    default:
      return state;
  }
}
