// Entry of the throwaway binary that native-compiled.test.ts builds with `bun build --compile`: reports
// whether the embedded liboutrider.so loads, verifies a signature natively, and pins a Worker.
import { nativeStatus } from "../../src/native/index.ts";
import { createVerifier } from "../../src/verify/ed25519.ts";

const choice = createVerifier();
const worker = new Worker(new URL("./native-thread-probe.fixture.ts", import.meta.url).href);
const probe = await new Promise((resolvePromise, reject) => {
  worker.onmessage = (event) => resolvePromise(event.data);
  worker.onerror = (event) => reject(new Error(event.message));
  worker.postMessage({ cpu: 0, ioLevel: 4 });
});
worker.terminate();
// An all-zero signature under the all-zero key: small-order, must be rejected.
const zeroRejected = !choice.verifier.verify(new Uint8Array(64), new Uint8Array(32), new Uint8Array(0));
console.log(JSON.stringify({ status: nativeStatus(), verifier: choice.kind, zeroRejected, probe }));
