// Module declarations for non-TypeScript imports bundled into the binary.
declare module "*.toml" {
  const content: unknown;
  export default content;
}
