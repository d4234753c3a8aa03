/**
 * Text with the user information of every URL in it (`nats://bob:pw@host`, `nats://token@host`)
 * replaced by "***": what pelatod prints never carries credentials a URL was given with.
 */
export function redactUserinfo(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, "$1***@");
}
