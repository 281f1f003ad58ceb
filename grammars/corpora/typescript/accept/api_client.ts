// A realistic module: generic HTTP client with async/await and error types.
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface RequestOptions<TBody = unknown> {
  method?: HttpMethod;
  body?: TBody;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class HttpError extends Error {
  constructor(public readonly status: number, message: string) {
    super(message);
    this.name = "HttpError";
  }
}

export class ApiClient {
  private readonly cache = new Map<string, { at: number; data: unknown }>();

  constructor(private readonly baseUrl: string, private readonly ttlMs = 30_000) {}

  async request<TResponse, TBody = undefined>(
    path: string,
    { method = "GET", body, headers = {}, signal }: RequestOptions<TBody> = {},
  ): Promise<TResponse> {
    const key = `${method} ${path}`;
    const hit = this.cache.get(key);
    if (method === "GET" && hit && Date.now() - hit.at < this.ttlMs) {
      return hit.data as TResponse;
    }
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (!res.ok) {
      throw new HttpError(res.status, await res.text());
    }
    const data = (await res.json()) as TResponse;
    if (method === "GET") this.cache.set(key, { at: Date.now(), data });
    return data;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>(path);
  }

  post<T, B>(path: string, body: B): Promise<T> {
    return this.request<T, B>(path, { method: "POST", body });
  }
}
