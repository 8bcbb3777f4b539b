/**
 * checkUrl returns why a configured URL cannot be used, or undefined when it can. Credentials in
 * the URL are refused because jsonData is readable by every editor of the data source; they
 * belong in the secret fields.
 */
export function checkUrl(value: string, required: boolean): string | undefined {
  const v = value.trim();
  if (v === '') {
    return required ? 'Enter a URL.' : undefined;
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return 'Enter a full URL such as https://vcenter.example.com.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'The URL must start with https:// or http://.';
  }
  if (!url.hostname) {
    return 'The URL needs a host name.';
  }
  if (url.username || url.password) {
    return 'Put the user name and password in their own fields, not in the URL.';
  }
  return undefined;
}

/** checkSeconds returns why a number of seconds is not acceptable, or undefined when it is. */
export function checkSeconds(value: string, min: number, max: number): string | undefined {
  if (value.trim() === '') {
    return undefined;
  }
  if (!/^\d+$/.test(value.trim())) {
    return 'Enter a whole number of seconds.';
  }
  const n = Number(value);
  if (n < min || n > max) {
    return `Enter a value between ${min} and ${max}.`;
  }
  return undefined;
}
