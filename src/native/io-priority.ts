// I/O scheduling priority of the calling thread (ioprio_set/ioprio_get): class realtime, best-effort
// or idle, level 0 (highest) to 7. Realtime needs CAP_SYS_ADMIN or CAP_SYS_NICE; a refusal is a
// result with a reason, never a crash. Without the native library both calls report unavailable.
import { OutriderError } from "../errors.ts";
import { errnoName } from "./errno.ts";
import { NATIVE_INVALID_IO_PRIORITY } from "./errors.ts";
import { defaultNativeLibrary, type NativeLibrary } from "./library.ts";

export const IO_PRIORITY_CLASSES = ["none", "realtime", "best-effort", "idle"] as const;
export type IoPriorityClass = (typeof IO_PRIORITY_CLASSES)[number];
export const IO_PRIORITY_LEVEL_MAX = 7;
const IOPRIO_CLASS_SHIFT = 13;
const IOPRIO_LEVEL_MASK = 0x7;

export type SetIoPriorityResult =
  | { set: true; ioClass: IoPriorityClass; level: number }
  | { set: false; ioClass: IoPriorityClass; level: number; reason: string };

export type IoPriorityResult =
  | { available: true; ioClass: IoPriorityClass; level: number; raw: number }
  | { available: false; reason: string };

/** Sets the calling thread's I/O priority. Throws only for a class or level outside the kernel's range. */
export function setIoPriority(
  ioClass: IoPriorityClass,
  level: number,
  library: NativeLibrary = defaultNativeLibrary,
): SetIoPriorityResult {
  const classIndex = IO_PRIORITY_CLASSES.indexOf(ioClass);
  if (classIndex < 0 || !Number.isInteger(level) || level < 0 || level > IO_PRIORITY_LEVEL_MAX) {
    throw new OutriderError(
      NATIVE_INVALID_IO_PRIORITY,
      "NATIVE_INVALID_IO_PRIORITY",
      `I/O priority needs a class in ${IO_PRIORITY_CLASSES.join("|")} and a level 0-${IO_PRIORITY_LEVEL_MAX}, got ${ioClass}/${level}`,
      { ioClass: String(ioClass), level },
    );
  }
  if (!library.available) {
    return { set: false, ioClass, level, reason: `native library unavailable: ${library.reason}` };
  }
  const rc = library.symbols.outrider_set_io_priority(classIndex, level);
  if (rc === 0) return { set: true, ioClass, level };
  const hint = rc === -1 ? ": the realtime class needs CAP_SYS_ADMIN or CAP_SYS_NICE" : "";
  return { set: false, ioClass, level, reason: `ioprio_set refused: ${errnoName(rc)}${hint}` };
}

/** Reads the calling thread's I/O priority back. */
export function getIoPriority(library: NativeLibrary = defaultNativeLibrary): IoPriorityResult {
  if (!library.available)
    return { available: false, reason: `native library unavailable: ${library.reason}` };
  const raw = library.symbols.outrider_get_io_priority();
  if (raw < 0) return { available: false, reason: `ioprio_get failed: ${errnoName(raw)}` };
  const classIndex = (raw >> IOPRIO_CLASS_SHIFT) & 0x7;
  const ioClass = IO_PRIORITY_CLASSES[classIndex];
  if (ioClass === undefined)
    return { available: false, reason: `ioprio_get returned unknown class ${classIndex}` };
  return { available: true, ioClass, level: raw & IOPRIO_LEVEL_MASK, raw };
}
