// Vite's `?raw` imports (the committed schema document in schema.test.ts).
declare module '*?raw' {
  const content: string;
  export default content;
}
