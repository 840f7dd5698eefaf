// Loads build/native/liboutrider.so with bun:ffi and declares its symbols (mirror of native/outrider.h).
// Works from the source tree, inside Bun Workers (each Worker loads its own handle), and inside the
// compiled binary: the library is imported as a file, which `bun build --compile` embeds and Bun
// extracts to $TMPDIR at dlopen. When the library is missing, stale or cannot load (no hwloc or
// libsodium on the host, no writable $TMPDIR), the result says why instead of throwing.
import { dlopen, FFIType, type Library } from "bun:ffi";

/** Must equal OUTRIDER_NATIVE_ABI_VERSION in native/outrider.h. */
export const NATIVE_ABI_VERSION = 1;

export const NATIVE_SYMBOLS = {
  outrider_native_abi_version: { args: [], returns: FFIType.i32 },
  outrider_pin_current_thread: { args: [FFIType.i32], returns: FFIType.i32 },
  outrider_current_thread_cpus: { args: [FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  outrider_current_cpu: { args: [], returns: FFIType.i32 },
  outrider_current_thread_id: { args: [], returns: FFIType.i32 },
  outrider_set_io_priority: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  outrider_get_io_priority: { args: [], returns: FFIType.i32 },
  outrider_topology_read: { args: [FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  outrider_ed25519_verify_batch: {
    args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.u32, FFIType.ptr],
    returns: FFIType.i32,
  },
  outrider_ed25519_verify_one: {
    args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.u32],
    returns: FFIType.i32,
  },
  outrider_ffi_noop: { args: [], returns: FFIType.i32 },
  outrider_ffi_noop_ptr: { args: [FFIType.ptr, FFIType.ptr, FFIType.u32], returns: FFIType.u32 },
} as const;

export type NativeSymbols = Library<typeof NATIVE_SYMBOLS>["symbols"];

export type NativeLibrary =
  | { available: true; path: string; abiVersion: number; symbols: NativeSymbols }
  | { available: false; path: string | null; reason: string };

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Opens the library at libraryPath; never throws. */
export function openNativeLibrary(libraryPath: string): NativeLibrary {
  let library: Library<typeof NATIVE_SYMBOLS>;
  try {
    library = dlopen(libraryPath, NATIVE_SYMBOLS);
  } catch (error) {
    // An embedded library lives in the binary's /$bunfs and is extracted to $TMPDIR by dlopen.
    const hint = libraryPath.startsWith("/$bunfs/")
      ? ` (the embedded library is extracted to $TMPDIR=${process.env.TMPDIR ?? "/tmp"} first: is it writable?)`
      : "";
    return { available: false, path: libraryPath, reason: `dlopen failed: ${describeError(error)}${hint}` };
  }
  const abiVersion = library.symbols.outrider_native_abi_version();
  if (abiVersion !== NATIVE_ABI_VERSION) {
    library.close();
    return {
      available: false,
      path: libraryPath,
      reason: `stale native library: ABI ${abiVersion}, expected ${NATIVE_ABI_VERSION} (run 'make native')`,
    };
  }
  return { available: true, path: libraryPath, abiVersion, symbols: library.symbols };
}

async function resolveEmbeddedLibraryPath(): Promise<{ path: string } | { reason: string }> {
  try {
    const imported = await import("../../build/native/liboutrider.so", { with: { type: "file" } });
    return { path: imported.default };
  } catch (error) {
    return { reason: `build/native/liboutrider.so not found (run 'make native'): ${describeError(error)}` };
  }
}

const resolved = await resolveEmbeddedLibraryPath();

/** The library this process (or Worker) uses: loaded once, at module evaluation. */
export const defaultNativeLibrary: NativeLibrary =
  "path" in resolved
    ? openNativeLibrary(resolved.path)
    : { available: false, path: null, reason: resolved.reason };
