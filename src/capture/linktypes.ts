// Capture link types (LINKTYPE_* numbers, https://www.tcpdump.org/linktypes.html): which ones
// vsids decodes and the names used in error messages.
//
// capture/ sits before decode/ in the pipeline and must not import it, so the supported set is
// listed here. It must equal the link types src/decode/defaults.ts registers (a test checks it);
// callers that register more decoders pass their own predicate to the readers.

/** Link types with a first-layer decoder in src/decode/defaults.ts. */
export const SUPPORTED_LINKTYPES: readonly number[] = [0, 1, 12, 14, 101, 104, 108, 113, 228, 229, 276];

const SUPPORTED = new Uint8Array(512);
for (const t of SUPPORTED_LINKTYPES) SUPPORTED[t] = 1;

export type LinkTypePredicate = (linkType: number) => boolean;

export const isSupportedLinkType: LinkTypePredicate = (t) => t >= 0 && t < SUPPORTED.length && SUPPORTED[t] === 1;

const NAMES: Record<number, string> = {
  0: 'NULL',
  1: 'ETHERNET',
  3: 'AX25',
  6: 'IEEE802_5',
  7: 'ARCNET_BSD',
  8: 'SLIP',
  9: 'PPP',
  10: 'FDDI',
  12: 'RAW (BSD DLT 12)',
  14: 'RAW (OpenBSD DLT 14)',
  50: 'PPP_HDLC',
  51: 'PPP_ETHER',
  100: 'ATM_RFC1483',
  101: 'RAW',
  104: 'C_HDLC',
  105: 'IEEE802_11',
  107: 'FRELAY',
  108: 'LOOP',
  113: 'LINUX_SLL',
  114: 'LTALK',
  117: 'PFLOG',
  119: 'IEEE802_11_PRISM',
  122: 'IP_OVER_FC',
  123: 'SUNATM',
  127: 'IEEE802_11_RADIOTAP',
  129: 'ARCNET_LINUX',
  138: 'APPLE_IP_OVER_IEEE1394',
  139: 'MTP2_WITH_PHDR',
  140: 'MTP2',
  141: 'MTP3',
  142: 'SCCP',
  143: 'DOCSIS',
  144: 'LINUX_IRDA',
  163: 'IEEE802_11_AVS',
  166: 'PPP_PPPD',
  169: 'GPRS_LLC',
  177: 'LINUX_LAPD',
  187: 'BLUETOOTH_HCI_H4',
  189: 'USB_LINUX',
  192: 'PPI',
  195: 'IEEE802_15_4_WITHFCS',
  197: 'ERF',
  201: 'BLUETOOTH_HCI_H4_WITH_PHDR',
  204: 'PPP_WITH_DIR',
  205: 'C_HDLC_WITH_DIR',
  206: 'FRELAY_WITH_DIR',
  220: 'USB_LINUX_MMAPPED',
  226: 'IPNET',
  227: 'CAN_SOCKETCAN',
  228: 'IPV4',
  229: 'IPV6',
  230: 'IEEE802_15_4_NOFCS',
  231: 'DBUS',
  239: 'NFLOG',
  240: 'NETANALYZER',
  241: 'NETANALYZER_TRANSPARENT',
  242: 'IPOIB',
  243: 'MPEG_2_TS',
  247: 'INFINIBAND',
  248: 'SCTP',
  249: 'USBPCAP',
  251: 'BLUETOOTH_LE_LL',
  253: 'NETLINK',
  254: 'BLUETOOTH_LINUX_MONITOR',
  256: 'BLUETOOTH_LE_LL_WITH_PHDR',
  258: 'PKTAP',
  259: 'EPON',
  266: 'USB_DARWIN',
  271: 'VSOCK',
  272: 'NORDIC_BLE',
  274: 'ETHERNET_MPACKET',
  276: 'LINUX_SLL2',
  281: 'DSA_TAG_BRCM',
  283: 'IEEE802_15_4_TAP',
  290: 'ETW',
};

/** The LINKTYPE_ name without its prefix, or undefined for numbers not in the table. */
export function linkTypeName(linkType: number): string | undefined {
  return NAMES[linkType];
}

/** "105 (IEEE802_11)", or just "105" for an unknown number. */
export function describeLinkType(linkType: number): string {
  const name = NAMES[linkType];
  return name === undefined ? String(linkType) : `${linkType} (${name})`;
}

/** Tail of the unsupported-link-type message: what the user can feed vsids instead. */
export function supportedLinkTypesHint(): string {
  return `vsids decodes ${SUPPORTED_LINKTYPES.map((t) => NAMES[t] ?? String(t)).join(', ')}`;
}
