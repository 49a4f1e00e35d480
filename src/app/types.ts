// The contract between the flow engine and the application-layer parsers.
//
// The flow engine picks a parser for a flow (by port, then by probing the first bytes of
// each direction), creates one parser state per flow, and feeds it in-order bytes: the
// reassembled TCP stream of each direction, or each UDP datagram's payload. Parsers never
// see packets and never throw: malformed input becomes an `applayer` anomaly through the
// sink, and the parser either resynchronises or stops parsing that flow.
//
// A parser reports transactions (one HTTP request/response pair, one DNS query or
// response, one TLS handshake, one SSH banner exchange, one DHCP message) to the sink as
// they progress. A transaction's fields are Buffer views (subarray) of bytes the parser
// copied ONCE into a buffer the transaction owns, so the detect stage can match on them
// without copying and the EVE writer turns them into strings only when it writes a record.

/** Direction of bytes within a flow. */
export const TO_SERVER = 0;
export const TO_CLIENT = 1;
export type Direction = typeof TO_SERVER | typeof TO_CLIENT;

/** Result of probing the first bytes of a direction. */
export const PROBE_NO = 0;
export const PROBE_YES = 1;
export const PROBE_NEED_MORE = 2;
export type ProbeResult = typeof PROBE_NO | typeof PROBE_YES | typeof PROBE_NEED_MORE;

export type AppProtoName = 'http' | 'dns' | 'tls' | 'ssh' | 'dhcp';

/** Progress of a transaction, as the detect stage and loggers need it. */
export const TX_REQUEST_HEADERS = 1; // request line + headers (or the query / ClientHello) complete
export const TX_REQUEST_DONE = 2; // request body complete
export const TX_RESPONSE_HEADERS = 4; // status line + headers (or answer / ServerHello) complete
export const TX_RESPONSE_DONE = 8; // response complete: the transaction can be logged

/** Everything a transaction carries; each protocol extends it. */
export interface AppTx {
  readonly proto: AppProtoName;
  /** 0-based per flow, in the order transactions started (EVE `tx_id`). */
  readonly id: number;
  /** Bit set of TX_* flags reached so far. */
  progress: number;
  /**
   * Bit set of the progress points the detect stage has inspected this transaction at (0 until
   * then). Kept on the transaction, as Suricata keeps its detect flags, so that a lookup per
   * progress event costs a field read instead of a WeakMap probe.
   */
  inspected: number;
  /** The EVE object for this transaction (`http`, `dns`, ...), built on demand. */
  toEve(): Record<string, unknown>;
}

/** Where parsers report what they find. One sink serves every flow; `flow` is opaque to the parser. */
export interface AppSink {
  /** A transaction reached a new progress point (the tx's `progress` already updated). */
  txProgress(flow: unknown, tx: AppTx, dir: Direction): void;
  /**
   * Malformed or unexpected input. `event` is a short name such as `http.request_line_too_long`
   * (written as EVE anomaly `{type: "applayer", event, layer: "proto_parser"}`).
   */
  anomaly(flow: unknown, proto: AppProtoName, event: string): void;
}

/** Per-flow parser state. */
export interface AppParserState {
  /**
   * In-order bytes [off, end) of one direction: the next stretch of a TCP stream, or one
   * UDP datagram's payload. `tsSec`/`tsNsec` are the packet time of the bytes.
   */
  parse(dir: Direction, buf: Buffer, off: number, end: number, tsSec: number, tsNsec: number): void;
  /** `len` bytes of this direction were lost (a gap in the TCP stream). */
  gap(dir: Direction, len: number): void;
  /** The flow ended: finish what can be finished (e.g. an HTTP body delimited by close). */
  end(): void;
  /**
   * Is everything this direction sends from now on encrypted (TLS application data, SSH after
   * NEWKEYS)? The detect stage then stops matching raw content on it, as Suricata's default
   * `encryption-handling` does: no rule can match ciphertext meaningfully.
   */
  encrypted?(dir: Direction): boolean;
  /**
   * This direction ended (TCP FIN, every byte before it delivered): finish what it delimits,
   * e.g. an HTTP response head or body cut by the close, while the FIN packet is at hand.
   */
  closeDirection?(dir: Direction): void;
}

export interface AppParser {
  readonly name: AppProtoName;
  /** 'tcp' for stream parsers, 'udp' for datagram parsers (DNS has both: register twice). */
  readonly transport: 'tcp' | 'udp';
  /** Ports that select this parser without probing (either side of the flow). */
  readonly defaultPorts: readonly number[];
  /** Look at the first bytes of one direction; the flow engine calls it until YES or NO. */
  probe(buf: Buffer, off: number, end: number, dir: Direction): ProbeResult;
  /** A fresh state for one flow; `flow` is passed back to the sink unchanged. */
  create(sink: AppSink, flow: unknown): AppParserState;
}

/** Bounds every parser enforces (configurable; Suricata-like defaults). */
export interface AppLimits {
  /** Longest request/status line or header line kept, in bytes. */
  maxLineLength: number;
  /** Most headers kept per HTTP message. */
  maxHeaders: number;
  /** Request/response body bytes kept per transaction for inspection. */
  maxBodyInspect: number;
  /** Transactions kept open per flow before the oldest are dropped. */
  maxOpenTxs: number;
}

export const DEFAULT_APP_LIMITS: AppLimits = {
  maxLineLength: 8192,
  maxHeaders: 256,
  maxBodyInspect: 100 * 1024,
  maxOpenTxs: 256,
};
