// Common start-up of a stage Worker: wait for its StageInit, pin the thread to its CPU
// (or record why not), run the stage, and report ready / stopped / error to the control
// thread. A stage's own loop checks the control block's stop flags.
import { readlinkSync } from "node:fs";
import { pinCurrentThread } from "../native/index.ts";
import { CONTROL_STOP, CONTROL_STOP_INTAKE, type StageInit, type StageMessage } from "./stage-init.ts";

declare const self: Worker;

export interface StageContext {
  init: StageInit;
  control: Int32Array;
  pin: { pinned: boolean; reason?: string };
  stopRequested(): boolean;
  intakeStopped(): boolean;
  post(message: StageMessage): void;
  log(level: "debug" | "info" | "warn" | "error", message: string, fields?: unknown): void;
  /** Receives later messages from the control thread (after init). */
  onControlMessage(handler: (message: unknown) => void): void;
}

/** Runs `start` once the init message arrives; `start` resolves when the stage has stopped. */
export function runStage(start: (context: StageContext) => Promise<unknown> | unknown): void {
  self.onmessage = async (event: MessageEvent) => {
    const init = event.data as StageInit;
    if (init?.type !== "init") return;
    let controlHandler: ((message: unknown) => void) | null = null;
    self.onmessage = (later: MessageEvent) => controlHandler?.(later.data);
    const control = new Int32Array(init.control);
    const post = (message: StageMessage) => self.postMessage(message);
    const pin =
      init.cpu === null
        ? { pinned: false, reason: "affinity disabled, or no core planned for this stage" }
        : pinCurrentThread(init.cpu);
    const context: StageContext = {
      init,
      control,
      pin: { pinned: pin.pinned, reason: "reason" in pin ? pin.reason : undefined },
      stopRequested: () => Atomics.load(control, CONTROL_STOP) !== 0,
      intakeStopped: () => Atomics.load(control, CONTROL_STOP_INTAKE) !== 0,
      post,
      log: (level, message, fields) => post({ type: "log", instance: init.instance, level, message, fields }),
      onControlMessage: (handler) => {
        controlHandler = handler;
      },
    };
    try {
      await start(context);
      post({ type: "stopped", instance: init.instance });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      post({ type: "error", instance: init.instance, message: failure.message, stack: failure.stack });
    }
  };
}

/** The calling thread's kernel id (/proc/thread-self → "<pid>/task/<tid>"), or null off Linux. */
function currentThreadId(): number | null {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(tid) ? tid : null;
  } catch {
    return null;
  }
}

/** Posts the ready message with the pinning outcome; call it when the stage can take work. */
export function announceReady(context: StageContext, detail?: unknown): void {
  context.post({
    type: "ready",
    instance: context.init.instance,
    cpu: context.init.cpu,
    pinned: context.pin.pinned,
    pinReason: context.pin.reason,
    threadId: currentThreadId(),
    detail,
  });
}
