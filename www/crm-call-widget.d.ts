// Type declarations for crm-call-widget: the <crm-call-widget> element, the
// window.CrmCallWidget namespace, the host API handle and the events it sends.

export interface OzonetelConfig {
  /** CloudAgent API host, e.g. https://in1-ccaas-api.ozonetel.com */
  baseUrl?: string;
  userName?: string;
  agentId?: string;
  did?: string;
  /** Your backend's token endpoint (see the README's token contract). */
  tokenUrl?: string;
  /** Simulator only (a localhost baseUrl): never ship an API key to a browser. */
  apiKey?: string;
  /** The ACW (wrap-up) window in seconds, for the countdown; default 30. */
  wrapUpSecs?: number;
}

export interface WidgetConfig {
  /** Base URL of Genesys Web Services; empty = same origin. */
  gwsUrl?: string;
  /** HTTP Basic credentials for GWS; leave both out to use an existing cookie session. */
  username?: string;
  password?: string;
  /** "en" | "hi"; default: the browser's language. */
  lang?: string;
  notReadyReasons?: string[];
  userDataKeys?: string[];
  clickToDial?: boolean;
  notifyWhenHidden?: boolean;
  ringSound?: string;
  dispositionVendor?: 'genesys' | 'ozonetel';
  dispositions?: string[];
  dispositionKey?: string;
  pauseReasons?: string[];
  callbackDispositions?: string[];
  ozonetel?: OzonetelConfig;
}

export interface Party { number: string; display: string }

export interface CallRingingDetail {
  callId: string; callUuid: string; ani: string; dnis: string;
  direction: 'inbound' | 'outbound' | 'internal' | 'consult' | string;
  userData: Record<string, unknown>;
}
export interface CallConnectedDetail {
  callId: string; callUuid: string; parties: Party[]; direction: string; userData: Record<string, unknown>;
}
export interface CallEndedDetail {
  callId: string; callUuid: string; parties: Party[]; direction: string; dnis: string;
  startedAt: number | null; endedAt: number; durationSeconds: number; answered: boolean;
  disposition: string | null; userData: Record<string, unknown>;
}
export interface DispositionSavedDetail {
  vendor: 'genesys' | 'ozonetel';
  /** Genesys */ callId?: string; callUuid?: string;
  /** Ozonetel */ ucid?: string; did?: string; agentID?: string;
  disposition: string; comments: string;
  pauseAfter: boolean; pauseReason: string | null; callbackTime: string | null;
}
export interface AgentStateChangedDetail { state: string; ready: boolean }
export interface ConnectionChangedDetail {
  status: 'connecting' | 'connected' | 'reconnecting' | 'stopped' | 'session-expired';
  attempt?: number; nextRetryMs?: number; reason?: string;
}
export interface ErrorDetail { message: string; nextStep: string }

export interface WidgetEventMap {
  'call-ringing': CallRingingDetail;
  'call-connected': CallConnectedDetail;
  'call-ended': CallEndedDetail;
  'disposition-saved': DispositionSavedDetail;
  'agent-state-changed': AgentStateChangedDetail;
  'connection-changed': ConnectionChangedDetail;
  'error': ErrorDetail;
}

export interface ActiveOzonetelCall { ucid: string; did?: string; callerID?: string; agentID?: string }

export interface WidgetHandle {
  dial(number: string, userData?: Record<string, string>): void;
  setAgentState(state: 'Ready' | 'NotReady' | 'AfterCallWork', reason?: string): void;
  attachUserData(data: Record<string, string>): void;
  /** Ozonetel: the call on the agent's line (did/agentID default to the config's); null = none.
   *  Throws in a widget that records its dispositions at Genesys (as does `callEnded`). */
  setActiveCall(call: ActiveOzonetelCall | null): void;
  /** Ozonetel: the call hung up (default: the active call): a queued disposition applies, wrap-up starts. */
  callEnded(ucid?: string): void;
  /** Ozonetel: your backend's token, as a string or a Promise of one; null removes it. */
  setTokenProvider(provider: (() => Promise<string> | string) | null): void;
  on<K extends keyof WidgetEventMap>(name: K, listener: (detail: WidgetEventMap[K]) => void): void;
  destroy(): void;
}

export interface CrmCallWidgetElement extends HTMLElement {
  readonly widget: Promise<WidgetHandle>;
  addEventListener<K extends keyof WidgetEventMap>(
    type: K, listener: (ev: CustomEvent<WidgetEventMap[K]>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

declare global {
  interface Window {
    CrmCallWidget: { mount(element: HTMLElement, config?: WidgetConfig): Promise<WidgetHandle> };
  }
  interface HTMLElementTagNameMap { 'crm-call-widget': CrmCallWidgetElement }
}
