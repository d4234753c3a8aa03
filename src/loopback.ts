/** Whether a host name (without port; IPv6 in brackets, as URL.hostname gives it) is this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  return /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i.test(host);
}
