/**
 * A SIP call's record and the caller's handle (`server.sip.incoming`): its webhook, its
 * promises, and the caller's microphone (the WebRTC kit's, routed to the session once active).
 * @module
 */
import type { TimerId } from '@voxwire/protocol';
import type { SpokenTurnOptions } from '../../helpers.js';
import { createMicrophone, type WiredMicrophone } from '../../web-rtc/media.js';
import type { OutputAudioEntry } from '../output-playback.js';
import type { JsonObject } from '../wire.js';
import {
  CallEntry,
  type FakeCallEndReason,
  type FakeSipCall,
  type WebhookDelivery,
  type WebhookRequest,
} from './call-record.js';

type Ended = {
  readonly state: 'rejected' | 'ended';
  readonly reason: FakeCallEndReason | undefined;
};

/** What a SIP call's handle needs of its registry. */
export interface SipCallHost {
  /** The signed webhook request of `call` (the server's URL and clock). */
  webhookRequest(call: SipCallEntry, secret: string | undefined): Promise<WebhookRequest>;
  /** The caller left. */
  callerHungUp(call: SipCallEntry): void;
}

/** A SIP call: the record `server.calls` lists, and the handle a test drives. */
export class SipCallEntry extends CallEntry implements FakeSipCall {
  readonly mic: WiredMicrophone;
  webhookDelivered: Promise<WebhookDelivery | undefined> = Promise.resolve(undefined);
  readonly accepted: Promise<boolean>;
  readonly ended: Promise<Ended>;
  // the ring timeout, cleared once answered or over
  ringTimer: TimerId | undefined;
  #accepted!: (value: boolean) => void;
  #ended!: (value: Ended) => void;

  constructor(
    callId: string,
    readonly sipHeaders: readonly { readonly name: string; readonly value: string }[],
    readonly webhookEvent: JsonObject,
    private readonly host: SipCallHost,
  ) {
    super(callId, 'sip');
    this.mic = createMicrophone(`sip_${callId}`);
    this.accepted = new Promise((resolve) => (this.#accepted = resolve));
    this.ended = new Promise((resolve) => (this.#ended = resolve));
  }

  webhookRequest(secret?: string): Promise<WebhookRequest> {
    return this.host.webhookRequest(this, secret);
  }

  say(pcm: Int16Array): boolean {
    return this.mic.track.speak(pcm);
  }

  speakTurn(speechMs: number, silenceMs: number, options?: SpokenTurnOptions): boolean {
    return this.mic.track.speakTurn(speechMs, silenceMs, options);
  }

  hangUp(): void {
    this.host.callerHungUp(this);
  }

  get outputAudio(): readonly OutputAudioEntry[] {
    return this.connection?.outputAudio.entries ?? [];
  }

  /** The call was accepted: its session runs. */
  markAccepted(): void {
    this.#accepted(true);
  }

  /** The call is over; settles the promises. */
  markOver(): void {
    this.mic.route(undefined);
    this.#accepted(false);
    this.#ended({
      state: this.state === 'rejected' ? 'rejected' : 'ended',
      reason: this.endReason,
    });
  }
}
