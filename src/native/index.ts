// Public API of the native layer (bun:ffi bindings to build/native/liboutrider.so and their fallbacks).
export {
  CPU_SET_SIZE,
  currentCpu,
  currentThreadCpus,
  type PinResult,
  parseCpuList,
  pinCurrentThread,
  type ThreadCpusResult,
} from "./affinity.ts";
export {
  NATIVE_CALL_FAILED,
  NATIVE_INVALID_CPU,
  NATIVE_INVALID_IO_PRIORITY,
  NATIVE_INVALID_PLACEMENT,
  NATIVE_UNAVAILABLE,
} from "./errors.ts";
export {
  getIoPriority,
  IO_PRIORITY_CLASSES,
  type IoPriorityClass,
  type IoPriorityResult,
  type SetIoPriorityResult,
  setIoPriority,
} from "./io-priority.ts";
export {
  defaultNativeLibrary,
  NATIVE_ABI_VERSION,
  type NativeLibrary,
  openNativeLibrary,
} from "./library.ts";
export {
  freeCores,
  type Placement,
  planPlacement,
  STAGE_INSTANCES_MAX,
  type StageRequest,
} from "./placement.ts";
export { type HelperStatus, type NativeStatus, nativeStatus } from "./status.ts";
export { readTopology, type Topology, type TopologyCache, type TopologyCore } from "./topology.ts";
export { formatTopology } from "./topology-format.ts";
