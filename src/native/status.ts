// nativeStatus(): what the native layer can do in this process, for `/status`, `outrider preflight`
// and start-up logs. Every helper appears with `available` and, when it is not, the reason.
import { currentThreadCpus } from "./affinity.ts";
import { getIoPriority } from "./io-priority.ts";
import { defaultNativeLibrary, NATIVE_ABI_VERSION, type NativeLibrary } from "./library.ts";
import { readTopology } from "./topology.ts";

export interface HelperStatus {
  available: boolean;
  reason?: string;
  /** Where the helper's answer comes from when it has a fallback (e.g. "hwloc", "sysfs"). */
  source?: string;
}

export interface NativeStatus {
  available: boolean;
  reason?: string;
  libraryPath: string | null;
  abiVersion: number;
  helpers: {
    affinity: HelperStatus;
    threadCpus: HelperStatus;
    topology: HelperStatus;
    ioPriority: HelperStatus;
    ed25519: HelperStatus;
  };
}

export function nativeStatus(library: NativeLibrary = defaultNativeLibrary): NativeStatus {
  const unavailable: HelperStatus = library.available
    ? { available: true }
    : { available: false, reason: `native library unavailable: ${library.reason}` };
  const threadCpus = currentThreadCpus(library);
  const topology = readTopology(library);
  const ioPriority = getIoPriority(library);
  return {
    available: library.available,
    ...(library.available ? {} : { reason: library.reason }),
    libraryPath: library.path,
    abiVersion: NATIVE_ABI_VERSION,
    helpers: {
      affinity: unavailable,
      threadCpus: threadCpus.available
        ? { available: true, source: threadCpus.source }
        : { available: false, reason: threadCpus.reason },
      topology: {
        available: true,
        source: topology.source,
        ...(topology.fallbackReason ? { reason: topology.fallbackReason } : {}),
      },
      ioPriority: ioPriority.available
        ? { available: true }
        : { available: false, reason: ioPriority.reason },
      ed25519: library.available
        ? { available: true, source: "libsodium" }
        : { available: false, reason: unavailable.reason, source: "node:crypto fallback" },
    },
  };
}
