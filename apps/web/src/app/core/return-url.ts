/** Only paths inside this app: no `//host`, no `https://…`, no `/\host`. */
export function safeReturnUrl(url: string | null | undefined): string | null {
  if (!url || !url.startsWith('/') || url.startsWith('//') || url.startsWith('/\\')) return null;
  if (url === '/' || url.startsWith('/login') || url.startsWith('/register')) return null;
  return url;
}
