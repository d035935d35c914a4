import type { ErrorBody, FieldError } from '#shared';

/** The slice of `fetch` the client uses; tests pass a fake. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Code for a request that never got an answer (offline, server down, CORS). */
export const NETWORK_ERROR = 'NETWORK';

/** A failed API call, carrying the server's `ErrorBody` (or a stand-in for one). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status; 0 when the request never got an answer. */
    readonly status: number,
    /** `ErrorBody.code` (an `ErrorCode`), or `NETWORK`. */
    readonly code: string,
    message: string,
    readonly fields: readonly FieldError[] = [],
    readonly requestId?: string,
    /** `ErrorBody.details`: what the server adds to explain a refusal (the gate's reasons). */
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The server's message for one field, if it named that field. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }

  static network(cause: unknown): ApiError {
    const error = new ApiError(0, NETWORK_ERROR, 'Cannot reach the server; check your connection and try again');
    error.cause = cause;
    return error;
  }

  /** Reads the server's error shape from a failed response; tolerates bodies that are not it. */
  static async fromResponse(res: Response): Promise<ApiError> {
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    if (isErrorBody(body)) {
      return new ApiError(res.status, body.code, body.message, (body.fields ?? []).filter(isFieldError), body.requestId, body.details);
    }
    return new ApiError(res.status, res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST', `Request failed (${res.status}${res.statusText ? ` ${res.statusText}` : ''})`);
  }
}

function isFieldError(value: unknown): value is FieldError {
  const v = value as FieldError | null;
  return typeof v === 'object' && v !== null && typeof v.field === 'string' && typeof v.message === 'string';
}

function isErrorBody(value: unknown): value is ErrorBody {
  const v = value as ErrorBody | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.statusCode === 'number' &&
    typeof v.code === 'string' &&
    typeof v.message === 'string' &&
    (v.fields === undefined || Array.isArray(v.fields))
  );
}

/** How the client gets and renews the caller's access token. */
export interface ApiAuth {
  accessToken(): string | null;
  /** Trades the refresh token for a new pair; resolves false when the session is over. */
  refresh(): Promise<boolean>;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Send the bearer token and, on a 401, refresh once and retry. Default true. */
  auth?: boolean;
  signal?: AbortSignal;
}

/**
 * A thin JSON client over an injected `fetch`: adds the bearer token, turns
 * failures into `ApiError`, and on a 401 refreshes the session once and retries.
 */
export class ApiClient {
  constructor(
    private readonly fetchFn: FetchLike,
    private readonly auth: ApiAuth,
    private readonly baseUrl = '',
  ) {}

  get<T>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...options, method: 'GET' });
  }

  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...options, method: 'POST', body });
  }

  /** Sends a file as the raw request body (the CSV import), with the same token handling. */
  async upload<T>(path: string, file: Blob, contentType: string): Promise<T> {
    const send = () => {
      const token = this.auth.accessToken();
      return this.fetchFn(this.baseUrl + path, { method: 'POST', headers: { Accept: 'application/json', 'Content-Type': contentType, ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: file }).catch((e: unknown) => {
        throw ApiError.network(e);
      });
    };
    let res = await send();
    if (res.status === 401 && (await this.auth.refresh())) res = await send();
    if (!res.ok) throw await ApiError.fromResponse(res);
    return (await res.json()) as T;
  }

  /** A file the server sends (a CSV export), with the same token handling. */
  async download(path: string): Promise<Blob> {
    const send = () => {
      const token = this.auth.accessToken();
      return this.fetchFn(this.baseUrl + path, { method: 'GET', headers: token ? { Authorization: `Bearer ${token}` } : {} }).catch((e: unknown) => {
        throw ApiError.network(e);
      });
    };
    let res = await send();
    if (res.status === 401 && (await this.auth.refresh())) res = await send();
    if (!res.ok) throw await ApiError.fromResponse(res);
    return res.blob();
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const useAuth = options.auth ?? true;
    let res = await this.send(path, options, useAuth);
    if (res.status === 401 && useAuth && (await this.auth.refresh())) {
      res = await this.send(path, options, true);
    }
    if (!res.ok) throw await ApiError.fromResponse(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async send(path: string, options: RequestOptions, useAuth: boolean): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const token = useAuth ? this.auth.accessToken() : null;
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await this.fetchFn(this.baseUrl + path, {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (e) {
      if (options.signal?.aborted) throw e;
      throw ApiError.network(e);
    }
  }
}
