// Public surface of src/metrics: definitions, label sets, the shared registry, exposition.
export * from "./definitions.ts";
export * from "./doc.ts";
export * from "./errors.ts";
export * from "./labels.ts";
export * from "./layout.ts";
export * from "./registry.ts";
export * from "./render.ts";
