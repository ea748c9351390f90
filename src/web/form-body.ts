// Fields of an urlencoded form as the handlers want them: one string, or a list.
export type FormBody = Record<string, string | string[] | undefined>;

export function field(body: unknown, name: string): string {
  const v = (body as FormBody | undefined)?.[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? '') : '';
}

export function fields(body: unknown, name: string): string[] {
  const v = (body as FormBody | undefined)?.[name];
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
}
