/**
 * The audible alarm: Web Audio oscillator beeps, no audio files (nothing
 * to load, nothing the CSP has to allow). Browsers start an AudioContext
 * suspended until the user has interacted with the page, so the first
 * click or key anywhere unlocks it; until then `blocked()` says so and the
 * banner tells the user to click once.
 */

/** Two short high beeps, repeated while the alarm stands. */
const BEEP_HZ = 880;
const BEEP_S = 0.18;
const GAP_S = 0.12;
const REPEAT_MS = 2000;

type AudioContextCtor = new () => AudioContext;

export interface AlarmSound {
  /** Beeps now and every 2 s until stop(). */
  start(): void;
  stop(): void;
  /** True while the browser has not yet allowed sound (no user gesture yet). */
  blocked(): boolean;
  /** Stops listening for the unlocking gesture and closes the audio context. */
  dispose(): void;
}

export function createAlarmSound(target: Window = window): AlarmSound {
  const Ctor = (target as unknown as { AudioContext?: AudioContextCtor }).AudioContext;
  let context: AudioContext | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;

  const ensure = (): AudioContext | null => {
    if (!Ctor) return null;
    context ??= new Ctor();
    return context;
  };
  const unlock = () => {
    const ctx = ensure();
    if (ctx && ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  };
  target.addEventListener('pointerdown', unlock, true);
  target.addEventListener('keydown', unlock, true);

  const beep = () => {
    const ctx = ensure();
    if (!ctx || ctx.state !== 'running') return;
    for (let i = 0; i < 2; i++) {
      const at = ctx.currentTime + i * (BEEP_S + GAP_S);
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = BEEP_HZ;
      // A short ramp at each end: no click, and quieter than a raw square wave.
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + BEEP_S);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + BEEP_S + 0.02);
    }
  };

  return {
    start() {
      if (timer !== null) return;
      beep();
      timer = setInterval(beep, REPEAT_MS);
    },
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
    blocked: () => !Ctor || !context || context.state !== 'running',
    dispose() {
      this.stop();
      target.removeEventListener('pointerdown', unlock, true);
      target.removeEventListener('keydown', unlock, true);
      void context?.close().catch(() => undefined);
      context = null;
    },
  };
}
