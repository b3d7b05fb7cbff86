/** A connection string with its credentials hidden, for logs and error messages. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^@/]*)@/, '//***@');
}
