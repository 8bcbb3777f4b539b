/** OpsValidationFailure is one field problem in a vROps error body. */
export interface OpsValidationFailure {
  failureMessage: string;
  violationPath: string;
}

/** OpsError is a vROps Suite API error rendered as its `error` JSON structure. */
export class OpsError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly apiErrorCode: number = status,
    readonly validationFailures: OpsValidationFailure[] = [],
  ) {
    super(message);
  }

  /** body is `{message, httpStatusCode, apiErrorCode, validationFailures?}`. */
  body(): Record<string, unknown> {
    const b: Record<string, unknown> = { message: this.message, httpStatusCode: this.status, apiErrorCode: this.apiErrorCode };
    if (this.validationFailures.length) b.validationFailures = this.validationFailures;
    return b;
  }
}

/** tokenInvalid is vROps' 401 for an unknown or expired token (apiErrorCode 1512). */
export function tokenInvalid(scheme: string): OpsError {
  return new OpsError(401, `The provided token for auth scheme "${scheme}" is either invalid or has expired.`, 1512);
}
