/** Global options (flags over TTHC_URL / TTHC_API_KEY / TTHC_LANG), the typed client, and calling it. */
import { tthcClient, type TthcClient } from '../client/index.js';
import { defaultLang, t, type Lang } from './messages.js';
import { CliFailure, EXIT, type CodedError, type Output } from './output.js';

export interface GlobalOptions {
  url?: string;
  apiKey?: string;
  json?: boolean;
  lang?: string;
}

export interface Context {
  output: Output;
  /** The client, once the address and key are known (commands that work offline never ask). */
  client(): TthcClient;
  url(): string;
}

export interface Io {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
}

export function langOf(value: string | undefined, env: NodeJS.ProcessEnv): Lang {
  if (value === 'vi' || value === 'en') return value;
  if (value !== undefined) throw new CliFailure(EXIT.usage, { code: 'INVALID_OPTION', message: `--lang must be vi or en` });
  return defaultLang(env);
}

export function contextOf(opts: GlobalOptions, io: Io): Context {
  const output: Output = { json: opts.json === true, lang: langOf(opts.lang, io.env), out: io.out, err: io.err };
  const url = () => {
    const value = opts.url ?? io.env.TTHC_URL;
    if (!value) throw new CliFailure(EXIT.usage, { code: 'NO_URL', message: t(output.lang, 'noUrl') });
    return value.replace(/\/+$/, '');
  };
  let client: TthcClient | undefined;
  return {
    output,
    url,
    client() {
      const baseUrl = url();
      const apiKey = opts.apiKey ?? io.env.TTHC_API_KEY;
      if (!apiKey) throw new CliFailure(EXIT.usage, { code: 'NO_API_KEY', message: t(output.lang, 'noKey') });
      client ??= tthcClient({ baseUrl, apiKey });
      return client;
    },
  };
}

const codedOf = (body: unknown, status: number): CodedError => {
  const error = (body as { error?: Partial<CodedError> } | undefined)?.error;
  if (error && typeof error.code === 'string') return { code: error.code, message: error.message ?? '', ...(error.details === undefined ? {} : { details: error.details }) };
  return { code: `HTTP_${status}`, message: typeof body === 'string' ? body.slice(0, 300) : `the service answered ${status}` };
};

/** Awaits an openapi-fetch call: its data, or a CliFailure with the service's coded error (exit 1) or unreachable (exit 3). */
export async function api<T>(ctx: Context, call: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<{ data: T; status: number }> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call();
  } catch (err) {
    if (err instanceof CliFailure) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new CliFailure(EXIT.unreachable, { code: 'UNREACHABLE', message: `${t(ctx.output.lang, 'unreachable')} ${ctx.url()} (${reason})` });
  }
  const status = result.response.status;
  if (!result.response.ok) throw new CliFailure(EXIT.refused, codedOf(result.error, status), status);
  return { data: result.data as T, status };
}
