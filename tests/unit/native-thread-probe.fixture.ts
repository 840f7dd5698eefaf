// Worker used by the native tests: inside its own thread it pins itself to the CPU it is given, sets
// its I/O priority, reads both back, and posts what it saw. Not a test file itself.
import { currentCpu, currentThreadCpus, pinCurrentThread } from "../../src/native/affinity.ts";
import { getIoPriority, setIoPriority } from "../../src/native/io-priority.ts";
import { defaultNativeLibrary } from "../../src/native/library.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<{ cpu: number; ioLevel: number }>) => {
  const pin = pinCurrentThread(event.data.cpu);
  const cpus = currentThreadCpus();
  const runningOn = currentCpu();
  const ioSet = setIoPriority("best-effort", event.data.ioLevel);
  const ioRead = getIoPriority();
  const threadId = defaultNativeLibrary.available
    ? defaultNativeLibrary.symbols.outrider_current_thread_id()
    : null;
  self.postMessage({
    pin,
    cpus,
    runningOn,
    ioSet,
    ioRead,
    threadId,
    libraryAvailable: defaultNativeLibrary.available,
  });
};
