/** API errors: the service's {"detail": {"code", "message", "context"}} body, shown as text. */

export interface ErrorDetail {
  code: string;
  message: string;
  context: Record<string, unknown>;
}

/** An API answer that is not a success: status, code and message kept for display. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly context: Record<string, unknown>;

  constructor(status: number, detail: ErrorDetail) {
    super(detail.message);
    this.name = "ApiError";
    this.status = status;
    this.code = detail.code;
    this.context = detail.context;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The error detail of any error body: the catalogue shape, FastAPI's list form, or text. */
export function toDetail(status: number, body: unknown): ErrorDetail {
  const detail = isRecord(body) ? body["detail"] : undefined;
  if (isRecord(detail) && typeof detail["code"] === "string") {
    return {
      code: detail["code"],
      message: typeof detail["message"] === "string" ? detail["message"] : detail["code"],
      context: isRecord(detail["context"]) ? detail["context"] : {},
    };
  }
  if (Array.isArray(detail)) {
    // pydantic's list of problems (a 422 not rewritten by the service)
    const parts = detail.map((d) =>
      isRecord(d) ? `${Array.isArray(d["loc"]) ? d["loc"].join(".") + ": " : ""}${String(d["msg"])}` : String(d),
    );
    return { code: "validation_error", message: parts.join("; "), context: {} };
  }
  if (typeof detail === "string") return { code: `http_${status}`, message: detail, context: {} };
  if (typeof body === "string" && body.trim()) {
    return { code: `http_${status}`, message: body.trim().slice(0, 300), context: {} };
  }
  return { code: `http_${status}`, message: `request failed with HTTP ${status}`, context: {} };
}

/** One line for a person: "message (code)", never "[object Object]". */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return "unexpected error";
}
