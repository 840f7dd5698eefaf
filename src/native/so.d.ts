// Lets TypeScript accept `import libPath from "….so" with { type: "file" }`: Bun resolves such an
// import to a file path (inside a compiled binary, a path in its embedded file system).
declare module "*.so" {
  const filePath: string;
  export default filePath;
}
