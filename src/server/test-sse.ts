/**
 * Reads a Server-Sent Events body as the tests receive it whole (the stream has ended). Test
 * helper only; nothing in the app uses it.
 */

/** The events of a body whose blocks are one `event:` and one `data:` (JSON) line each, in order. */
export function parseSse<T = Record<string, unknown>>(body: string): { event: string; data: T }[] {
  return body
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [event, data] = block.split('\n');
      return { event: event.slice(7), data: JSON.parse(data.slice(6)) as T };
    });
}
