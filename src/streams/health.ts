import type { StreamLimits } from "../workflow/index.js";

/** What the hub knows of one leaf's capture: its source's lag and when it last heard from it. */
export interface SourceView {
  lag: number;
  /** Nanoseconds since the hub last heard from this source; -1: never. */
  activeNs: number;
}

/** A leaf's capture stream as the leaf reports it (only while its link is up). */
export interface CaptureView {
  messages: number;
  bytes: number;
  firstSeq: number;
  /** When its oldest message was stored. */
  firstTs: string;
}

/** The leaf's consumer the hub sources through (only while the leaf can be asked). */
export interface ConsumerView {
  /** Messages not yet delivered to the hub, plus those delivered but not yet acknowledged. */
  pending: number;
  /** The last stream sequence the hub acknowledged, with everything before it. */
  ackFloor: number;
}

export interface CrossingHealth {
  /** Messages captured at the leaf that have not crossed yet; undefined when the leaf cannot be asked. */
  backlog?: number;
  /**
   * Messages the leaf's limits dropped before the hub acknowledged them: lost. At least this many:
   * nats-server moves a consumer's ack floor past such a gap by itself (at its next check, every
   * minute or two, or at a restart), after which it no longer shows.
   */
  dropped: number;
  /** The capture holds 80 % or more of its bytes or age limit: the oldest will be dropped next. */
  nearLimit: boolean;
  /** Milliseconds since the hub last received from this leaf's capture. */
  lastHeardMs?: number;
}

const NEAR = 0.8;
const LIVE_MS = 3000;

/**
 * The hub has acknowledged the capture up to the consumer's ack floor: whatever the capture no
 * longer holds below that point crossed before the limits dropped it; whatever it no longer holds
 * above it was dropped before it crossed, and is lost.
 */
export function crossingHealth(capture: CaptureView | undefined, consumer: ConsumerView | undefined, source: SourceView | undefined, limits: StreamLimits, now: number): CrossingHealth {
  const lastHeardMs = source && source.activeNs >= 0 ? Math.round(source.activeNs / 1e6) : undefined;
  const heard = lastHeardMs === undefined ? {} : { lastHeardMs };
  if (!capture) return { dropped: 0, nearLimit: false, ...heard };
  const crossedUpTo = consumer?.ackFloor ?? capture.firstSeq - 1;
  const dropped = Math.max(0, capture.firstSeq - 1 - crossedUpTo);
  const ageMs = capture.messages > 0 ? now - Date.parse(capture.firstTs) : 0;
  const nearLimit = capture.bytes >= NEAR * limits.maxBytes || ageMs >= NEAR * limits.maxAgeSeconds * 1000;
  // The hub's lag is exact while its source is live (it hears a heartbeat every second); a source
  // that stopped keeps its last lag, so then the leaf's consumer counts, which also includes what
  // was delivered but whose acknowledgement (by flow control) has not come back yet.
  const live = lastHeardMs !== undefined && lastHeardMs <= LIVE_MS;
  return { backlog: (live ? source?.lag : undefined) ?? consumer?.pending ?? capture.messages, dropped, nearLimit, ...heard };
}
