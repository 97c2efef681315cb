/** The API client, generated from the service's OpenAPI (src/api/schema.d.ts, `npm run gen`). */

import createClient, { type Middleware } from "openapi-fetch";
import * as auth from "../lib/auth";
import { ApiError, toDetail } from "./errors";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export const API_BASE = "/api/v1";

const bearer: Middleware = {
  onRequest({ request }) {
    const session = auth.current();
    if (session) request.headers.set("Authorization", `Bearer ${session.token}`);
    return request;
  },
  onResponse({ response }) {
    // a revoked or expired token ends the session at once, wherever it happens
    if (response.status === 401 && auth.current()) auth.logout("refused");
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(bearer);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful answer, or an ApiError with the service's code and message. */
export async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, toDetail(response.status, error));
  return data as T;
}

/** Download a binary answer (exports, packs) with the session's token. */
export async function download(path: string): Promise<{ blob: Blob; filename: string }> {
  const session = auth.current();
  const response = await fetch(API_BASE + path, {
    headers: session ? { Authorization: `Bearer ${session.token}` } : {},
  });
  if (!response.ok) {
    let body: unknown = await response.text();
    try {
      body = JSON.parse(body as string);
    } catch {
      // not JSON: keep the text
    }
    throw new ApiError(response.status, toDetail(response.status, body));
  }
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? "download";
  return { blob: await response.blob(), filename };
}

/** Save a blob as a file through the browser. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
