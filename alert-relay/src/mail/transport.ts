import fs from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config';

/** createTransport builds the pooled SMTP transport; TLS certificates are verified unless explicitly disabled. */
export function createTransport(cfg: Config): Transporter {
  return nodemailer.createTransport({
    pool: true,
    host: cfg.SMTP_HOST,
    port: cfg.SMTP_PORT,
    secure: cfg.SMTP_SECURE,
    requireTLS: cfg.SMTP_REQUIRE_TLS,
    ignoreTLS: cfg.SMTP_IGNORE_TLS,
    maxConnections: cfg.SMTP_POOL_SIZE,
    connectionTimeout: cfg.SMTP_TIMEOUT_MS,
    greetingTimeout: cfg.SMTP_TIMEOUT_MS,
    socketTimeout: cfg.SMTP_TIMEOUT_MS,
    auth: cfg.SMTP_USER ? { user: cfg.SMTP_USER, pass: cfg.SMTP_PASSWORD ?? '' } : undefined,
    tls: {
      rejectUnauthorized: cfg.SMTP_TLS_REJECT_UNAUTHORIZED,
      ca: cfg.SMTP_CA_FILE ? fs.readFileSync(cfg.SMTP_CA_FILE) : undefined,
    },
    logger: false,
  });
}

/** isPermanent says whether an SMTP failure will fail again: 5xx replies (RFC 5321 §4.2.1). */
export function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** smtpReason is a short failure text without credentials or message content. */
export function smtpReason(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  if (e.responseCode) {
    return `SMTP ${e.responseCode}: ${(e.response ?? '').slice(0, 300)}`;
  }
  return `${e.code ?? 'error'}: ${(e.message ?? String(err)).slice(0, 300)}`;
}
