import { defineConfig, type Plugin } from "vite";

// The production build's content security policy: scripts and styles from the app's own folder
// only, WebSocket connections to any node (the node's address is chosen at run time), nothing
// else. (The dev server injects styles inline, so it goes without.)
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'none'";

const csp = (): Plugin => ({
  name: "salus-csp",
  apply: "build",
  transformIndexHtml: (html) =>
    html.replace(
      '<meta charset="utf-8" />',
      `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`,
    ),
});

// A static single-page app: `vite build` writes dist/, which any static web server serves.
export default defineConfig({
  base: "./",
  plugins: [csp()],
  build: { target: "es2022", outDir: "dist", sourcemap: true },
  server: { host: "127.0.0.1", port: 5173, strictPort: false },
  preview: { host: "127.0.0.1", port: 4173 },
});
