import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// served by the service under /app (src/yuantus/core/webapp.py); the API is same-origin
export default defineConfig({
  base: "/app/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 700 },
  server: { proxy: { "/api": "http://127.0.0.1:7910" } },
  test: { environment: "jsdom", include: ["src/**/*.test.ts", "src/**/*.test.tsx"] },
});
