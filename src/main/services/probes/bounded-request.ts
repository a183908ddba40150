/**
 * One HTTP exchange with hard limits: it settles by the deadline whatever
 * the server does (no headers, a stalled body, a body without end), reads
 * at most maxBodyBytes and knows which phase it was in when it failed, so
 * the message says "timed out after 1500 ms waiting for headers" rather than
 * "aborted". Redirects are returned, never followed here.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Deadline } from './deadline';
import { describeFailure, type Phase } from './failure-message';

export interface BoundedRequest {
  url: URL;
  method: 'GET' | 'HEAD' | 'POST';
  headers: Record<string, string>;
  maxBodyBytes: number;
  dispatcher: Dispatcher;
  deadline: Deadline;
}

export interface BoundedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body was longer than maxBodyBytes; `body` holds its beginning. */
  truncated: boolean;
}

export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly phase: Phase,
  ) {
    super(message);
    this.name = 'RequestFailed';
  }
}

export function boundedRequest(request: BoundedRequest): Promise<BoundedResponse> {
  const { deadline } = request;
  return new Promise<BoundedResponse>((resolve, reject) => {
    let phase: Phase = 'connecting';
    let settled = false;
    let controller: Dispatcher.DispatchController | null = null;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let bytes = 0;
    let stopWatching: () => void = () => undefined;

    const finish = (outcome: { ok: BoundedResponse } | { error: unknown }) => {
      if (settled) return;
      settled = true;
      stopWatching();
      if (controller && !controller.aborted && 'error' in outcome) controller.abort(new Error('probe gave up'));
      if ('ok' in outcome) resolve(outcome.ok);
      else reject(new RequestFailed(describeFailure(outcome.error, phase, deadline.timeoutMs), phase));
    };
    if (deadline.expired) {
      reject(new RequestFailed(describeFailure(deadline.reason, phase, deadline.timeoutMs), phase));
      return;
    }
    stopWatching = deadline.onExpire(() => finish({ error: deadline.reason }));

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(ctrl) {
        controller = ctrl;
        if (settled) ctrl.abort(new Error('probe gave up'));
        else phase = 'waiting for headers';
      },
      onResponseStart(_ctrl, statusCode, responseHeaders) {
        if (statusCode < 200 && statusCode !== 101) return; // 1xx informational: wait for the real answer
        status = statusCode;
        headers = responseHeaders;
        phase = 'reading the body';
      },
      onResponseData(ctrl, chunk) {
        if (settled) return;
        const room = request.maxBodyBytes - bytes;
        if (chunk.length > room) {
          // Past the limit: keep what fits, stop reading and judge on that.
          chunks.push(chunk.subarray(0, room));
          bytes += room;
          finish({ ok: { status, headers, body: Buffer.concat(chunks, bytes), truncated: true } });
          if (!ctrl.aborted) ctrl.abort(new Error('body limit reached'));
          return;
        }
        chunks.push(chunk);
        bytes += chunk.length;
      },
      onResponseEnd() {
        finish({ ok: { status, headers, body: Buffer.concat(chunks, bytes), truncated: false } });
      },
      onResponseError(_ctrl, error) {
        finish({ error });
      },
    };

    try {
      request.dispatcher.dispatch(
        {
          origin: request.url.origin,
          path: `${request.url.pathname}${request.url.search}`,
          method: request.method,
          headers: request.headers,
          headersTimeout: deadline.timeoutMs,
          bodyTimeout: deadline.timeoutMs,
        },
        handler,
      );
    } catch (error) {
      finish({ error });
    }
  });
}
